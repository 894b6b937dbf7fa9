package dev.vyoma.stats.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.stats.store.StatsDb;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The capacity poller as an attacker sees it: anyone can register a provider whose host points into the
 * indexer's own network (loopback, a private range, a cloud metadata address, a name that resolves there).
 * Such hosts are never contacted unless the indexer is configured for a devnet.
 */
class CapacityPollerTest {
    private static final Map<String, String> DNS = Map.of(
            "public.example", "93.184.216.34",
            "metadata.example", "169.254.169.254",
            "sneaky.example", "10.1.2.3");

    private static final PollPolicy.Resolver TABLE = host -> {
        String ip = DNS.getOrDefault(host, host.matches("[0-9.:a-f]+") ? host : null);
        if (ip == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    };

    private static String owner(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 32))
                .address()
                .toString();
    }

    /** Registers a provider per host, polls once, and returns each host's snapshot error ("" when asked). */
    private static Map<String, String> pollOnce(PollPolicy policy, List<String> hosts, List<Address> asked)
            throws Exception {
        try (StatsDb db = StatsDb.open("duckdb::memory:")) {
            Map<String, String> ownerToHost = new LinkedHashMap<>();
            try (Connection c = db.connection();
                    PreparedStatement s = c.prepareStatement(
                            "INSERT INTO provider (owner, host_uri, created_height) VALUES (?, ?, 1)")) {
                for (String host : hosts) {
                    String owner = owner(host);
                    ownerToHost.put(owner, host);
                    s.setString(1, owner);
                    s.setString(2, host);
                    s.executeUpdate();
                }
            }
            StatusSource source = provider -> {
                asked.add(provider);
                throw new IllegalStateException("asked");
            };
            Clock clock = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);
            CapacityPoller poller =
                    new CapacityPoller(new SnapshotStore(db), source, clock, Duration.ofMinutes(15), policy);
            assertThat(poller.poll()).isEqualTo(hosts.size());
            Map<String, String> errors = new LinkedHashMap<>();
            try (Connection c = db.connection();
                    PreparedStatement s = c.prepareStatement("SELECT provider, error FROM provider_snapshot");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String error = r.getString(2);
                    errors.put(ownerToHost.get(r.getString(1)), error.contains("asked") ? "" : error);
                }
            }
            return errors;
        }
    }

    @Test
    void hostsInsideTheIndexersNetworkAreNeverContacted() throws Exception {
        List<String> hosts = List.of(
                "https://public.example:8443",
                "https://127.0.0.1:8443",
                "https://10.0.0.5",
                "https://192.168.1.1",
                "https://100.64.0.1",
                "https://[::1]:8443",
                "https://[fd00::1]",
                "https://[::ffff:127.0.0.1]",
                "https://metadata.example",
                "https://sneaky.example",
                "https://nowhere.example",
                "https://public.example:8443?x=1");
        List<Address> asked = new ArrayList<>();
        Map<String, String> errors = pollOnce(new PollPolicy(false, TABLE), hosts, asked);
        assertThat(asked).containsExactly(Address.parse(owner("https://public.example:8443")));
        assertThat(errors.get("https://public.example:8443")).isEmpty();
        hosts.stream().skip(1).forEach(h -> assertThat(errors.get(h)).as(h).startsWith("not polled: "));
        assertThat(errors.get("https://metadata.example")).contains("169.254.169.254", "not a public address");
        assertThat(errors.get("https://nowhere.example")).contains("does not resolve");
        assertThat(errors.get("https://public.example:8443?x=1")).contains("query");
    }

    @Test
    void aDevnetIndexerPollsLoopbackProviders() throws Exception {
        List<Address> asked = new ArrayList<>();
        Map<String, String> errors =
                pollOnce(new PollPolicy(true, TABLE), List.of("https://127.0.0.1:8443", "https://10.0.0.5"), asked);
        assertThat(asked).hasSize(2);
        assertThat(errors.values()).containsOnly("");
    }

    @Test
    void aFailedPollsErrorIsOneLineAndBounded() {
        Address a = Address.parse(owner("x"));
        String limit = "e".repeat(CapacitySnapshot.MAX_ERROR_CHARS);
        assertThat(CapacitySnapshot.failed(a, 1, limit).error()).isEqualTo(limit);
        String error = CapacitySnapshot.failed(a, 1, limit + "e").error();
        assertThat(error).hasSize(CapacitySnapshot.MAX_ERROR_CHARS).endsWith("e…");
        assertThat(CapacitySnapshot.failed(a, 1, "refused:\nline two\u0000").error())
                .isEqualTo("refused: line two ");
    }
}
