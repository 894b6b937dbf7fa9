package dev.vyoma.node;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The node's packages (the root, api, bench, chain, membership, mempool, store) depend on each other without a
 * cycle: the store knows nothing of the chain that fills it, the chain nothing of the API that serves it, and
 * of what the root (which puts a node together) uses, none uses the root back; only the benchmarks, which start
 * whole nodes, build on it.
 */
class PackageRulesTest {
    private static final JavaClasses NODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.node");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.vyoma.(**)").should().beFreeOfCycles().check(NODE);
    }
}
