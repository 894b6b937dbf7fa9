package dev.vyoma.cli.query;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.cli.query.MarketQueryCommands.PageOptions;
import dev.vyoma.cli.query.MarketQueryCommands.Read;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vyoma query inference account|accounts|charges}: inference accounts and their settled charges. */
final class InferenceQueryCommands {
    private InferenceQueryCommands() {}

    @Subcommands({QueryAccount.class, QueryAccounts.class, QueryCharges.class})
    @Command(name = "inference", description = "Inference accounts and their settled charges.")
    static final class Inference extends Group {}

    @Command(name = "account", description = "One inference account: vyoma query inference account OWNER GATEWAY.")
    static final class QueryAccount extends Read {
        @Parameters(index = "0", paramLabel = "OWNER")
        String owner;

        @Parameters(index = "1", paramLabel = "GATEWAY")
        String gateway;

        @Override
        public Integer call() {
            return read(
                    "/v1/inference/accounts/" + Args.address(owner, "OWNER") + "/" + Args.address(gateway, "GATEWAY"),
                    "inference account " + owner + "/" + gateway);
        }
    }

    @Command(name = "accounts", description = "Inference accounts by --owner or by --gateway.")
    static final class QueryAccounts extends Read {
        @Option(names = "--owner")
        String owner;

        @Option(names = "--gateway")
        String gateway;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            if ((owner == null) == (gateway == null)) {
                throw new UserException("give --owner ADDRESS or --gateway ADDRESS");
            }
            String q = owner != null
                    ? "owner=" + Args.address(owner, "--owner")
                    : "gateway=" + Args.address(gateway, "--gateway");
            return read("/v1/inference/accounts?" + q + "&" + page.query(), "accounts");
        }
    }

    @Command(
            name = "charges",
            description = "An account's settled charges: vyoma query inference charges OWNER GATEWAY.")
    static final class QueryCharges extends Read {
        @Parameters(index = "0", paramLabel = "OWNER")
        String owner;

        @Parameters(index = "1", paramLabel = "GATEWAY")
        String gateway;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            return read(
                    "/v1/inference/charges/" + Args.address(owner, "OWNER") + "/" + Args.address(gateway, "GATEWAY")
                            + "?" + page.query(),
                    "charges");
        }
    }
}
