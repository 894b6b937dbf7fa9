package dev.vyoma.stats.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database made by an earlier version opens migrated to the present schema, its rows carried over. */
class StatsDbMigrationTest {
    @TempDir
    Path dir;

    private static String script(String name) throws Exception {
        try (InputStream in = StatsDbMigrationTest.class.getClassLoader().getResourceAsStream("db/migration/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aSchemaOneDatabaseIsMigratedWithItsRows() throws Exception {
        Path file = dir.resolve("v1.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
                Statement s = c.createStatement()) {
            for (String statement : StatsDb.statements(script("V1__schema.sql"))) {
                s.execute(statement);
            }
            s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, script VARCHAR NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (1, 'V1__schema.sql')");
            s.execute(
                    "INSERT INTO provider VALUES ('a', 'https://a.example.com', 3, 5), ('b', 'https://b.example.com', 4, NULL)");
            s.execute("INSERT INTO provider_snapshot VALUES ('a', 1000, true, NULL, 'declared', 0,"
                    + " 16000, 16000, 2000, 64, 64, 4, 100, 100, 10)");
            s.execute("INSERT INTO provider_snapshot_gpu VALUES ('a', 1000, 'nvidia', 'h100', '80Gi', 'sxm', 8, 8, 1)");
            s.execute("INSERT INTO lease VALUES ('l1', 'o', 'a', 'uusd', 2.5, 3, 3000, NULL, NULL, NULL, 1000, 1, 1, 1,"
                    + " 0)");
        }
        try (StatsDb db = StatsDb.open("duckdb:" + file);
                Connection c = db.connection();
                Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                r.next();
                assertThat(r.getInt(1)).isEqualTo(StatsDb.MIGRATIONS.size());
            }
            try (ResultSet r = s.executeQuery(
                    "SELECT owner, created_height, deleted_height FROM provider_registration ORDER BY owner")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1) + " " + r.getLong(2) + " " + r.getLong(3))
                        .isEqualTo("a 3 5");
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1) + " " + r.getLong(2) + " " + r.getObject(3))
                        .isEqualTo("b 4 null");
                assertThat(r.next()).isFalse();
            }
            // Schema 3: nothing was kept of what was reserved before, so it reads 0.
            try (ResultSet r = s.executeQuery("SELECT p.cpu_reserved, p.memory_reserved, p.storage_reserved,"
                    + " g.reserved FROM provider_snapshot p JOIN provider_snapshot_gpu g ON g.provider = p.provider")) {
                assertThat(r.next()).isTrue();
                assertThat(List.of(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)))
                        .containsExactly(0L, 0L, 0L, 0L);
            }
            // Schema 4: no bids were kept, and a lease's GPU model is unknown ('') until the chain is indexed again.
            try (ResultSet r = s.executeQuery("SELECT gpu_model, (SELECT COUNT(*) FROM bid) FROM lease")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEmpty();
                assertThat(r.getLong(2)).isZero();
            }
        }
    }
}
