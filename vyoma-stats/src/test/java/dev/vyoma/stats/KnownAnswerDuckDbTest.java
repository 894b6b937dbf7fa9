package dev.vyoma.stats;

import dev.vyoma.stats.store.StatsDb;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-answer chain indexed into DuckDB in a file. */
class KnownAnswerDuckDbTest {
    @TempDir
    Path dir;

    @Test
    void reportEqualsTheHandComputedMetrics() throws Exception {
        String spec = "duckdb:" + dir.resolve("stats.duckdb");
        KnownAnswerCase.run(() -> StatsDb.open(spec));
    }
}
