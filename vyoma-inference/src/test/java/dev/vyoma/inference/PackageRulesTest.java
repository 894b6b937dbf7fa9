package dev.vyoma.inference;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The inference module's packages (the root, api, bench, gateway, model, worker) depend on each other without a
 * cycle. Each package is its own slice, the root included.
 */
class PackageRulesTest {
    private static final JavaClasses INFERENCE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.inference");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.vyoma.(**)").should().beFreeOfCycles().check(INFERENCE);
    }
}
