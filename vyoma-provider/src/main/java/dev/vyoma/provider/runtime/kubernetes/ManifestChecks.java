package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.sdl.manifest.ImageCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The manifest's text, checked before it becomes part of an object: the image reference, command, args and env
 * (bounded in count and size, no NUL, env names as Kubernetes accepts them), mount paths (absolute, normalized, not
 * over {@code /proc}, {@code /sys}, {@code /dev} or the root), resources within bounds, and registry credentials
 * (only for the registry the image is pulled from).
 */
final class ManifestChecks {
    static final int MAX_SERVICES = 50;
    static final int MAX_REPLICAS_PER_SERVICE = 100;
    static final int MAX_ENV_PER_SERVICE = 256;
    static final int MAX_ARGS_PER_SERVICE = 256;
    static final int MAX_TEXT_CHARS_PER_SERVICE = 128 * 1024;
    static final int MAX_IMAGE_CHARS = 255;
    static final int MAX_MOUNT_PATH_CHARS = 255;
    static final int MAX_PORTS_PER_SERVICE = 32;
    static final int MAX_VOLUMES_PER_SERVICE = 16;
    static final int MAX_GPUS_PER_REPLICA = 64;
    static final long MIN_CPU_MILLIS = 10;
    static final long MAX_CPU_MILLIS = 384_000;
    static final long MIN_MEMORY_BYTES = 6L << 20;
    static final long MAX_MEMORY_BYTES = 2L << 40;
    static final long MAX_STORAGE_BYTES = 64L << 40;
    static final String DOCKER_HUB = "docker.io";

    private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._:/@+-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Set<String> SYSTEM_PATHS = Set.of("/proc", "/sys", "/dev");
    private static final Set<String> DOCKER_HUB_NAMES =
            Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

    private ManifestChecks() {}

    static void text(String what, String image, List<String> command, List<String> args, List<String> env)
            throws Refused {
        if (image.length() > MAX_IMAGE_CHARS || !IMAGE.matcher(image).matches()) {
            throw new Refused(what + "image " + Names.shown(image) + " is not an image reference such as nginx:1.27");
        }
        List<String> vars = env == null ? List.of() : env;
        List<String> argv = new ArrayList<>(command == null ? List.of() : command);
        argv.addAll(args == null ? List.of() : args);
        if (vars.size() > MAX_ENV_PER_SERVICE || argv.size() > MAX_ARGS_PER_SERVICE) {
            throw new Refused(what + "has more than " + MAX_ENV_PER_SERVICE + " env entries or " + MAX_ARGS_PER_SERVICE
                    + " command and args");
        }
        for (String e : vars) {
            int eq = e.indexOf('=');
            if (eq <= 0 || !ENV_NAME.matcher(e.substring(0, eq)).matches()) {
                throw new Refused(what + "env entry " + Names.shown(e) + " is not NAME=value");
            }
        }
        long chars = image.length();
        argv.addAll(vars);
        for (String t : argv) {
            if (t.indexOf('\0') >= 0) {
                throw new Refused(what + "command, args and env cannot hold a NUL character");
            }
            chars += t.length();
        }
        if (chars > MAX_TEXT_CHARS_PER_SERVICE) {
            throw new Refused(
                    what + "image, command, args and env are over " + MAX_TEXT_CHARS_PER_SERVICE + " characters");
        }
    }

    /** A mount path; {@code /dev/shm} too for a {@code ram} volume (shared memory, as GPU workloads use it). */
    static String mountPath(String what, String mount, boolean ram) throws Refused {
        if (ram && mount.equals("/dev/shm")) {
            return mount;
        }
        boolean clean = mount.startsWith("/")
                && mount.length() <= MAX_MOUNT_PATH_CHARS
                && !mount.equals("/")
                && !mount.contains("//")
                && !mount.endsWith("/")
                && mount.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == ':')
                && List.of(mount.substring(1).split("/", -1)).stream().noneMatch(p -> p.equals(".") || p.equals(".."));
        if (!clean || SYSTEM_PATHS.stream().anyMatch(p -> mount.equals(p) || mount.startsWith(p + "/"))) {
            throw new Refused(what + "mount path " + Names.shown(mount)
                    + " must be an absolute, normalized path other than /, /proc, /sys and /dev, at most "
                    + MAX_MOUNT_PATH_CHARS + " characters, without : (a ram volume may be /dev/shm)");
        }
        return mount;
    }

    static void resources(String what, long cpuMillis, long memoryBytes, long gpus) throws Refused {
        if (cpuMillis < MIN_CPU_MILLIS || cpuMillis > MAX_CPU_MILLIS) {
            throw new Refused(
                    what + "cpu must be " + MIN_CPU_MILLIS + "m to " + MAX_CPU_MILLIS + "m, got " + cpuMillis + "m");
        }
        if (memoryBytes < MIN_MEMORY_BYTES || memoryBytes > MAX_MEMORY_BYTES) {
            throw new Refused(what + "memory must be 6Mi to 2Ti, got " + memoryBytes + " bytes");
        }
        if (gpus < 0 || gpus > MAX_GPUS_PER_REPLICA) {
            throw new Refused(what + "gpu units must be 0 to " + MAX_GPUS_PER_REPLICA + ", got " + gpus);
        }
    }

    static void storage(String what, String volume, long bytes) throws Refused {
        if (bytes <= 0 || bytes > MAX_STORAGE_BYTES) {
            throw new Refused(what + "volume " + Names.shown(volume) + " must be 1 byte to 64Ti, got " + bytes);
        }
    }

    /**
     * The registry an image is pulled from, as Docker reads a reference: its first part when that names a host
     * (has a dot or a port, or is {@code localhost}), else Docker Hub.
     */
    static String registry(String image) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return host ? first.toLowerCase(Locale.ROOT) : DOCKER_HUB;
    }

    /** Registry credentials for one pull: the registry (as a docker config names it), user and password. */
    record Auth(String registry, String username, String password) {
        @Override
        public String toString() {
            return "Auth[registry=" + registry + ", username=" + username + ", password=***]";
        }
    }

    /**
     * The SDL's credentials, or null without them. Their host must be the image's registry (with or without
     * {@code https://}; Docker Hub by any of its names), or the password would go to a registry the image is not
     * on; user and password are one line each.
     */
    static Auth credentials(String what, String image, ImageCredentials c) throws Refused {
        if (c == null) {
            return null;
        }
        String host = c.host()
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceFirst("^https?://", "")
                .replaceFirst("/.*$", "");
        if (DOCKER_HUB_NAMES.contains(host)) {
            host = DOCKER_HUB;
        }
        String registry = registry(image);
        if (!host.equals(registry)) {
            throw new Refused(what + "credentials are for registry " + Names.shown(c.host()) + " but image "
                    + Names.shown(image) + " is pulled from " + registry + "; give the image's registry as host");
        }
        for (String t : List.of(c.username(), c.password())) {
            if (t.isEmpty() || t.length() > 4096 || t.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                throw new Refused(
                        what + "credentials need a username and a password, each one line of printable characters");
            }
        }
        return new Auth(
                registry.equals(DOCKER_HUB) ? "https://index.docker.io/v1/" : registry, c.username(), c.password());
    }
}
