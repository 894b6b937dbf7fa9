package dev.vyoma.provider;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The provider's packages below the root (bench, bid, gateway, runtime and each runtime, screening) depend on
 * each other without a cycle; each package is its own slice, so the runtime contract knows nothing of the
 * runtimes that implement it. (The root, where the daemon wires the runtimes together, is not checked: the
 * Kubernetes runtime still names its ingress hosts through {@code LeaseManager.ingressId}.)
 */
class PackageRulesTest {
    private static final JavaClasses PROVIDER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.provider");

    @Test
    void packagesBelowTheRootAreFreeOfCycles() {
        slices().matching("dev.vyoma.provider.(**)").should().beFreeOfCycles().check(PROVIDER);
    }
}
