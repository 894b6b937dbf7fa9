package dev.vyoma.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger is a pure function of genesis and blocks (STYLE.md rule 1): no clock, no randomness, no
 * files, sockets or threads in its packages. Block height, time and proposer arrive in the block.
 */
class DeterminismRulesTest {
    private static JavaClasses ledger;

    @BeforeAll
    static void importLedger() {
        ledger = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vyoma.ledger");
    }

    @Test
    void readsNoClock() {
        noClasses()
                .should()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(
                        java.time.Clock.class,
                        java.time.Instant.class,
                        java.time.LocalDateTime.class,
                        java.time.ZonedDateTime.class,
                        java.util.Date.class)
                .because("block time comes with the block")
                .check(ledger);
    }

    @Test
    void makesNoRandomness() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(
                        java.util.Random.class,
                        java.security.SecureRandom.class,
                        java.util.concurrent.ThreadLocalRandom.class,
                        java.util.SplittableRandom.class,
                        java.util.UUID.class)
                .because("every node must reach the same state (key generation takes its randomness as a parameter)")
                .check(ledger);
    }

    @Test
    void doesNoIoAndStartsNoThreads() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.nio.file..", "java.nio.channels..", "java.net.http..")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(
                        java.io.File.class,
                        java.io.FileInputStream.class,
                        java.io.FileOutputStream.class,
                        java.net.Socket.class,
                        java.net.ServerSocket.class,
                        java.net.URL.class,
                        Thread.class,
                        java.util.concurrent.ExecutorService.class,
                        java.util.concurrent.Executors.class)
                .because("the node does I/O and threads; the ledger only computes")
                .check(ledger);
    }

    @Test
    void walksTablesInNoDefinedOrderOnlyToCheckThem() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Invariants.class.getName())
                .should()
                .callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                        com.tngtech.archunit.core.domain.properties.HasName.Predicates.name("forEachUnordered")))
                .because("an unordered walk may reach state only through order-independent checks (Invariants)")
                .check(ledger);
    }

    @Test
    void iteratesNoHashOrderIntoState() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.vyoma.ledger.state..",
                        "dev.vyoma.ledger.machine..",
                        "dev.vyoma.ledger.escrow..",
                        "dev.vyoma.ledger.market..")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(java.util.HashSet.class)
                .because("hash order differs between JVMs; state and hashes follow ordered collections")
                .check(ledger);
    }
}
