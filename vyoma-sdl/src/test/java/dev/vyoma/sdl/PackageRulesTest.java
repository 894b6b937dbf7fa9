package dev.vyoma.sdl;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The SDL module's packages below the root (json, manifest, read, spec, yaml) depend on each other without a
 * cycle: the JSON writer knows nothing of manifests, the YAML reader nothing of SDL. (The root, the module's
 * entry points and shared limits, is used from below and is not checked.)
 */
class PackageRulesTest {
    private static final JavaClasses SDL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vyoma.sdl");

    @Test
    void packagesBelowTheRootAreFreeOfCycles() {
        slices().matching("dev.vyoma.sdl.(*)..").should().beFreeOfCycles().check(SDL);
    }
}
