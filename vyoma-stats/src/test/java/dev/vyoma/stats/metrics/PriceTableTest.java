package dev.vyoma.stats.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.stats.metrics.PriceTable.MissingPrice;
import dev.vyoma.stats.metrics.PriceTable.Quote;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which price a day gets: its own, 0 USD (Akash) or the latest earlier one, and whether it was filled. */
class PriceTableTest {
    private static final List<PriceTable.Entry> ENTRIES = List.of(
            new PriceTable.Entry("uakt", LocalDate.of(2026, 1, 2), new BigDecimal("2.00")),
            new PriceTable.Entry("uakt", LocalDate.of(2026, 1, 4), new BigDecimal("4.00")));

    private static LocalDate jan(int d) {
        return LocalDate.of(2026, 1, d);
    }

    @Test
    void aDayWithoutItsPriceIsZeroByDefaultOrTheLatestEarlierOne() {
        PriceTable akash = new PriceTable(ENTRIES);
        assertThat(akash.missingPrice()).isEqualTo(MissingPrice.ZERO);
        // 2.00 USD a token is 0.000002 USD a micro-unit.
        assertThat(akash.quote("uakt", jan(2))).isEqualTo(new Quote(new BigDecimal("0.00000200"), false));
        assertThat(akash.quote("uakt", jan(3))).isEqualTo(new Quote(BigDecimal.ZERO, true));
        assertThat(akash.quote("uakt", jan(1))).isEqualTo(new Quote(BigDecimal.ZERO, true));

        PriceTable last = new PriceTable(ENTRIES, MissingPrice.LAST);
        assertThat(last.quote("uakt", jan(3))).isEqualTo(new Quote(new BigDecimal("0.00000200"), true));
        assertThat(last.quote("uakt", jan(9))).isEqualTo(new Quote(new BigDecimal("0.00000400"), true));
        // Before the first price there is nothing to repeat.
        assertThat(last.quote("uakt", jan(1))).isEqualTo(new Quote(BigDecimal.ZERO, true));

        // uusd is at face value, a denomination without any entry is not priced.
        assertThat(akash.quote("uusd", jan(3))).isEqualTo(new Quote(new BigDecimal("0.000001"), false));
        assertThat(akash.quote("uvyo", jan(3))).isNull();
    }

    @Test
    void theRuleIsZeroOrLast() {
        assertThat(MissingPrice.parse("zero")).isEqualTo(MissingPrice.ZERO);
        assertThat(MissingPrice.parse("last")).isEqualTo(MissingPrice.LAST);
        assertThatThrownBy(() -> MissingPrice.parse("previous")).hasMessageStartingWith("--missing-price is zero");
    }

    @Test
    void theFileIsReadStrictlyAndABadLineIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path ok = dir.resolve("ok.csv");
        java.nio.file.Files.writeString(ok, "denom,date,usd\n# comment\n\nuakt, 2026-01-02 ,2.00\n");
        assertThat(PriceTable.read(ok)).containsExactly(new PriceTable.Entry("uakt", jan(2), new BigDecimal("2.00")));
        for (String bad :
                List.of("uakt,2026-01-02,2.00,", "uakt,2026-01-02", ",2026-01-02,2.00", "uakt,2026-13-01,1")) {
            java.nio.file.Path f = dir.resolve("bad.csv");
            java.nio.file.Files.writeString(f, "denom,date,usd\n" + bad + "\n");
            assertThatThrownBy(() -> PriceTable.read(f))
                    .as(bad)
                    .hasMessage(f + " line 2: expected denom,YYYY-MM-DD,usd, got " + bad);
        }
    }
}
