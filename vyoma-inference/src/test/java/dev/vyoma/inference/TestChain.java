package dev.vyoma.inference;

import static org.awaitility.Awaitility.await;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Params;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.Node;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.mempool.Mempool;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real one-validator chain with its HTTP API on a free port, every named account funded. */
public final class TestChain implements AutoCloseable {
    public final Node node;
    public final Api api;
    public final String url;
    public final VyomaClient client;

    public TestChain(Path dir, String chainId, String... funded) throws Exception {
        List<Genesis.Allocation> allocations = new ArrayList<>();
        for (String name : funded) {
            allocations.add(new Genesis.Allocation(
                    key(name).address(), List.of(new Coin("uusd", 1_000_000_000L), new Coin("uvyo", 1_000_000_000L))));
        }
        Genesis genesis = new Genesis(chainId, 1_700_000_000_000L, Params.defaults(), allocations);
        node = Node.start(new Node.Config(
                dir.resolve("node"),
                "n0",
                List.of(new Node.Peer("n0", "127.0.0.1:" + freePort())),
                genesis,
                key("validator").address(),
                Duration.ofMillis(100),
                1_000,
                100,
                Mempool.Limits.defaults()));
        await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
        api = Api.start(node, "127.0.0.1", 0);
        url = "http://127.0.0.1:" + api.port();
        client = new VyomaClient(url);
    }

    /** The deterministic test key of {@code name}. */
    public static KeyPair key(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(("inference:" + name).getBytes(StandardCharsets.UTF_8), 32));
    }

    /** Sends one message signed by {@code signer} and waits for its block; fails unless it succeeded. */
    public void commit(KeyPair signer, Msg msg) {
        VyomaClient.TxOutcome o = client.broadcast(client.sign(signer, List.of(msg), ""), true);
        if (!o.ok()) {
            throw new AssertionError(msg.kind() + " failed: " + o.log());
        }
    }

    public static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        api.close();
        node.close();
    }
}
