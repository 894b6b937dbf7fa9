package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stats service's uptime as read (and refused), and the weighing of bids by it. */
class ProviderUptimesTest {
    private static final Address A = KeyPair.fromSeed(new byte[32]).address();
    private static final Address B = KeyPair.fromSeed(new byte[] {
                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
            })
            .address();

    private static ProviderUptimes parse(String json) {
        return ProviderUptimes.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String item(Address p, String day, String week, String month) {
        return "{\"provider\":\"" + p + "\",\"hostUri\":\"https://x\",\"uptimePct\":{\"24h\":" + day + ",\"7d\":" + week
                + ",\"30d\":" + month + "}}";
    }

    @Test
    void readsEachWindowAndWeighsPriceByTheWeek() {
        ProviderUptimes u = parse("{\"asOf\":\"2026-05-31T21:00:00.001Z\",\"items\":["
                + item(A, "\"50.00\"", "\"78.57\"", "\"95.00\"") + "," + item(B, "null", "null", "\"0.00\"") + "]}");
        assertThat(u.asOf()).isEqualTo("2026-05-31T21:00:00.001Z");
        assertThat(u.of(A).day()).contains(new BigDecimal("50.00"));
        assertThat(u.of(A).week()).contains(new BigDecimal("78.57"));
        assertThat(u.of(B).week()).isEmpty();
        assertThat(u.of(B).month()).contains(new BigDecimal("0.00"));
        // price ÷ u: 78.57% up → 100 / 0.7857; not polled in 7 days → 0.5; never up → at least 0.01.
        assertThat(u.weight(A)).isEqualByComparingTo("0.7857");
        assertThat(u.weightedPrice(A, new BigDecimal("100"))).isEqualByComparingTo("127.275041364388443426");
        assertThat(u.weight(B)).isEqualByComparingTo(ProviderUptimes.UNKNOWN_UPTIME);
        Address nobody = KeyPair.fromSeed(new byte[] {
                    2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
                })
                .address();
        assertThat(u.of(nobody)).isEqualTo(ProviderUptimes.Uptime.UNKNOWN);
        assertThat(u.weightedPrice(nobody, new BigDecimal("10"))).isEqualByComparingTo("20");
        ProviderUptimes down = parse("{\"items\":[" + item(A, "\"0\"", "\"0\"", "\"0\"") + "]}");
        assertThat(down.weight(A)).isEqualByComparingTo(ProviderUptimes.MIN_UPTIME);
        assertThat(down.weightedPrice(A, new BigDecimal("1"))).isEqualByComparingTo("100");
        assertThat(down.asOf()).isEmpty();
        assertThat(down.of(A).week()).isEqualTo(Optional.of(new BigDecimal("0.00")));
    }

    @Test
    void refusesWhatIsNotUptime() {
        assertThatThrownBy(() -> parse("not json")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> parse("{}")).hasMessageContaining("has no items");
        assertThatThrownBy(() -> parse("{\"items\":[{\"provider\":\"vyoma1nope\"}]}"))
                .hasMessageContaining("names a provider that is not a vyoma address");
        for (String bad : new String[] {"\"100.01\"", "\"-1\"", "\"50.001\"", "\"lots\"", "true", "{}", "\"1e2\""}) {
            assertThatThrownBy(() -> parse("{\"items\":[" + item(A, "null", bad, "null") + "]}"))
                    .as(bad)
                    .hasMessageContaining("7d uptime of " + A + " is not a percentage from 0 to 100");
        }
        StringBuilder many = new StringBuilder("{\"items\":[");
        for (int i = 0; i <= ProviderUptimes.MAX_PROVIDERS; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        assertThatThrownBy(() -> parse(many + "]}")).hasMessageContaining("more than 10000");
        assertThatThrownBy(() -> ProviderUptimes.fetch("ftp://example.com"))
                .hasMessageContaining("--stats is an http(s) URL");
        assertThatThrownBy(() -> ProviderUptimes.fetch("http://127.0.0.1:1"))
                .hasMessageContaining("cannot reach the stats service at http://127.0.0.1:1");
    }
}
