package dev.vyoma.stats.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.stats.source.ChainSource.ChainBlock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node read in ranges answers the blocks (heights, times, hashes, every event decoded) that it answers one
 * request per block, at the chain's end and past it too, while it goes on producing blocks.
 */
class NodeSourceRangeTest {
    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("node-source");

    @Test
    void rangesAreTheBlocksReadOneByOne(@TempDir Path home) throws Exception {
        KeyPair alice = KEYS.key("alice");
        try (LocalChain chain = LocalChain.builder(home)
                .genesis(LocalChain.fundedGenesis(
                        "vyoma-node-source-test",
                        List.of(new Coin("uusd", 1_000_000), new Coin("uvyo", 1_000_000)),
                        alice.address()))
                .blockInterval(Duration.ofMillis(20))
                .start()) {
            VyomaClient client = new VyomaClient(chain.url());
            for (int i = 0; i < 3; i++) {
                client.broadcast(
                        client.sign(
                                alice,
                                List.of(new Msg.Send(
                                        alice.address(), KEYS.key("bob").address(), new Coin("uusd", 7))),
                                ""),
                        true);
            }
            // A provider's registration: an event the indexer decodes.
            client.broadcast(
                    client.sign(
                            alice,
                            List.of(new Msg.CreateProvider(
                                    alice.address(), "https://provider.example.com:8443", List.of(), "", "")),
                            ""),
                    true);
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> chain.node().blocks().latestHeight() >= 30);

            NodeSource ranges = new NodeSource(chain.url());
            NodeSource single = NodeSource.perBlock(chain.url());
            long latest = ranges.latestHeight();
            List<ChainBlock> read = ranges.blocks(1, latest);
            assertThat(read).hasSize((int) latest).isEqualTo(single.blocks(1, latest));
            assertThat(read)
                    .anyMatch(b -> b.events().stream()
                            .anyMatch(e -> e instanceof dev.vyoma.ledger.event.Event.ProviderCreated));
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i).height()).isEqualTo(i + 1);
            }

            // Boundaries: one block, the last, and a range reaching past the chain's end (the chain moves meanwhile).
            assertThat(ranges.blocks(5, 5)).containsExactly(single.block(5).orElseThrow());
            assertThat(ranges.blocks(latest, latest)).containsExactly(read.get((int) latest - 1));
            List<ChainBlock> past = ranges.blocks(latest - 2, latest + 500);
            assertThat(past.size()).isBetween(3, 503);
            assertThat(past.subList(0, 3)).isEqualTo(read.subList((int) latest - 3, (int) latest));
            assertThat(past).isEqualTo(single.blocks(latest - 2, latest - 3 + past.size()));
            assertThat(ranges.blocks(latest + 100_000, latest + 100_010)).isEmpty();
        }
    }
}
