package dev.vyoma.node.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A block store whose history starts after a snapshot, as on a member the leader sent its snapshot. */
class BlockStoreSnapshotTest {
    @TempDir
    Path dir;

    private record Applied(Block block, BlockResult result) {}

    private static List<Applied> chain(int blocks) {
        Ledger ledger = Ledger.fromGenesis(new Genesis("store-test", 1_700_000_000_000L, Params.defaults(), List.of()));
        KeyPair proposer = KeyPair.fromSeed(Arrays.copyOf("proposer".getBytes(StandardCharsets.UTF_8), 32));
        List<Applied> out = new ArrayList<>();
        for (int h = 1; h <= blocks; h++) {
            Block b = new Block(h, 1_700_000_000_000L + h * 1_000L, proposer.address(), List.of());
            out.add(new Applied(b, ledger.apply(b)));
        }
        return out;
    }

    @Test
    void historyGoesOnAfterTheSnapshotAndOlderHeightsReadAsAbsent() {
        List<Applied> chain = chain(12);
        try (BlockStore store = BlockStore.open(dir)) {
            assertThat(store.firstHeight()).isEqualTo(1);
            // Two blocks from before, then a snapshot at height 10 installed over them.
            store.put(chain.get(0).block(), chain.get(0).result());
            store.put(chain.get(1).block(), chain.get(1).result());
            assertThat(store.startAfterSnapshot(10)).isTrue();
            assertThat(store.firstHeight()).isEqualTo(11);
            assertThat(store.latestHeight()).isEqualTo(10);
            assertThat(store.block(2)).isEmpty();
            assertThat(store.result(1)).isEmpty();
            // Block 12 before 11 is refused; 11 follows.
            assertThatThrownBy(
                            () -> store.put(chain.get(11).block(), chain.get(11).result()))
                    .hasMessageContaining("does not follow the stored height 10");
            store.put(chain.get(10).block(), chain.get(10).result());
            assertThat(store.latestHeight()).isEqualTo(11);
            // A snapshot the store already holds changes nothing.
            assertThat(store.startAfterSnapshot(11)).isFalse();
            assertThat(store.startAfterSnapshot(5)).isFalse();
            assertThat(store.firstHeight()).isEqualTo(11);
        }
        try (BlockStore reopened = BlockStore.open(dir)) {
            assertThat(reopened.firstHeight()).isEqualTo(11);
            assertThat(reopened.latestHeight()).isEqualTo(11);
            assertThat(reopened.block(11)).contains(chain.get(10).block());
            assertThat(reopened.block(1)).isEmpty();
        }
    }
}
