package dev.vyoma.stats;

import dev.vyoma.stats.store.StatsDb;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-answer cases indexed into DuckDB in a file. */
class KnownAnswerDuckDbTest {
    @TempDir
    Path dir;

    private Supplier<StatsDb> database() {
        String spec = "duckdb:" + dir.resolve("stats.duckdb");
        return () -> StatsDb.open(spec);
    }

    @Test
    void reportEqualsTheHandComputedMetrics() throws Exception {
        KnownAnswerCase.run(database());
    }

    @Test
    void calendarPeriodsAreComparedWithThePreviousCalendarPeriod() throws Exception {
        CalendarPeriodCase.run(database());
    }

    @Test
    void aProviderRegisteredAgainKeepsItsEarlierRegistration() throws Exception {
        ProviderIntervalCase.run(database());
    }

    @Test
    void reservedGpusCountInAkashsUtilisationBesideTheLeasedOne() throws Exception {
        ReservedGpuCase.run(database());
    }

    @Test
    void daysWithoutStatusDataAreLeftOutOfCapacityMeans() throws Exception {
        MissingSnapshotDayCase.run(database());
    }

    @Test
    void aSnapshotTheDatabaseRefusesDoesNotStopTheOtherProviders() throws Exception {
        PollerIsolationCase.run(database());
    }

    @Test
    void aDayWithoutAPriceCountsZeroUnlessTheLastPriceIsAskedFor() throws Exception {
        MissingPriceCase.run(database());
    }

    @Test
    void cpuMemoryAndStorageCapacityUtilisationAndFirstAndLastDays() throws Exception {
        ResourceCapacityCase.run(database());
    }

    @Test
    void revenuePerDenominationInUsdAndTotalsSinceGenesis() throws Exception {
        RevenueTotalsCase.run(database());
    }

    @Test
    void theLastTwentyFourHoursAgainstTheTwentyFourBefore() throws Exception {
        Rolling24hCase.run(database());
    }

    @Test
    void gpuPricesByModelFromBidsAndLeases() throws Exception {
        GpuPriceCase.run(database());
    }

    @Test
    void providersRankedByEarningsWithLeasesGpusAndUptime() throws Exception {
        LeaderboardCase.run(database());
    }

    @Test
    void howLongTheLeasesClosedInAPeriodRan() throws Exception {
        LeaseDurationCase.run(database());
    }

    @Test
    void theQuarterlyTemplateSaysTheReportsFigures() throws Exception {
        QuarterlyTemplateCase.run(database());
    }
}
