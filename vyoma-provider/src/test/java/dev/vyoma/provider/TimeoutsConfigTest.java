package dev.vyoma.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** provider.yaml's bid and manifest timeouts as read, refused and shown; the waits they set, on a given clock. */
class TimeoutsConfigTest {
    private static final String CONFIG = """
            node: http://127.0.0.1:1317
            key: provider
            host: https://provider.example.com:8443
            inventory:
              nodes:
                - {name: node-0, cpu: 4, memory: 8Gi, storage: 100Gi}
            pricing: {denom: uusd, cpu: 10, memoryGi: 5}
            """;

    @TempDir
    Path dir;

    private ProviderConfig read(String extra) throws Exception {
        Path file = dir.resolve("provider.yaml");
        Files.writeString(file, CONFIG + extra);
        return ProviderConfig.read(file);
    }

    @Test
    void defaultsAreAkashsFiveMinutesAndEitherCanBeSet() throws Exception {
        assertThat(read("").timeouts()).isEqualTo(ProviderConfig.Timeouts.DEFAULT);
        assertThat(read("").timeouts().bid()).isEqualTo(Duration.ofMinutes(5));
        assertThat(read("").timeouts().manifest()).isEqualTo(Duration.ofMinutes(5));
        ProviderConfig c = read("bidTimeout: 90s\nmanifestTimeout: 1h30m\n");
        assertThat(c.timeouts().bid()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.timeouts().manifest()).isEqualTo(Duration.ofMinutes(90));
        // The limits themselves are allowed.
        assertThat(read("bidTimeout: 1s\nmanifestTimeout: 24h\n").timeouts())
                .isEqualTo(new ProviderConfig.Timeouts(Duration.ofSeconds(1), Duration.ofHours(24)));
        // Other settings replaced keep the timeouts.
        assertThat(c.allowingProcessRuntime().timeouts()).isEqualTo(c.timeouts());
    }

    @Test
    void aBadTimeoutNamesTheFieldAndTheSpellingToUse() throws Exception {
        assertThatThrownBy(() -> read("bidTimeout: 300\n"))
                .hasMessageContaining("bidTimeout: write a duration as whole numbers with units h, m, s or ms")
                .hasMessageContaining("got \"300\"");
        assertThatThrownBy(() -> read("manifestTimeout: -5m\n")).hasMessageContaining("manifestTimeout: write");
        assertThatThrownBy(() -> read("manifestTimeout: 1.5m\n")).hasMessageContaining("manifestTimeout: write");
        assertThatThrownBy(() -> read("manifestTimeout: 5 minutes\n")).hasMessageContaining("manifestTimeout: write");
        assertThatThrownBy(() -> read("bidTimeout: 0s\n"))
                .hasMessageContaining("bidTimeout must be from 1s to 24h, got 0s");
        assertThatThrownBy(() -> read("bidTimeout: 999ms\n"))
                .hasMessageContaining("bidTimeout must be from 1s to 24h, got 999ms");
        assertThatThrownBy(() -> read("manifestTimeout: 24h1s\n"))
                .hasMessageContaining("manifestTimeout must be from 1s to 24h, got 24h1s");
        assertThatThrownBy(() -> read("manifestTimeout: 999999999h\n"))
                .hasMessageContaining("manifestTimeout must be from 1s to 24h");
        assertThatThrownBy(() -> read("bidTimeout: 9999999999s\n")).hasMessageContaining("bidTimeout: write");
        assertThatThrownBy(() -> read("bidTimeout: 5s5m\n")).hasMessageContaining("bidTimeout: write");
        assertThatThrownBy(() -> read("bidTimeout: [5m]\n")).hasMessageContaining("bidTimeout: write");
    }

    @Test
    void durationsReadAndShowOneSpelling() {
        for (String s : new String[] {"1s", "90s", "5m", "1h30m", "2h", "1500ms", "1m30s", "1h1m1s1ms"}) {
            Duration d = Durations.parse(s);
            assertThat(Durations.parse(Durations.shown(d))).isEqualTo(d);
        }
        assertThat(Durations.shown(Durations.parse("90s"))).isEqualTo("1m30s");
        assertThat(Durations.shown(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        for (String bad : new String[] {"", "m", "5", "5M", "5 m", "5mm", "ms5", "1d", "+5m", "٥m", "5s5m"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eachWaitIsHandedOutOnceWhenItRunsOutAndNotIfItEndedFirst() {
        Address provider =
                dev.vyoma.ledger.crypto.KeyPair.fromSeed(new byte[32]).address();
        OrderId a = new OrderId(new GroupId(new DeploymentId(provider, 1), 1), 1);
        OrderId b = new OrderId(new GroupId(new DeploymentId(provider, 2), 1), 1);
        BidId lease = new BidId(new OrderId(new GroupId(new DeploymentId(provider, 3), 1), 1), provider);
        BidId served = new BidId(new OrderId(new GroupId(new DeploymentId(provider, 4), 1), 1), provider);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Deadlines d = new Deadlines();
        d.bidPlaced(b, t0.plusSeconds(20));
        d.bidPlaced(a, t0.plusSeconds(10));
        d.awaitManifest(lease, t0.plusSeconds(5));
        d.awaitManifest(served, t0.plusSeconds(5));
        d.manifestWaitEnded(served);
        assertThat(d.waiting()).isEqualTo(3);
        assertThat(d.due(t0.plusSeconds(4))).isEmpty();
        assertThat(d.due(t0.plusSeconds(5))).containsExactly(new Deadlines.ManifestExpired(lease, t0.plusSeconds(5)));
        assertThat(d.due(t0.plusSeconds(5))).isEmpty();
        d.bidEnded(b);
        assertThat(d.due(t0.plusSeconds(60))).containsExactly(new Deadlines.BidExpired(a, t0.plusSeconds(10)));
        assertThat(d.waiting()).isZero();
    }
}
