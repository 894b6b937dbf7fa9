package dev.vyoma.stats.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Ranking: by earnings, then leases open, then address; at most {@link Leaderboard#MAX_ROWS} rows kept. */
class LeaderboardTest {
    private static Leaderboard.Row row(String provider, String usd, long leases) {
        return new Leaderboard.Row(
                0,
                provider,
                "",
                new BigDecimal(usd),
                new TreeMap<>(),
                leases,
                0,
                null,
                null,
                Arrays.asList(null, null, null));
    }

    @Test
    void ranksByEarningsThenLeasesThenAddress() {
        Leaderboard b = Leaderboard.rank(
                List.of(row("c", "1", 0), row("b", "2", 0), row("a", "1", 0), row("d", "1", 5)), Leaderboard.MAX_ROWS);
        assertThat(b.rows()).extracting(Leaderboard.Row::provider).containsExactly("b", "d", "a", "c");
        assertThat(b.rows()).extracting(Leaderboard.Row::rank).containsExactly(1, 2, 3, 4);
    }

    @Test
    void keepsAtMostMaxRowsAndCountsTheRest() {
        List<Leaderboard.Row> rows = new ArrayList<>();
        for (int i = 0; i < Leaderboard.MAX_ROWS; i++) {
            rows.add(row(String.format("p%04d", i), Integer.toString(i), 0));
        }
        Leaderboard atLimit = Leaderboard.rank(rows, Leaderboard.MAX_ROWS);
        assertThat(atLimit.rows()).hasSize(Leaderboard.MAX_ROWS);
        assertThat(atLimit.providers()).isEqualTo(Leaderboard.MAX_ROWS);

        rows.add(row("pmore", "-1", 0));
        Leaderboard past = Leaderboard.rank(rows, Leaderboard.MAX_ROWS);
        assertThat(past.rows()).hasSize(Leaderboard.MAX_ROWS);
        assertThat(past.providers()).isEqualTo(Leaderboard.MAX_ROWS + 1);
        // The one left out earned least.
        assertThat(past.rows()).extracting(Leaderboard.Row::provider).doesNotContain("pmore");
    }
}
