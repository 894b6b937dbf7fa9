package dev.vyoma.cli;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vyoma tx …}: sign and send transactions. */
@Command(
        name = "tx",
        description = "Sign a transaction with a key from the keyring and send it to a node.",
        subcommands = {
            TxCommand.Bank.class,
            MarketTxCommands.Deployment.class,
            MarketTxCommands.Market.class,
            MarketTxCommands.Provider.class,
            MarketTxCommands.Audit.class,
            MarketTxCommands.Escrow.class,
            MarketTxCommands.Cert.class,
            InferenceCommand.Tx.class
        })
final class TxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.USAGE;
    }

    /** Options every transaction takes. */
    static final class TxOptions {
        @Mixin
        ClientOptions client;

        @Option(names = "--from", required = true, description = "The key that signs (vyoma keys list).")
        String from;

        @Option(names = "--memo", description = "A note stored with the transaction.", defaultValue = "")
        String memo;

        @Option(names = "--no-wait", description = "Return once the node admits it, without waiting for a block.")
        boolean noWait;
    }

    /** Signs {@code msgs}, sends them, prints the hash and the result; exit 1 if the transaction failed. */
    static int send(CommandSpec spec, TxOptions options, KeyPair key, List<Msg> msgs) {
        VyomaClient client = options.client.client();
        try {
            SignedTx tx = client.sign(key, msgs, options.memo);
            VyomaClient.TxOutcome out = client.broadcast(tx, !options.noWait);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("hash", out.hash());
            m.put("status", out.committed() ? (out.ok() ? "ok" : "failed") : "pending");
            if (out.committed()) {
                m.put("height", out.height());
                if (!out.ok()) {
                    m.put("code", out.code());
                }
                m.put("log", out.log());
            }
            Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, m);
            if (out.committed() && !out.ok()) {
                throw new UserException(
                        "transaction " + out.hash() + " failed in block " + out.height() + ": " + out.log());
            }
            return 0;
        } catch (VyomaClient.NodeException e) {
            throw new UserException("the node refused the transaction: " + e.getMessage());
        }
    }

    @Command(
            name = "bank",
            description = "Bank transactions.",
            subcommands = {BankSend.class})
    static final class Bank implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return Main.USAGE;
        }
    }

    @Command(name = "send", description = "Send coins: vyoma tx bank send TO AMOUNT --from KEY (e.g. 1000000uusd).")
    static final class BankSend implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxOptions options;

        @Parameters(index = "0", paramLabel = "TO", description = "The recipient's address.")
        String to;

        @Parameters(index = "1", paramLabel = "AMOUNT", description = "Amount and denom, e.g. 1000000uusd.")
        String amount;

        @Override
        public Integer call() {
            Address recipient;
            Coin coin;
            try {
                recipient = Address.parse(to);
            } catch (IllegalArgumentException e) {
                throw new UserException("TO: " + e.getMessage());
            }
            try {
                coin = Coin.parse(amount);
            } catch (IllegalArgumentException e) {
                throw new UserException("AMOUNT: " + e.getMessage());
            }
            KeyPair key = options.client.unlock(options.from);
            return send(spec, options, key, List.of(new Msg.Send(key.address(), recipient, coin)));
        }
    }
}
