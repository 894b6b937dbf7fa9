package dev.vyoma.cli.tx;

import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A transaction subcommand: it declares its options and builds its message; this class unlocks the {@code --from}
 * key, signs, sends, waits for the block (unless {@code --no-wait}) and prints the hash and the result. A
 * transaction that fails in its block is a user error (exit 1).
 */
public abstract class SignedTxCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected TxOptions options;

    /** The message, built once the signing key is unlocked. */
    @FunctionalInterface
    protected interface Message {
        Msg of(KeyPair key);
    }

    /**
     * Reads what the command must check before any passphrase is asked for, and says how to build the message
     * from the unlocked key (arguments read there are read after the passphrase).
     */
    protected abstract Message prepare();

    @Override
    public final Integer call() {
        Message message = prepare();
        KeyPair key = options.client.unlock(options.from);
        return send(spec, options, key, List.of(message.of(key)));
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
}
