package dev.vyoma.cli.query;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.cli.query.MarketQueryCommands.PageOptions;
import dev.vyoma.cli.query.MarketQueryCommands.Read;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vyoma query deployment grants|grant}: deposit grants by granter, by grantee, or one of them. */
final class DepositGrantQueryCommands {
    private DepositGrantQueryCommands() {}

    @Command(
            name = "grants",
            description = "Deposit grants a --granter gave, or a --grantee may draw on (limit, spent, expiry).")
    static final class Grants extends Read {
        @Option(names = "--granter", paramLabel = "ADDRESS")
        String granter;

        @Option(names = "--grantee", paramLabel = "ADDRESS")
        String grantee;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            if ((granter == null) == (grantee == null)) {
                throw new UserException("give --granter ADDRESS or --grantee ADDRESS");
            }
            String q = granter != null
                    ? "granter=" + Args.address(granter, "--granter")
                    : "grantee=" + Args.address(grantee, "--grantee");
            return read("/v1/deposit-grants?" + q + "&" + page.query(), "deposit grants");
        }
    }

    @Command(name = "grant", description = "One deposit grant: vyoma query deployment grant GRANTER GRANTEE.")
    static final class GrantGet extends Read {
        @Parameters(index = "0", paramLabel = "GRANTER")
        String granter;

        @Parameters(index = "1", paramLabel = "GRANTEE")
        String grantee;

        @Override
        public Integer call() {
            String path = Args.address(granter, "GRANTER") + "/" + Args.address(grantee, "GRANTEE");
            return read("/v1/deposit-grants/" + path, "deposit grant " + path);
        }
    }
}
