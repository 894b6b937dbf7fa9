package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower sees every event once and in order, across the API going away and coming back. */
class EventFollowerTest {
    @TempDir
    Path home;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("follow");

    private static SignedTx send(long sequence, long amount) {
        KeyPair k = KEYS.key("alice");
        Tx tx = new Tx(
                "vyoma-follow-test",
                k.publicKey(),
                sequence,
                new Coin("uvyo", 1_000),
                List.of(new Msg.Send(k.address(), KEYS.key("bob").address(), new Coin("uusd", amount))),
                "");
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }

    @Test
    void everyEventOnceAndInOrderAcrossDisconnects() throws Exception {
        Genesis genesis = new Genesis(
                "vyoma-follow-test",
                1_700_000_000_000L,
                Params.defaults(),
                List.of(new Genesis.Allocation(
                        KEYS.key("alice").address(), List.of(new Coin("uusd", 1_000), new Coin("uvyo", 100_000)))));
        int apiPort = LocalPorts.free();
        try (Node node = Node.start(new Node.Config(
                home,
                "n0",
                List.of(new Node.Peer("n0", "127.0.0.1:" + LocalPorts.free())),
                genesis,
                KEYS.key("validator").address(),
                Duration.ofMillis(100),
                1_000,
                100,
                Mempool.Limits.defaults()))) {
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            Api api = Api.start(node, "127.0.0.1", apiPort);
            List<EventFollower.ChainEvent> seen = new CopyOnWriteArrayList<>();
            try (EventFollower follower =
                    EventFollower.fromHeight("http://127.0.0.1:" + apiPort, 1, Set.of("Transfer"), seen::add)) {
                for (long s = 0; s < 3; s++) {
                    node.committed(node.submit(send(s, s + 1)).txHash(), Duration.ofSeconds(10))
                            .get();
                }
                await().atMost(10, TimeUnit.SECONDS).until(() -> seen.size() == 3);

                // The API goes away; blocks go on; the follower keeps trying.
                api.close();
                for (long s = 3; s < 5; s++) {
                    node.committed(node.submit(send(s, s + 1)).txHash(), Duration.ofSeconds(10))
                            .get();
                }
                api = Api.start(node, "127.0.0.1", apiPort);
                node.committed(node.submit(send(5, 6)).txHash(), Duration.ofSeconds(10))
                        .get();

                // Until the follower has read past the last transaction's block (its end marker moves the
                // position), so a duplicate of an event it saw would be in the list by now.
                long lastTxHeight = node.height();
                await().atMost(20, TimeUnit.SECONDS).until(() -> seen.size() >= 6 && readPast(follower, lastTxHeight));
                assertThat(seen)
                        .extracting(e -> e.data().path("amount").path("amount").asString())
                        .containsExactly("1", "2", "3", "4", "5", "6");
                assertThat(seen).extracting(EventFollower.ChainEvent::height).isSorted();
                assertThat(follower.connections()).isGreaterThanOrEqualTo(2);
                assertThat(follower.position()).isNotNull();

                // A new follower resuming from a saved position sees only what came after it.
                String saved = seen.get(3).id();
                List<EventFollower.ChainEvent> rest = new CopyOnWriteArrayList<>();
                try (EventFollower again = EventFollower.resumeAfter(
                        "http://127.0.0.1:" + apiPort, saved, Set.of("Transfer"), rest::add)) {
                    await().atMost(10, TimeUnit.SECONDS).until(() -> rest.size() >= 2 && readPast(again, lastTxHeight));
                    assertThat(rest)
                            .extracting(
                                    e -> e.data().path("amount").path("amount").asString())
                            .containsExactly("5", "6");
                }
            } finally {
                api.close();
            }
        }
    }

    /** Whether the follower has handed on an event (a block marker, at least) of a block after {@code height}. */
    private static boolean readPast(EventFollower follower, long height) {
        String at = follower.position();
        return at != null && Long.parseLong(at.substring(0, at.indexOf(':'))) > height;
    }
}
