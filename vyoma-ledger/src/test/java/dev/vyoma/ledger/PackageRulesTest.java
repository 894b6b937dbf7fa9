package dev.vyoma.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Beside the determinism rules: the ledger's packages depend on each other without a cycle. From the bottom: the
 * shared vocabulary in {@code base}, the codec, the cryptography and the state store (which know nothing of the
 * market); the records and ids of each market module ({@code audit}, {@code bank}, {@code cert},
 * {@code deployment}, {@code escrow}, {@code inference}, {@code market}, {@code provider}); the messages and
 * events that carry them ({@code tx}, {@code event}); the state machine ({@code machine}: the tables, the context
 * a transaction runs in, one handler per module); and the root, which applies blocks and answers queries.
 * docs/ledger.md ("Packages") has the table.
 */
class PackageRulesTest {
    private static final String[] LOWER_LAYER_PACKAGES = {
        "dev.vyoma.ledger.base..", "dev.vyoma.ledger.codec..", "dev.vyoma.ledger.crypto..", "dev.vyoma.ledger.state.."
    };

    private static final String[] RECORD_PACKAGES = {
        "dev.vyoma.ledger.audit..",
        "dev.vyoma.ledger.bank..",
        "dev.vyoma.ledger.cert..",
        "dev.vyoma.ledger.deployment..",
        "dev.vyoma.ledger.escrow..",
        "dev.vyoma.ledger.inference..",
        "dev.vyoma.ledger.market..",
        "dev.vyoma.ledger.provider.."
    };

    private static final JavaClasses LEDGER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.ledger");

    private static final JavaClasses LOWER_LAYER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(
                    "dev.vyoma.ledger.base",
                    "dev.vyoma.ledger.codec",
                    "dev.vyoma.ledger.crypto",
                    "dev.vyoma.ledger.state");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.vyoma.(**)").should().beFreeOfCycles().check(LEDGER);
    }

    @Test
    void theRecordsKnowNothingOfTheStateMachineOrTheMessages() {
        noClasses()
                .that()
                .resideInAnyPackage(RECORD_PACKAGES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.vyoma.ledger",
                        "dev.vyoma.ledger.machine..",
                        "dev.vyoma.ledger.tx..",
                        "dev.vyoma.ledger.event..")
                .because("what the chain stores is plain data; the handlers, the messages and the events build on it")
                .check(LEDGER);
    }

    @Test
    void theMessagesAndEventsKnowNothingOfTheStateMachine() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.vyoma.ledger.tx..", "dev.vyoma.ledger.event..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.vyoma.ledger", "dev.vyoma.ledger.machine..")
                .because("messages and events are what transactions carry and blocks report, whoever applies them")
                .check(LEDGER);
    }

    @Test
    void theLowerLayerIsFreeOfCycles() {
        slices().matching("dev.vyoma.ledger.(*)..").should().beFreeOfCycles().check(LOWER_LAYER);
    }

    @Test
    void theLowerLayerDependsOnNothingAboveIt() {
        noClasses()
                .that()
                .resideInAnyPackage(LOWER_LAYER_PACKAGES)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.vyoma.ledger",
                        "dev.vyoma.ledger.audit..",
                        "dev.vyoma.ledger.bank..",
                        "dev.vyoma.ledger.cert..",
                        "dev.vyoma.ledger.deployment..",
                        "dev.vyoma.ledger.escrow..",
                        "dev.vyoma.ledger.event..",
                        "dev.vyoma.ledger.inference..",
                        "dev.vyoma.ledger.machine..",
                        "dev.vyoma.ledger.market..",
                        "dev.vyoma.ledger.provider..",
                        "dev.vyoma.ledger.tx..")
                .because("the shared vocabulary, the codec, the cryptography and the state store are the layer the"
                        + " market is built on")
                .check(LEDGER);
    }

    @Test
    void theSharedVocabularyUsesOnlyTheJdk() {
        noClasses()
                .that()
                .resideInAPackage("dev.vyoma.ledger.base..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("java..", "dev.vyoma.ledger.base..")
                .because("rejection codes, close reasons and id text are what every other ledger package shares")
                .check(LEDGER);
    }
}
