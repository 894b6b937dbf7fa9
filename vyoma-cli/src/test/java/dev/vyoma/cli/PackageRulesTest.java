package dev.vyoma.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI's packages depend on each other without a cycle, the root included: the root puts the command tree
 * together, each command family (deploy, node, query, tx, …) is its own package, and what they share (options,
 * output, argument parsing, user errors) is in {@code common}, which knows none of them.
 */
class PackageRulesTest {
    private static final JavaClasses CLI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.cli");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.vyoma.(**)").should().beFreeOfCycles().check(CLI);
    }

    @Test
    void whatTheCommandsShareKnowsNoCommand() {
        noClasses()
                .that()
                .resideInAPackage("dev.vyoma.cli.common..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.vyoma.cli")
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.vyoma.cli.bench..",
                        "dev.vyoma.cli.console..",
                        "dev.vyoma.cli.deploy..",
                        "dev.vyoma.cli.devnet..",
                        "dev.vyoma.cli.inference..",
                        "dev.vyoma.cli.keys..",
                        "dev.vyoma.cli.node..",
                        "dev.vyoma.cli.provider..",
                        "dev.vyoma.cli.query..",
                        "dev.vyoma.cli.sdl..",
                        "dev.vyoma.cli.sim..",
                        "dev.vyoma.cli.stats..",
                        "dev.vyoma.cli.tx..")
                .check(CLI);
    }
}
