package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

/** The {@code vyoma} command run in-process: output, output formats, exit codes, error lines. */
class CliTest {
    private static final Path FIXTURES = Fixtures.akashSdl();
    private static final Path EXAMPLES = Fixtures.repositoryRoot().resolve("examples");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static Run runWithStdin(String stdin, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void versionAndHelp() {
        Run version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("vyoma ").contains("Java");

        Run help = run("help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("sdl", "completion", "Exit codes");

        Run sdlHelp = run("help", "sdl");
        assertThat(sdlHelp.out()).contains("validate", "groups", "manifest", "version");
        // --help works on every subcommand, even one with required options.
        Run deployHelp = run("deploy", "logs", "--help");
        assertThat(deployHelp.exitCode()).isZero();
        assertThat(deployHelp.out()).contains("Usage: vyoma deploy logs", "--follow");
        assertThat(run("node", "init", "-h").out()).contains("--block-interval");
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = run();
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: vyoma");
    }

    @Test
    void validateExamplesSucceeds() throws Exception {
        try (var files = Files.list(EXAMPLES)) {
            String[] args = files.filter(p -> p.toString().endsWith(".yaml"))
                    .map(Path::toString)
                    .sorted()
                    .toArray(String[]::new);
            assertThat(args).hasSizeGreaterThanOrEqualTo(3);
            String[] full = new String[args.length + 2];
            full[0] = "sdl";
            full[1] = "validate";
            System.arraycopy(args, 0, full, 2, args.length);
            Run r = run(full);
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("web.yaml", "gpu-llm.yaml", "multi-service.yaml", "valid");
            assertThat(r.out()).doesNotContain("invalid");
        }
    }

    @Test
    void validateReportsEveryErrorWithPositionAndExitsWithOne() {
        Path bad = FIXTURES.resolve("input/invalid/port-too-high.yaml");
        Path good = EXAMPLES.resolve("web.yaml");
        Run r = run("sdl", "validate", bad.toString(), good.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains(bad + ":8:15 services.web.expose[0].port: port must be 1–65535, got 99999");
        assertThat(r.out()).contains("invalid: 1 error").contains("valid");
    }

    @Test
    void validateAsJsonListsErrorsPerFile() throws Exception {
        Path bad = FIXTURES.resolve("input/invalid/missing-image.yaml");
        Run r = run("-o", "json", "sdl", "validate", bad.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        var tree = JSON.readTree(r.out());
        assertThat(tree.get(0).get("valid").booleanValue()).isFalse();
        assertThat(tree.get(0).get("errors").get(0).get("path").stringValue()).isEqualTo("services.web.image");
    }

    @Test
    void strictTurnsWarningsIntoFailure() {
        Path withWarning = FIXTURES.resolve("input/go-testdata/simple4.yaml");
        assertThat(run("sdl", "validate", withWarning.toString()).exitCode()).isZero();
        Run strict = run("sdl", "validate", "--strict", withWarning.toString());
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.out()).contains("warning:").contains("depends_on");
    }

    @Test
    void groupsAndManifestAsJsonHaveAkashsExactShape() throws Exception {
        for (String fixture :
                new String[] {"v2.0/simple", "v2.0/storage-classes", "v2.1/shared-ip", "v2.1/credentials"}) {
            String input = FIXTURES.resolve("input")
                    .resolve(fixture)
                    .resolve("input.yaml")
                    .toString();
            Path expected = FIXTURES.resolve("output-fixtures").resolve(fixture);

            Run groups = run("sdl", "groups", "-o", "json", input);
            assertThat(groups.exitCode()).isZero();
            assertThat(JSON.readTree(groups.out()))
                    .as(fixture)
                    .isEqualTo(
                            JSON.readTree(expected.resolve("group-specs.json").toFile()));

            Run manifest = run("-o", "json", "sdl", "manifest", input);
            assertThat(manifest.exitCode()).isZero();
            assertThat(JSON.readTree(manifest.out()))
                    .as(fixture)
                    .isEqualTo(JSON.readTree(expected.resolve("manifest.json").toFile()));
        }
    }

    @Test
    void groupsAsPrettyJsonLooksLikeTheFixtureFile() throws Exception {
        String input = FIXTURES.resolve("input/v2.0/simple/input.yaml").toString();
        String expected = Files.readString(FIXTURES.resolve("output-fixtures/v2.0/simple/group-specs.json"));
        assertThat(run("-o", "json", "sdl", "groups", input).out().strip()).isEqualTo(expected.strip());
    }

    @Test
    void versionPrintsTheHash() {
        String input = FIXTURES.resolve("input/v2.0/simple/input.yaml").toString();
        Run r = run("sdl", "version", input);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("8f8bac7161953993f3288189e3e76093a51d33f9cdff1c8242eb9ab506981737");

        Run yaml = run("sdl", "version", "-o", "yaml", input);
        assertThat(yaml.out()).contains("version: 8f8bac71").contains("base64:");
    }

    @Test
    void tablesAreReadable() {
        Run groups = run("sdl", "groups", EXAMPLES.resolve("gpu-llm.yaml").toString());
        assertThat(groups.exitCode()).isZero();
        assertThat(groups.out()).contains("GROUP", "CPU", "MEMORY", "GPU", "h100", "uusd");

        Run manifest =
                run("sdl", "manifest", EXAMPLES.resolve("multi-service.yaml").toString());
        assertThat(manifest.out()).contains("SERVICE", "db", "web", "global");
    }

    @Test
    void standardInputIsReadFromDash() throws Exception {
        String sdl = Files.readString(EXAMPLES.resolve("web.yaml"));
        Run r = runWithStdin(sdl, "sdl", "version", "-");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).hasSize(64);

        Run bad = runWithStdin("version: \"2.0\"\nservices: [", "sdl", "validate", "-");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).contains("<stdin>:");
    }

    @Test
    void userErrorsAreOneLineWithoutStackTrace(@TempDir Path dir) throws Exception {
        Run missing = run("sdl", "groups", dir.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip())
                .startsWith("vyoma: cannot read")
                .doesNotContain("\n")
                .doesNotContain("Exception");

        Run directory = run("sdl", "version", dir.toString());
        assertThat(directory.exitCode()).isEqualTo(1);
        assertThat(directory.err()).contains("is a directory");

        Path invalid = FIXTURES.resolve("input/invalid/invalid-protocol.yaml");
        Run r = run("sdl", "manifest", invalid.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(":10:16 services.web.expose[0].proto").contains("vyoma: 1 error in");
        assertThat(r.err()).doesNotContain("at dev.vyoma");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("sdl", "groups").exitCode()).isEqualTo(2);
        assertThat(run("-o", "xml", "sdl", "version", "x").exitCode()).isEqualTo(2);
        Run unknown = run("sdl", "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate").contains("--help");
    }

    @Test
    void completionScriptCoversCommands() {
        Run r = run("completion");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("complete", "vyoma", "validate");
    }
}
