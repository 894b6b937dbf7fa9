package dev.vyoma.provider;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The provider's packages depend on each other without a cycle, the root included: each package is its own slice,
 * so the runtime contract knows nothing of the runtimes that implement it, and no runtime reaches back into the
 * daemon (the root) that wires them together.
 */
class PackageRulesTest {
    private static final JavaClasses PROVIDER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.provider");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.vyoma.(**)").should().beFreeOfCycles().check(PROVIDER);
    }
}
