package dev.vyoma.stats.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.stats.metrics.PeriodSpec.ByHeight;
import dev.vyoma.stats.metrics.PeriodSpec.ByTime;
import dev.vyoma.stats.metrics.PeriodSpec.Named;
import dev.vyoma.stats.metrics.PeriodSpec.Unit;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Calendar periods and what each is compared with; the day counts are written out. */
class PeriodSpecTest {
    private static long at(String date) {
        return Instant.parse(date + "T00:00:00Z").toEpochMilli();
    }

    private static ByTime time(String start, String endExclusive) {
        return new ByTime(at(start), at(endExclusive));
    }

    @Test
    void aQuarterIsComparedWithTheQuarterBeforeNotWithAsManyDaysBefore() {
        // 2025-Q1 is 31 + 28 + 31 = 90 days; the 90 days before it run from 2024-10-03, but Q4 starts on 10-01
        // and has 31 + 30 + 31 = 92 days.
        PeriodSpec q1 = PeriodSpec.parse("2025-Q1");
        assertThat(q1).isEqualTo(new Named(Unit.QUARTER, LocalDate.of(2025, 1, 1)));
        assertThat(((Named) q1).byTime()).isEqualTo(time("2025-01-01", "2025-04-01"));
        assertThat(q1.previous()).isEqualTo(new Named(Unit.QUARTER, LocalDate.of(2024, 10, 1)));
        assertThat(((Named) q1.previous()).byTime()).isEqualTo(time("2024-10-01", "2025-01-01"));
        assertThat(q1.previous().calendarName()).contains("2024-Q4");
        // The same quarter given by dates is the same calendar period, compared the same way.
        assertThat(PeriodSpec.parse("2025-01-01", "2025-03-31").previous()).isEqualTo(q1.previous());
        assertThat(PeriodSpec.parse("2025-01-01..2025-03-31").previous()).isEqualTo(q1.previous());
        assertThat(PeriodSpec.parse("2025-Q1", "2025-Q1")).isEqualTo(q1);
    }

    @Test
    void monthsWeeksAndYearsStepByTheirOwnKind() {
        // March (31 days) after February (28 days in 2025): not 2025-01-29..2025-02-28.
        PeriodSpec march = PeriodSpec.parse("2025-03");
        assertThat(((Named) march).byTime()).isEqualTo(time("2025-03-01", "2025-04-01"));
        assertThat(((Named) march.previous()).byTime()).isEqualTo(time("2025-02-01", "2025-03-01"));
        assertThat(PeriodSpec.parse("2025-01").previous().calendarName()).contains("2024-12");
        // ISO week 10 of 2025 runs Monday 2025-03-03 to Sunday 03-09; week 9 the week before.
        PeriodSpec w10 = PeriodSpec.parse("2025-W10");
        assertThat(((Named) w10).byTime()).isEqualTo(time("2025-03-03", "2025-03-10"));
        assertThat(w10.previous().calendarName()).contains("2025-W09");
        // Week 1 of 2021 starts 2021-01-04 (the week with the year's first Thursday); 2020 had 53 weeks.
        assertThat(((Named) PeriodSpec.parse("2021-W01")).first()).isEqualTo(LocalDate.of(2021, 1, 4));
        assertThat(PeriodSpec.parse("2021-W01").previous().calendarName()).contains("2020-W53");
        assertThat(((Named) PeriodSpec.parse("2020-W53")).byTime()).isEqualTo(time("2020-12-28", "2021-01-04"));
        // A year given by dates (2024 has 366 days) is compared with the year before (365 days).
        assertThat(PeriodSpec.parse("2024-01-01", "2024-12-31").previous())
                .isEqualTo(new Named(Unit.YEAR, LocalDate.of(2023, 1, 1)));
        assertThat(new Named(Unit.YEAR, LocalDate.of(2023, 1, 1)).byTime()).isEqualTo(time("2023-01-01", "2024-01-01"));
    }

    @Test
    void otherPeriodsKeepTheSameLengthBefore() {
        // 2025-01-10..2025-01-19 is 10 days: the 10 days before are 2024-12-31..2025-01-09.
        assertThat(PeriodSpec.parse("2025-01-10", "2025-01-19").previous()).isEqualTo(time("2024-12-31", "2025-01-10"));
        // Two quarters are not a calendar period: 181 days before.
        assertThat(PeriodSpec.parse("2025-Q1", "2025-Q2")).isEqualTo(time("2025-01-01", "2025-07-01"));
        assertThat(PeriodSpec.parse("2025-Q1", "2025-Q2").previous()).isEqualTo(time("2024-07-04", "2025-01-01"));
        assertThat(PeriodSpec.parse("h101", "h200").previous()).isEqualTo(new ByHeight(1, 100));
        assertThat(PeriodSpec.previousOrNone(PeriodSpec.parse("h1..h16"))).isNull();
    }

    @Test
    void theComparisonIsPreviousNoneOrAnExplicitPeriod() {
        PeriodSpec q1 = PeriodSpec.parse("2025-Q1");
        assertThat(PeriodSpec.comparison(q1, "previous", "--compare")).isEqualTo(q1.previous());
        assertThat(PeriodSpec.comparison(q1, "none", "--compare")).isNull();
        assertThat(PeriodSpec.comparison(q1, "2024-Q1", "--compare"))
                .isEqualTo(new Named(Unit.QUARTER, LocalDate.of(2024, 1, 1)));
        assertThat(PeriodSpec.comparison(q1, "2024-10-01..2024-12-31", "--compare"))
                .isEqualTo(time("2024-10-01", "2025-01-01"));
        assertThatThrownBy(() -> PeriodSpec.comparison(q1, "last", "--compare"))
                .hasMessageStartingWith("--compare: cannot read the period 'last'")
                .hasMessageContaining("previous");
        assertThat(PeriodSpec.of(null, "2025-01-01", "2025-01-31")).isEqualTo(time("2025-01-01", "2025-02-01"));
        assertThatThrownBy(() -> PeriodSpec.of("2025-Q1", "2025-01-01", null)).hasMessageContaining("not both");
        assertThatThrownBy(() -> PeriodSpec.of(null, null, null)).hasMessageContaining("--period");
    }

    @Test
    void namesOutsideTheCalendarAreRefusedSayingWhatIsValid() {
        assertThatThrownBy(() -> PeriodSpec.parse("2025-Q5")).hasMessageContaining("Q1 to Q4");
        assertThatThrownBy(() -> PeriodSpec.parse("2025-13")).hasMessageContaining("01 to 12");
        assertThatThrownBy(() -> PeriodSpec.parse("2025-W00")).hasMessageContaining("W01 to W52");
        assertThatThrownBy(() -> PeriodSpec.parse("2021-W53")).hasMessageContaining("W01 to W52");
        assertThatThrownBy(() -> PeriodSpec.parse("2025-Q1", "2025-00")).hasMessageStartingWith("--to: 2025-00");
        assertThatThrownBy(() -> new Named(Unit.QUARTER, LocalDate.of(2025, 2, 1)))
                .hasMessageContaining("does not start a quarter");
        // Years from MIN_YEAR (1970) on.
        assertThat(PeriodSpec.parse(PeriodSpec.MIN_YEAR + "-Q1").calendarName()).contains("1970-Q1");
        assertThatThrownBy(() -> PeriodSpec.parse((PeriodSpec.MIN_YEAR - 1) + "-Q4"))
                .hasMessageContaining("years run from 1970");
    }
}
