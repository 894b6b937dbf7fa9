package dev.vyoma.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Beside the determinism rules: the ledger's lower layer (the shared vocabulary in {@code base}, the codec, the
 * cryptography, the state store) is free of cycles and knows nothing of the market above it, so the market's
 * packages can be untangled without touching it. (The market's packages and the root still reach each other:
 * every handler works on the root's {@code LedgerState} and {@code Context}, which hold the records of every
 * market package, and the id types the transactions and events carry live beside their handlers. That cycle is
 * not checked here until it is broken; docs/ledger.md says what breaking it takes.)
 */
class PackageRulesTest {
    private static final String[] LOWER_LAYER_PACKAGES = {
        "dev.vyoma.ledger.base..", "dev.vyoma.ledger.codec..", "dev.vyoma.ledger.crypto..", "dev.vyoma.ledger.state.."
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
