package dev.vyoma.stats;

import dev.vyoma.stats.store.StatsDb;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

/** The known-answer chain indexed into a real PostgreSQL server started here, schema migrated by Flyway. */
class KnownAnswerPostgresTest {
    @Test
    void reportEqualsTheHandComputedMetrics() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String spec = "postgresql://postgres:postgres@localhost:" + pg.getPort() + "/postgres";
            KnownAnswerCase.run(() -> StatsDb.open(spec));
        }
    }
}
