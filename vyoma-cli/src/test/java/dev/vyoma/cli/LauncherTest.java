package dev.vyoma.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/vyoma} itself, in a checkout of its own: the real launcher and {@code bin/lib/jdk.sh}, a module with
 * sources, and on PATH an {@code mvn} that counts builds and puts a small program in place of the CLI's jars (it
 * prints its arguments and working directory). Checks when the launcher builds, and that it runs from any directory
 * and through symlinks.
 */
class LauncherTest {
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path tmp;

    private Path root;
    private Path builds;
    private Path source;

    /** The result of one {@code vyoma} run. */
    private record Run(int code, String out, String err) {}

    @BeforeEach
    void checkout() throws Exception {
        root = tmp.resolve("checkout");
        Files.createDirectories(root.resolve("bin/lib"));
        Files.copy(REPO.resolve("bin/vyoma"), root.resolve("bin/vyoma"));
        Files.copy(REPO.resolve("bin/lib/jdk.sh"), root.resolve("bin/lib/jdk.sh"));
        executable(root.resolve("bin/vyoma"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(root.resolve("mod/src/main/java/p"));
        Files.createDirectories(root.resolve("mod/src/test/java/p"));
        Files.writeString(root.resolve("mod/pom.xml"), "<project/>\n");
        source = root.resolve("mod/src/main/java/p/A.java");
        Files.writeString(source, "package p; class A {}\n");
        Files.writeString(root.resolve("mod/src/test/java/p/ATest.java"), "package p; class ATest {}\n");
        Files.createDirectories(root.resolve("examples"));

        Path jars = tmp.resolve("jars");
        Files.createDirectories(jars);
        fakeCli(jars);
        builds = tmp.resolve("builds.log");
        Path fakeBin = tmp.resolve("fake-bin");
        Files.createDirectories(fakeBin);
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(
                mvn,
                "#!/usr/bin/env bash\n"
                        + "set -e\n"
                        + "echo \"$*\" >> '" + builds + "'\n"
                        + "mkdir -p vyoma-cli/target\n"
                        + "cp '" + jars.resolve("vyoma.jar") + "' '" + jars.resolve("vyoma-core.jar")
                        + "' vyoma-cli/target/\n");
        executable(mvn);
    }

    /** A {@code dev.vyoma.cli.Main} that prints its arguments and working directory, as both of the CLI's jars. */
    private void fakeCli(Path jars) throws IOException {
        Path src = tmp.resolve("fake-src/dev/vyoma/cli");
        Files.createDirectories(src);
        Files.writeString(
                src.resolve("Main.java"),
                "package dev.vyoma.cli;\n"
                        + "public class Main { public static void main(String[] a) {\n"
                        + "  System.out.println(\"args=\" + String.join(\" \", a));\n"
                        + "  System.out.println(\"cwd=\" + System.getProperty(\"user.dir\"));\n"
                        + "} }\n");
        Files.writeString(
                src.resolve("ArchiveTraining.java"),
                "package dev.vyoma.cli;\npublic class ArchiveTraining { public static void main(String[] a) {} }\n");
        Path classes = tmp.resolve("fake-classes");
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        src.resolve("Main.java").toString(),
                        src.resolve("ArchiveTraining.java").toString());
        assertThat(rc).as("javac").isZero();
        for (String name : List.of("vyoma.jar", "vyoma-core.jar")) {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.vyoma.cli.Main");
            try (OutputStream file = Files.newOutputStream(jars.resolve(name));
                    JarOutputStream jar = new JarOutputStream(file, manifest)) {
                for (String c : List.of("Main", "ArchiveTraining")) {
                    jar.putNextEntry(new JarEntry("dev/vyoma/cli/" + c + ".class"));
                    jar.write(Files.readAllBytes(classes.resolve("dev/vyoma/cli/" + c + ".class")));
                    jar.closeEntry();
                }
            }
        }
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run vyoma(Path command, Path dir, String... args) throws Exception {
        return vyoma(command, dir, Map.of(), args);
    }

    private Run vyoma(Path command, Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> line = new ArrayList<>();
        line.add(command.toString());
        line.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(line).directory(dir.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("PATH", tmp.resolve("fake-bin") + ":" + System.getenv("PATH"));
        pb.environment().remove("VYOMA_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("bin/vyoma did not finish: " + Files.readString(err, UTF_8));
        }
        return new Run(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    }

    private int buildCount() throws IOException {
        return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
    }

    /**
     * Gives {@code file} a time after the jar's (which is when its build started), as an edit after the last build
     * would: now, or a millisecond after the jar's where the clock's steps are coarser than that.
     */
    private void touchAfterBuild(Path file) throws IOException {
        long jar = Files.getLastModifiedTime(root.resolve("vyoma-cli/target/vyoma.jar"))
                .toMillis();
        Files.setLastModifiedTime(file, FileTime.fromMillis(Math.max(System.currentTimeMillis(), jar + 1)));
    }

    private Run runFromRoot(String... args) throws Exception {
        return vyoma(root.resolve("bin/vyoma"), root, args);
    }

    @Test
    void buildsOnFirstRunThenOnlyWhenAMainSourceOrAPomChanges() throws Exception {
        Run first = runFromRoot("--version");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("vyoma: building (first run)");
        assertThat(first.out()).contains("args=--version");
        assertThat(buildCount()).isEqualTo(1);

        Run again = runFromRoot("sdl", "validate", "x.yaml");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("building");
        assertThat(again.out()).contains("args=sdl validate x.yaml");
        assertThat(buildCount()).isEqualTo(1);

        // A test source is no input of the CLI's jar.
        touchAfterBuild(root.resolve("mod/src/test/java/p/ATest.java"));
        assertThat(runFromRoot("--version").err()).doesNotContain("building");
        assertThat(buildCount()).isEqualTo(1);

        // An edit in place (the folder keeps its time).
        Files.writeString(source, "package p; class A { int x; }\n");
        touchAfterBuild(source);
        Run edited = runFromRoot("--version");
        assertThat(edited.err()).contains("vyoma: building (sources changed since the last build)");
        assertThat(buildCount()).isEqualTo(2);
        assertThat(runFromRoot("--version").err()).doesNotContain("building");
        assertThat(buildCount()).isEqualTo(2);

        touchAfterBuild(root.resolve("mod/pom.xml"));
        assertThat(runFromRoot("--version").err()).contains("building (sources changed");
        assertThat(buildCount()).isEqualTo(3);

        touchAfterBuild(root.resolve("pom.xml"));
        assertThat(runFromRoot("--version").err()).contains("building (sources changed");
        assertThat(buildCount()).isEqualTo(4);
    }

    @Test
    void aNewOrDeletedSourceFileMakesItsFolderNewerAndTriggersABuild() throws Exception {
        assertThat(runFromRoot("--version").code()).isZero();
        assertThat(buildCount()).isEqualTo(1);

        Path deeper = root.resolve("mod/src/main/java/p/q");
        Files.createDirectories(deeper);
        Path added = deeper.resolve("B.java");
        Files.writeString(added, "package p.q; class B {}\n");
        touchAfterBuild(added);
        touchAfterBuild(deeper);
        touchAfterBuild(deeper.getParent());
        assertThat(runFromRoot("--version").err()).contains("building (sources changed");
        assertThat(buildCount()).isEqualTo(2);

        Files.delete(added);
        touchAfterBuild(deeper);
        assertThat(runFromRoot("--version").err()).contains("building (sources changed");
        assertThat(buildCount()).isEqualTo(3);
        assertThat(runFromRoot("--version").err()).doesNotContain("building");
    }

    @Test
    void aMissingJarIsBuiltAgain() throws Exception {
        assertThat(runFromRoot("--version").code()).isZero();
        Files.delete(root.resolve("vyoma-cli/target/vyoma-core.jar"));
        Run run = runFromRoot("--version");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("building (first run)");
        assertThat(buildCount()).isEqualTo(2);
    }

    @Test
    void runsThroughSymlinksFromAnyDirectoryInTheCallersDirectory() throws Exception {
        assertThat(runFromRoot("--version").code()).isZero();
        Path elsewhere = tmp.resolve("elsewhere/deep");
        Files.createDirectories(elsewhere);
        Path links = tmp.resolve("links");
        Files.createDirectories(links);
        // An absolute link, a relative one, and a link to a link.
        Path absolute = Files.createSymbolicLink(links.resolve("vyoma"), root.resolve("bin/vyoma"));
        Path relative =
                Files.createSymbolicLink(links.resolve("vyoma-rel"), links.relativize(root.resolve("bin/vyoma")));
        Path chained = Files.createSymbolicLink(links.resolve("vyoma-chain"), Path.of("vyoma-rel"));
        for (Path command : List.of(absolute, relative, chained, root.resolve("bin/vyoma"))) {
            Run run = vyoma(command, elsewhere, "sdl", "validate", "web.yaml");
            assertThat(run.code()).as("%s: %s", command, run.err()).isZero();
            assertThat(run.out()).contains("args=sdl validate web.yaml");
            assertThat(Path.of(run.out()
                                    .lines()
                                    .filter(l -> l.startsWith("cwd="))
                                    .findFirst()
                                    .orElseThrow()
                                    .substring(4))
                            .toRealPath())
                    .isEqualTo(elsewhere.toRealPath());
        }
        // Relative paths with . and .. in them, from another directory.
        Run dotted = vyoma(Path.of("../../checkout/./bin/../bin/vyoma"), elsewhere, "--version");
        assertThat(dotted.code()).as(dotted.err()).isZero();
        assertThat(dotted.out()).contains("args=--version");
        assertThat(buildCount()).isEqualTo(1);
    }

    @Test
    void findsAJdkWhenJavaHomeIsNoJdk() throws Exception {
        Run run = vyoma(root.resolve("bin/vyoma"), root, Map.of("JAVA_HOME", tmp.toString()), "--version");
        // This machine has a JDK 21+ under /usr/lib/jvm or on PATH (the test runs on one).
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("args=--version");
    }
}
