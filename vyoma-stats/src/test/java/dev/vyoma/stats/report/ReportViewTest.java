package dev.vyoma.stats.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the report lists days: consecutive days as one run. */
class ReportViewTest {
    @Test
    void consecutiveDaysAreOneRun() {
        List<LocalDate> days = List.of(
                LocalDate.of(2026, 1, 2),
                LocalDate.of(2026, 1, 3),
                LocalDate.of(2026, 1, 4),
                LocalDate.of(2026, 1, 9),
                LocalDate.of(2026, 1, 31),
                LocalDate.of(2026, 2, 1));
        assertThat(ReportView.runs(days)).isEqualTo("2026-01-02..2026-01-04, 2026-01-09, 2026-01-31..2026-02-01");
        assertThat(ReportView.runs(List.of(LocalDate.of(2026, 1, 2)))).isEqualTo("2026-01-02");
    }
}
