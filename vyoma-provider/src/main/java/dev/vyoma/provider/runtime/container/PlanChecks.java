package dev.vyoma.provider.runtime.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The text a manifest hands to the engine, checked before it gets there: names that become parts of engine object
 * names, the image reference, command, args and env (bounded in count and size, no NUL, env names as the SDL
 * allows them), and mount paths (absolute, normalized, not over the container's {@code /proc}, {@code /sys},
 * {@code /dev} or its root).
 */
final class PlanChecks {
    public static final int MAX_ENV_PER_SERVICE = 256;
    public static final int MAX_ARGS_PER_SERVICE = 256;
    /** Image, command, args and env of one service together. */
    public static final int MAX_TEXT_CHARS_PER_SERVICE = 128 * 1024;

    public static final int MAX_IMAGE_CHARS = 255;
    public static final int MAX_MOUNT_PATH_CHARS = 255;

    private static final Pattern LEASE =
            Pattern.compile("[a-z0-9]{1,90}/[0-9]{1,20}/[0-9]{1,10}/[0-9]{1,10}/[a-z0-9]{1,90}");
    private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern VOLUME = Pattern.compile("[a-z0-9]([-_.a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._:/@+-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Set<String> SYSTEM_PATHS = Set.of("/proc", "/sys", "/dev");
    static final String DOCKER_HUB = "docker.io";
    private static final Set<String> DOCKER_HUB_NAMES =
            Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

    private PlanChecks() {}

    static void lease(String lease) throws ManifestRefused {
        if (!LEASE.matcher(lease).matches()) {
            throw new ManifestRefused("lease id " + lease + " is not OWNER/DSEQ/GSEQ/OSEQ/PROVIDER");
        }
    }

    static void serviceName(String name) throws ManifestRefused {
        if (!SERVICE.matcher(name).matches()) {
            throw new ManifestRefused("service name " + name
                    + " must be 1 to 63 lowercase letters, digits and -, starting with a letter");
        }
    }

    static void volumeName(String what, String name) throws ManifestRefused {
        if (!VOLUME.matcher(name).matches()) {
            throw new ManifestRefused(
                    what + "volume name " + name + " must be 1 to 63 lowercase letters, digits, - _ .");
        }
    }

    static String mountPath(String what, String mount) throws ManifestRefused {
        boolean clean = mount.startsWith("/")
                && mount.length() <= MAX_MOUNT_PATH_CHARS
                && !mount.equals("/")
                && !mount.contains("//")
                && !mount.endsWith("/")
                && !mount.contains("\0")
                && List.of(mount.substring(1).split("/", -1)).stream().noneMatch(p -> p.equals(".") || p.equals(".."));
        if (!clean || SYSTEM_PATHS.stream().anyMatch(p -> mount.equals(p) || mount.startsWith(p + "/"))) {
            throw new ManifestRefused(what + "mount path " + mount
                    + " must be an absolute, normalized path other than /, /proc, /sys and /dev, at most "
                    + MAX_MOUNT_PATH_CHARS + " characters");
        }
        return mount;
    }

    /**
     * The registry an image is pulled from, as Docker reads a reference: its first part when that names a host
     * (has a dot or a port, or is {@code localhost}), else Docker Hub ({@code docker.io}).
     */
    static String registry(String image) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        boolean host = first.contains(".") || first.contains(":") || first.equals("localhost");
        return host ? first.toLowerCase(java.util.Locale.ROOT) : DOCKER_HUB;
    }

    /**
     * The SDL's credentials as the pull's auth, or null without them. Their host must be the image's registry
     * (written with or without {@code https://}; Docker Hub by any of its names), or the password would go to
     * a registry the image is not on; user and password are one line each.
     */
    static LeasePlan.Auth credentials(String what, String image, dev.vyoma.sdl.manifest.ImageCredentials c)
            throws ManifestRefused {
        if (c == null) {
            return null;
        }
        String host = c.host()
                .strip()
                .toLowerCase(java.util.Locale.ROOT)
                .replaceFirst("^https?://", "")
                .replaceFirst("/.*$", "");
        if (DOCKER_HUB_NAMES.contains(host)) {
            host = DOCKER_HUB;
        }
        String registry = registry(image);
        if (!host.equals(registry)) {
            throw new ManifestRefused(what + "credentials are for registry "
                    + dev.vyoma.ledger.base.WholeNumber.shown(c.host()) + " but image " + image + " is pulled from "
                    + registry + "; give the image's registry as host");
        }
        for (String t : List.of(c.username(), c.password())) {
            if (t.isEmpty() || t.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
                throw new ManifestRefused(
                        what + "credentials need a username and a password, each one line of printable characters");
            }
        }
        return new LeasePlan.Auth(registry, c.username(), c.password());
    }

    /** The image and what the container runs with: {@code command}, {@code args} and {@code env} may be null. */
    static void text(String what, String image, List<String> command, List<String> args, List<String> env)
            throws ManifestRefused {
        if (image.length() > MAX_IMAGE_CHARS || !IMAGE.matcher(image).matches()) {
            throw new ManifestRefused(what + "image " + image + " is not an image reference such as nginx:1.27");
        }
        List<String> vars = env == null ? List.of() : env;
        List<String> argv = new ArrayList<>(command == null ? List.of() : command);
        argv.addAll(args == null ? List.of() : args);
        if (vars.size() > MAX_ENV_PER_SERVICE || argv.size() > MAX_ARGS_PER_SERVICE) {
            throw new ManifestRefused(what + "has more than " + MAX_ENV_PER_SERVICE + " env entries or "
                    + MAX_ARGS_PER_SERVICE + " command and args");
        }
        for (String e : vars) {
            int eq = e.indexOf('=');
            if (eq <= 0 || !ENV_NAME.matcher(e.substring(0, eq)).matches()) {
                throw new ManifestRefused(what + "env entry " + e + " is not NAME=value");
            }
        }
        long chars = image.length();
        argv.addAll(vars);
        for (String t : argv) {
            if (t.indexOf('\0') >= 0) {
                throw new ManifestRefused(what + "command, args and env cannot hold a NUL character");
            }
            chars += t.length();
        }
        if (chars > MAX_TEXT_CHARS_PER_SERVICE) {
            throw new ManifestRefused(
                    what + "image, command, args and env are over " + MAX_TEXT_CHARS_PER_SERVICE + " characters");
        }
    }
}
