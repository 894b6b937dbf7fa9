package dev.vyoma.provider.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real container engine for tests: Podman's Docker-API service started on a socket in a temp directory (with
 * the flags this kind of host needs, chosen at run time) and stopped at the end, and a tiny test image made from
 * the host's static busybox ({@code sh}, {@code httpd}, {@code nc}, ...), imported once. Fails, never skips, when
 * Podman is missing: bin/test installs it.
 */
final class PodmanFixture implements AutoCloseable {
    /** Where the static busybox comes from (Debian's busybox-static). */
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private final Process service;
    private final EngineAddress address;
    final String image;

    private PodmanFixture(Process service, EngineAddress address, String image) {
        this.service = service;
        this.address = address;
        this.image = image;
    }

    static PodmanFixture start(Path dir) throws Exception {
        if (run(List.of("sh", "-c", "command -v podman")).code() != 0 || !isStatic(BUSYBOX)) {
            throw new IllegalStateException(
                    "the container tests need podman, runc and busybox-static: apt-get install -y podman runc busybox-static");
        }
        String image = image(dir);
        EngineAddress address = EngineAddress.parse("unix://" + dir.resolve("api.sock"));
        List<String> command = new ArrayList<>(globalFlags());
        command.addAll(List.of("system", "service", "--time=0", address.uri()));
        // In the temp directory: conmon 2.1 writes an "oom" file into its working directory when it sees an OOM kill.
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile())
                .start();
        Instant until = Instant.now().plusSeconds(30);
        while (!Files.exists(address.socket())) {
            if (!p.isAlive() || Instant.now().isAfter(until)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "podman system service did not start: " + Files.readString(dir.resolve("service.log")));
            }
            Thread.sleep(50);
        }
        return new PodmanFixture(p, address, image);
    }

    /** Whether {@code elf} is a 64-bit little-endian ELF without a program interpreter (statically linked). */
    static boolean isStatic(Path elf) throws IOException {
        if (!Files.isRegularFile(elf)) {
            return false;
        }
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.wrap(Files.readAllBytes(elf)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 64 || b.getInt(0) != 0x464c457f || b.get(4) != 2) {
            return false;
        }
        long phoff = b.getLong(0x20);
        int size = Short.toUnsignedInt(b.getShort(0x36));
        int count = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < count; i++) {
            if (b.getInt((int) (phoff + (long) i * size)) == 3) { // PT_INTERP: needs a dynamic loader
                return false;
            }
        }
        return true;
    }

    /** The flags Podman needs here: runc when present (crun fails on cgroup v1 hybrid hosts), cgroupfs. */
    static List<String> globalFlags() throws Exception {
        List<String> flags = new ArrayList<>(List.of("podman", "--cgroup-manager=cgroupfs"));
        if (run(List.of("sh", "-c", "command -v runc")).code() == 0) {
            flags.addAll(List.of("--runtime", "runc"));
        }
        return flags;
    }

    /** The busybox image, named by the busybox binary's hash, imported unless it exists. */
    private static String image(Path dir) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(BUSYBOX));
        String name = "localhost/vyoma-test/busybox:" + HexFormat.of().formatHex(hash, 0, 6);
        if (run(List.of("podman", "image", "exists", name)).code() == 0) {
            return name;
        }
        Path root = Files.createDirectories(dir.resolve("rootfs"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("tmp"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet :
                run(List.of(BUSYBOX.toString(), "--list")).output().lines().toList()) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
        }
        Path tar = dir.resolve("rootfs.tar");
        check(run(List.of("tar", "-C", root.toString(), "--owner=0", "--group=0", "-cf", tar.toString(), ".")));
        check(run(List.of("podman", "import", "--change", "ENV PATH=/bin", tar.toString(), name)));
        return name;
    }

    EngineAddress address() {
        return address;
    }

    /** Runs {@code command} in container {@code name}. */
    static Result exec(String name, String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("podman", "exec", name));
        c.addAll(List.of(command));
        return run(c);
    }

    /** Removes whatever of {@code owner} the tests left (a safety net; the tests tear down their leases). */
    static void sweep(String owner) throws Exception {
        String label = "label=" + LeaseObjects.OWNER + "=" + owner;
        for (String kind : List.of("container", "volume", "network")) {
            String ids = run(List.of("podman", kind, "ls", "-q", "--filter", label))
                    .output()
                    .strip();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("podman", kind, "rm", "-f"));
                rm.addAll(ids.lines().toList());
                run(rm);
            }
        }
    }

    record Result(int code, String output) {}

    static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void check(Result r) throws IOException {
        if (r.code() != 0) {
            throw new IOException("exit " + r.code() + ": " + r.output());
        }
    }

    @Override
    public void close() throws Exception {
        service.destroy();
        if (!service.waitFor(20, TimeUnit.SECONDS)) {
            service.destroyForcibly();
        }
    }
}
