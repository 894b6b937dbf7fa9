package dev.vyoma.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Queries;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import dev.vyoma.node.store.BlockStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One node, in this JVM, on a free loopback port: blocks are produced, stored, and survive a restart. */
class NodeTest {
    private static final String CHAIN = "vyoma-node-test";

    @TempDir
    Path home;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("node");

    private Node.Config config(int port) {
        Genesis genesis = new Genesis(
                CHAIN,
                1_700_000_000_000L,
                Params.defaults(),
                List.of(new Genesis.Allocation(
                        KEYS.key("alice").address(),
                        List.of(new Coin("uusd", 1_000_000), new Coin("uvyo", 1_000_000)))));
        return new Node.Config(
                home,
                "n0",
                List.of(new Node.Peer("n0", "127.0.0.1:" + port)),
                genesis,
                KEYS.key("validator").address(),
                Duration.ofMillis(100),
                1_000,
                5,
                Mempool.Limits.defaults());
    }

    private static SignedTx send(long sequence, long amount) {
        KeyPair k = KEYS.key("alice");
        Tx tx = new Tx(
                CHAIN,
                k.publicKey(),
                sequence,
                new Coin("uvyo", 1_000),
                List.of(new Msg.Send(k.address(), KEYS.key("bob").address(), new Coin("uusd", amount))),
                "");
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }

    @Test
    void producesBlocksAndKeepsStateAndHistoryAcrossARestart() throws Exception {
        int port = LocalPorts.free();
        List<String> hashes = new ArrayList<>();
        long heightBefore;
        String commitmentBefore;
        try (Node node = Node.start(config(port))) {
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            for (long s = 0; s < 12; s++) {
                SignedTx tx = send(s, 10 + s);
                assertThat(node.submit(tx)).isInstanceOf(Mempool.Accepted.class);
                hashes.add(tx.hashHex());
            }
            for (String h : hashes) {
                node.committed(h, Duration.ofSeconds(20)).get();
            }
            // Empty blocks keep coming: leases are paid per block.
            long h = node.height();
            await().atMost(10, TimeUnit.SECONDS).until(() -> node.height() >= h + 3);
            heightBefore = node.height();
            commitmentBefore = node.blocks().result(heightBefore).orElseThrow().stateHex();
            long bob = node.query(st -> new Queries(st).balance(KEYS.key("bob").address(), "uusd"));
            assertThat(bob).isEqualTo(12 * 10 + (11 * 12) / 2);
        }

        try (Node node = Node.start(config(port))) {
            // Stopped, then started from the same home: the height, the state and the history are there.
            // Ratis replays the log after the latest snapshot as the node starts.
            await().atMost(10, TimeUnit.SECONDS).until(() -> node.height() >= heightBefore);
            BlockStore blocks = node.blocks();
            for (long height = 1; height <= heightBefore; height++) {
                Block b = blocks.block(height).orElseThrow();
                BlockResult r = blocks.result(height).orElseThrow();
                assertThat(b.height()).isEqualTo(height);
                assertThat(r.txs()).allMatch(t -> t.ok());
            }
            assertThat(blocks.result(heightBefore).orElseThrow().stateHex()).isEqualTo(commitmentBefore);
            for (String h : hashes) {
                assertThat(blocks.tx(h)).isPresent();
            }
            long bob = node.query(st -> new Queries(st).balance(KEYS.key("bob").address(), "uusd"));
            assertThat(bob).isEqualTo(186);
            // It goes on from where it was.
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            SignedTx next = send(12, 1);
            assertThat(node.submit(next)).isInstanceOf(Mempool.Accepted.class);
            Node.Included at =
                    node.committed(next.hashHex(), Duration.ofSeconds(20)).get();
            assertThat(at.height()).isGreaterThan(heightBefore);
            assertThat(node.blocks()
                            .result(at.height())
                            .orElseThrow()
                            .txs()
                            .get(at.index())
                            .ok())
                    .isTrue();
        }
    }
}
