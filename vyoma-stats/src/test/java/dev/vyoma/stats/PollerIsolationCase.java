package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.stats.capacity.CapacityPoller;
import dev.vyoma.stats.capacity.PollPolicy;
import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.store.StatsDb;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * The capacity poller stores each provider's snapshot on its own: when the database refuses one (here: a GPU row
 * already stored for that provider and time, standing in for any failed insert), the providers after it are still
 * stored, and the refused one gets a failed snapshot saying why.
 */
final class PollerIsolationCase {
    private PollerIsolationCase() {}

    private static final String STATUS = """
            {"provider": "P", "inventory": "declared", "activeLeases": 0,
             "cpu": {"total": 8000, "allocatable": 8000, "allocated": 0, "reserved": 0},
             "memory": {"total": 100, "allocatable": 100, "allocated": 0, "reserved": 0},
             "storage": {"ephemeral": {"total": 100, "allocatable": 100, "allocated": 0, "reserved": 0}},
             "gpus": [{"vendor": "nvidia", "model": "h100", "vram": "80Gi", "interface": "sxm",
                       "total": 8, "allocatable": 8, "allocated": 1, "reserved": 0}]}
            """;

    static void run(Supplier<StatsDb> open) throws Exception {
        List<String> owners = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            owners.add(KeyPair.fromSeed(Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 32))
                    .address()
                    .toString());
        }
        owners.sort(null); // the poller's order
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        try (StatsDb db = open.get()) {
            try (Connection c = db.connection()) {
                try (PreparedStatement s =
                        c.prepareStatement("INSERT INTO provider (owner, host_uri, created_height) VALUES (?, ?, 1)")) {
                    for (String o : owners) {
                        s.setString(1, o);
                        s.setString(2, "https://public.example:8443");
                        s.executeUpdate();
                    }
                }
                // The first provider's GPU row for this poll is already there: its insert fails.
                try (PreparedStatement s = c.prepareStatement("INSERT INTO provider_snapshot_gpu (provider, time_ms,"
                        + " vendor, model, vram, interface, total, allocatable, allocated)"
                        + " VALUES (?, ?, 'nvidia', 'h100', '80Gi', 'sxm', 1, 1, 0)")) {
                    s.setString(1, owners.get(0));
                    s.setLong(2, now.toEpochMilli());
                    s.executeUpdate();
                }
            }
            JsonMapper json = JsonMapper.builder().build();
            List<Address> asked = new ArrayList<>();
            CapacityPoller poller = new CapacityPoller(
                    new SnapshotStore(db),
                    provider -> {
                        asked.add(provider);
                        return json.readTree(STATUS);
                    },
                    Clock.fixed(now, ZoneOffset.UTC),
                    Duration.ofMinutes(15),
                    new PollPolicy(false, host -> new InetAddress[] {InetAddress.getByName("93.184.216.34")}));
            assertThat(poller.poll()).isEqualTo(3);
            assertThat(asked).hasSize(3);

            List<String> rows = new ArrayList<>();
            try (Connection c = db.connection();
                    PreparedStatement s = c.prepareStatement("SELECT p.provider, p.ok, p.error,"
                            + " (SELECT SUM(g.allocated) FROM provider_snapshot_gpu g"
                            + "  WHERE g.provider = p.provider AND g.time_ms = p.time_ms)"
                            + " FROM provider_snapshot p ORDER BY p.provider");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String error = r.getString(3);
                    rows.add(r.getString(1) + " " + r.getBoolean(2) + " "
                            + (error == null ? "-" : error.substring(0, "not stored: ".length())) + " "
                            + r.getLong(4));
                }
            }
            // The first: a failed snapshot (its stray GPU row has 0 allocated). The others: stored as answered, 1 H100
            // allocated each.
            assertThat(rows)
                    .containsExactly(
                            owners.get(0) + " false not stored:  0",
                            owners.get(1) + " true - 1",
                            owners.get(2) + " true - 1");
        }
    }
}
