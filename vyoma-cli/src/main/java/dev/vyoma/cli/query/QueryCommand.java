package dev.vyoma.cli.query;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vyoma query …}: read the chain through a node. */
@Subcommands({
    QueryCommand.Bank.class,
    QueryCommand.Tx.class,
    QueryCommand.Status.class,
    MarketQueryCommands.Deployment.class,
    MarketQueryCommands.Market.class,
    MarketQueryCommands.Provider.class,
    MarketQueryCommands.Escrow.class,
    InferenceQueryCommands.Inference.class
})
@Command(name = "query", aliases = "q", description = "Read the chain through a node.")
public final class QueryCommand extends Group {
    private static <T> T ask(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (VyomaClient.NodeException e) {
            throw new UserException(e.getMessage());
        }
    }

    @Subcommands({Balances.class})
    @Command(name = "bank", description = "Balances.")
    static final class Bank extends Group {}

    @Command(name = "balances", description = "An account's balances and sequence: vyoma query bank balances ADDRESS.")
    static final class Balances extends MarketQueryCommands.Read {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() {
            Address a = Args.address(address, "ADDRESS");
            VyomaClient.AccountInfo info =
                    ask(() -> client.client().account(a)).orElse(new VyomaClient.AccountInfo(a, 0, List.of()));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Coin c : info.balances()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("denom", c.denom());
                r.put("amount", c.amount());
                rows.add(r);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("address", a.toString());
            out.put("sequence", info.sequence());
            out.put("balances", rows);
            return print(out);
        }
    }

    @Command(name = "tx", description = "A transaction by hash.")
    static final class Tx extends MarketQueryCommands.Read {
        @Parameters(paramLabel = "HASH")
        String hash;

        @Override
        public Integer call() {
            VyomaClient.TxOutcome out = ask(() -> client.client().tx(hash))
                    .orElseThrow(() -> new UserException("the node knows no transaction " + hash));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hash", out.hash());
            m.put("status", out.committed() ? (out.ok() ? "ok" : "failed") : "pending");
            if (out.committed()) {
                m.put("height", out.height());
                m.put("index", out.index());
                if (out.code() != null) {
                    m.put("code", out.code());
                }
                m.put("log", out.log());
            }
            return print(m);
        }
    }

    @Command(name = "status", description = "The node's chain, height and leader.")
    static final class Status extends MarketQueryCommands.Read {
        @Override
        public Integer call() {
            VyomaClient.Status s = ask(() -> client.client().status());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chainId", s.chainId());
            m.put("node", s.nodeId());
            m.put("height", s.height());
            m.put("latestBlockHash", s.latestBlockHash());
            m.put("leader", s.leader());
            m.put("term", s.term());
            return print(m);
        }
    }
}
