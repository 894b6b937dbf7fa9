package dev.vyoma.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Container images for the tests that run real containers, made locally with the {@code podman} command (no
 * registry is reachable from the test machines): a tiny image from the host's static busybox ({@code sh},
 * {@code httpd}, {@code nc}, ...), and images built on it by adding files. Images are imported, never built
 * with {@code RUN}, so that making one runs no container. Fails, never skips, when Podman or the static busybox
 * is missing: bin/test installs them.
 */
public final class ContainerImages {
    /** Where the static busybox comes from (Debian's busybox-static). */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private ContainerImages() {}

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Result(int code, String output) {}

    /** The busybox image, named by the busybox binary's hash, imported (with {@code work} as scratch) unless it exists. */
    public static String busybox(Path work) throws Exception {
        requireTools();
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(BUSYBOX));
        String name = "localhost/vyoma-test/busybox:" + HexFormat.of().formatHex(hash, 0, 6);
        if (run(List.of("podman", "image", "exists", name)).code() == 0) {
            return name;
        }
        Path root = rootfs(work.resolve("busybox-rootfs"));
        importImage(root, work.resolve("busybox.tar"), name, List.of());
        return name;
    }

    /**
     * Imports an image named {@code name}: busybox with {@code files} (path in the image, content) added, and
     * {@code changes} (Containerfile instructions such as {@code CMD ["httpd", "-f"]}) applied. Replaces an
     * image of that name.
     */
    public static String withFiles(Path work, String name, List<String[]> files, List<String> changes)
            throws Exception {
        requireTools();
        Path root = rootfs(Files.createTempDirectory(work, "rootfs"));
        for (String[] f : files) {
            Path target = root.resolve(f[0].replaceFirst("^/+", "")).normalize();
            if (!target.startsWith(root)) {
                throw new IllegalArgumentException(f[0] + " is outside the image");
            }
            Files.createDirectories(target.getParent());
            Files.writeString(target, f[1]);
        }
        importImage(root, Files.createTempFile(work, "image", ".tar"), name, changes);
        return name;
    }

    private static void requireTools() throws Exception {
        if (run(List.of("sh", "-c", "command -v podman")).code() != 0 || !isStatic(BUSYBOX)) {
            throw new IllegalStateException("the container tests need podman, runc and busybox-static:"
                    + " apt-get install -y podman runc busybox-static");
        }
    }

    private static Path rootfs(Path root) throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("tmp"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet :
                run(List.of(BUSYBOX.toString(), "--list")).output().lines().toList()) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet.strip()), Path.of("busybox"));
            }
        }
        return root;
    }

    private static void importImage(Path root, Path tar, String name, List<String> changes) throws Exception {
        check(run(List.of("tar", "-C", root.toString(), "--owner=0", "--group=0", "-cf", tar.toString(), ".")));
        List<String> command = new ArrayList<>(List.of("podman", "import", "--change", "ENV PATH=/bin"));
        for (String c : changes) {
            command.addAll(List.of("--change", c));
        }
        command.addAll(List.of(tar.toString(), name));
        check(run(command));
    }

    /** Whether {@code elf} is a 64-bit little-endian ELF without a program interpreter (statically linked). */
    public static boolean isStatic(Path elf) throws IOException {
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

    /** Runs {@code command} (at most two minutes) and returns what it printed and its exit code. */
    public static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.waitFor(), new String(out, StandardCharsets.UTF_8));
    }

    private static void check(Result r) throws IOException {
        if (r.code() != 0) {
            throw new IOException("exit " + r.code() + ": " + r.output());
        }
    }
}
