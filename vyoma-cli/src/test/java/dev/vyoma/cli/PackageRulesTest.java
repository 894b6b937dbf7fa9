package dev.vyoma.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The command packages (one per command group: deploy, node, query, tx, …) depend on each other without a
 * cycle; each package is its own slice. The root is not checked: it holds the top command, which lists every
 * group, and the options and output every group shares, so each group and the root name each other by design.
 */
class PackageRulesTest {
    private static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.cli");

    @Test
    void commandPackagesAreFreeOfCycles() {
        slices().matching("dev.vyoma.cli.(**)").should().beFreeOfCycles().check(CLI);
    }
}
