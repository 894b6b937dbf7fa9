package dev.vyoma.inference;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real one-validator chain with its HTTP API on a free port, every named account funded. */
public final class TestChain implements AutoCloseable {
    public final LocalChain local;
    public final String url;
    public final VyomaClient client;

    public TestChain(Path dir, String chainId, String... funded) throws Exception {
        List<Address> accounts = new ArrayList<>();
        for (String name : funded) {
            accounts.add(KEYS.key(name).address());
        }
        local = LocalChain.start(
                dir.resolve("node"),
                LocalChain.fundedGenesis(
                        chainId,
                        List.of(new Coin("uusd", 1_000_000_000L), new Coin("uvyo", 1_000_000_000L)),
                        accounts.toArray(Address[]::new)),
                Duration.ofMillis(100));
        url = local.url();
        client = new VyomaClient(url);
    }

    /** The deterministic keys of this test's named accounts. */
    public static final NamedKeys KEYS = new NamedKeys("inference");

    /** Sends one message signed by {@code signer} and waits for its block; fails unless it succeeded. */
    public void commit(KeyPair signer, Msg msg) {
        VyomaClient.TxOutcome o = client.broadcast(client.sign(signer, List.of(msg), ""), true);
        if (!o.ok()) {
            throw new AssertionError(msg.kind() + " failed: " + o.log());
        }
    }

    @Override
    public void close() {
        local.close();
    }
}
