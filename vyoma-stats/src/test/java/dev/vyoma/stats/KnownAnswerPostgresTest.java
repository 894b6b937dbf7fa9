package dev.vyoma.stats;

import dev.vyoma.stats.store.StatsDb;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The known-answer cases indexed into a real PostgreSQL server started here (one server, a fresh database per
 * test), schema migrated by Flyway.
 */
class KnownAnswerPostgresTest {
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    /** A fresh database named after the test; opening it again reaches the same data. */
    private static Supplier<StatsDb> database(TestInfo test) throws Exception {
        String name = test.getTestMethod().orElseThrow().getName().toLowerCase(java.util.Locale.ROOT);
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String spec = "postgresql://postgres:postgres@localhost:" + pg.getPort() + "/" + name;
        return () -> StatsDb.open(spec);
    }

    @Test
    void reportEqualsTheHandComputedMetrics(TestInfo test) throws Exception {
        KnownAnswerCase.run(database(test));
    }

    @Test
    void calendarPeriodsAreComparedWithThePreviousCalendarPeriod(TestInfo test) throws Exception {
        CalendarPeriodCase.run(database(test));
    }

    @Test
    void aProviderRegisteredAgainKeepsItsEarlierRegistration(TestInfo test) throws Exception {
        ProviderIntervalCase.run(database(test));
    }

    @Test
    void reservedGpusCountInAkashsUtilisationBesideTheLeasedOne(TestInfo test) throws Exception {
        ReservedGpuCase.run(database(test));
    }

    @Test
    void daysWithoutStatusDataAreLeftOutOfCapacityMeans(TestInfo test) throws Exception {
        MissingSnapshotDayCase.run(database(test));
    }

    @Test
    void aSnapshotTheDatabaseRefusesDoesNotStopTheOtherProviders(TestInfo test) throws Exception {
        PollerIsolationCase.run(database(test));
    }

    @Test
    void aDayWithoutAPriceCountsZeroUnlessTheLastPriceIsAskedFor(TestInfo test) throws Exception {
        MissingPriceCase.run(database(test));
    }

    @Test
    void cpuMemoryAndStorageCapacityUtilisationAndFirstAndLastDays(TestInfo test) throws Exception {
        ResourceCapacityCase.run(database(test));
    }

    @Test
    void revenuePerDenominationInUsdAndTotalsSinceGenesis(TestInfo test) throws Exception {
        RevenueTotalsCase.run(database(test));
    }

    @Test
    void theLastTwentyFourHoursAgainstTheTwentyFourBefore(TestInfo test) throws Exception {
        Rolling24hCase.run(database(test));
    }

    @Test
    void gpuPricesByModelFromBidsAndLeases(TestInfo test) throws Exception {
        GpuPriceCase.run(database(test));
    }

    @Test
    void providersRankedByEarningsWithLeasesGpusAndUptime(TestInfo test) throws Exception {
        LeaderboardCase.run(database(test));
    }

    @Test
    void howLongTheLeasesClosedInAPeriodRan(TestInfo test) throws Exception {
        LeaseDurationCase.run(database(test));
    }

    @Test
    void theQuarterlyTemplateSaysTheReportsFigures(TestInfo test) throws Exception {
        QuarterlyTemplateCase.run(database(test));
    }
}
