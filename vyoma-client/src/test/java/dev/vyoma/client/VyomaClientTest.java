package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against a real one-node chain. */
class VyomaClientTest {
    @TempDir
    Path home;

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("client");

    @Test
    void signsBroadcastsAndReadsBack() throws Exception {
        int raft;
        try (ServerSocket s = new ServerSocket(0)) {
            raft = s.getLocalPort();
        }
        Genesis genesis = new Genesis(
                "vyoma-client-test",
                1_700_000_000_000L,
                Params.defaults(),
                List.of(new Genesis.Allocation(
                        KEYS.key("alice").address(), List.of(new Coin("uusd", 500), new Coin("uvyo", 100_000)))));
        try (Node node = Node.start(new Node.Config(
                        home,
                        "n0",
                        List.of(new Node.Peer("n0", "127.0.0.1:" + raft)),
                        genesis,
                        KEYS.key("validator").address(),
                        Duration.ofMillis(100),
                        1_000,
                        100,
                        Mempool.Limits.defaults()));
                Api api = Api.start(node, "127.0.0.1", 0)) {
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            VyomaClient client = new VyomaClient("http://127.0.0.1:" + api.port());
            assertThat(client.status().chainId()).isEqualTo("vyoma-client-test");

            KeyPair alice = KEYS.key("alice");
            Msg send = new Msg.Send(alice.address(), KEYS.key("bob").address(), new Coin("uusd", 120));
            SignedTx tx = client.sign(alice, List.of(send), "first");
            assertThat(tx.tx().maxFee()).isEqualTo(new Coin("uvyo", 1_000));
            VyomaClient.TxOutcome out = client.broadcast(tx, true);
            assertThat(out.committed()).isTrue();
            assertThat(out.ok()).as(out.log()).isTrue();
            assertThat(client.tx(tx.hashHex()).orElseThrow().height()).isEqualTo(out.height());

            assertThat(client.account(KEYS.key("bob").address()).orElseThrow().balance("uusd"))
                    .isEqualTo(120);
            VyomaClient.AccountInfo a = client.account(alice.address()).orElseThrow();
            assertThat(a.sequence()).isEqualTo(1);
            assertThat(a.balance("uvyo")).isEqualTo(99_000);
            assertThat(client.account(KEYS.key("nobody").address())).isEmpty();

            // A message that fails is charged and reported, not thrown.
            SignedTx tooMuch = client.sign(
                    alice,
                    List.of(new Msg.Send(alice.address(), KEYS.key("bob").address(), new Coin("uusd", 10_000))),
                    "");
            VyomaClient.TxOutcome failed = client.broadcast(tooMuch, true);
            assertThat(failed.ok()).isFalse();
            assertThat(failed.code()).isEqualTo("insufficient_funds");

            // A deposit grant, read back by its two addresses.
            VyomaClient.TxOutcome granted = client.broadcast(
                    client.sign(
                            alice,
                            List.of(new Msg.GrantDeposit(
                                    alice.address(), KEYS.key("bob").address(), new Coin("uusd", 300), 0)),
                            ""),
                    true);
            assertThat(granted.ok()).as(granted.log()).isTrue();
            var grant = client.depositGrant(alice.address(), KEYS.key("bob").address())
                    .orElseThrow();
            assertThat(grant.path("spendLimit").path("amount").asString()).isEqualTo("300");
            assertThat(grant.path("spentMicro").asLong()).isZero();
            assertThat(client.depositGrant(KEYS.key("bob").address(), alice.address()))
                    .isEmpty();

            // A refusal before the mempool is an exception with the node's reason.
            assertThatThrownBy(() -> client.broadcast(tx, false))
                    .isInstanceOf(VyomaClient.NodeException.class)
                    .satisfies(e ->
                            assertThat(((VyomaClient.NodeException) e).name()).isEqualTo("wrong_sequence"));
            assertThatThrownBy(() -> new VyomaClient("localhost:1317")).hasMessageContaining("http://");
        }
    }
}
