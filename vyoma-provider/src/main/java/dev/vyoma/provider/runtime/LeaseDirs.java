package dev.vyoma.provider.runtime;

import dev.vyoma.sdl.manifest.ManifestLimits;
import dev.vyoma.sdl.manifest.ManifestNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every path the process runtime builds from a lease id or a name, in one place. A lease's directory is named from
 * its id ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER} with {@code _} for {@code /}); a replica's files are named from its
 * service and index ({@code web-0}). Each id and name is checked against its rule first, and each path is resolved
 * and checked to stay directly inside its parent: a lease's files inside its directory, its directory inside the
 * runtime's root. Names read back from disk (after a restart) go through the same checks.
 */
final class LeaseDirs {
    /** A lease id: bech32 addresses (lowercase letters and digits) and sequence numbers, no {@code _}. */
    private static final Pattern LEASE_ID =
            Pattern.compile("[a-z0-9]{1,90}/[0-9]{1,20}/[0-9]{1,10}/[0-9]{1,10}/[a-z0-9]{1,90}");

    private final Path root;

    LeaseDirs(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    Path root() {
        return root;
    }

    /** Whether {@code lease} is a lease id this runtime can keep files for. */
    static boolean isLeaseId(String lease) {
        return lease != null && LEASE_ID.matcher(lease).matches();
    }

    /** The directory of {@code lease}; an {@link IllegalArgumentException} if it is not a lease id. */
    Path lease(String lease) {
        if (!isLeaseId(lease)) {
            throw new IllegalArgumentException("not a lease id: " + printable(lease));
        }
        return child(root, lease.replace('/', '_'));
    }

    /** The lease whose directory is named {@code name}, if it is one. */
    static Optional<String> leaseOf(String name) {
        String lease = name.replace('_', '/');
        return isLeaseId(lease) && lease.replace('/', '_').equals(name) ? Optional.of(lease) : Optional.empty();
    }

    /** A file or directory directly in {@code leaseDir} that the runtime itself names ({@code manifest.json}). */
    Path file(Path leaseDir, String name) {
        return child(inRoot(leaseDir), name);
    }

    /** {@code leaseDir/kind/service-index + suffix}: a replica's record, log or working directory. */
    Path replica(Path leaseDir, String kind, String service, int index, String suffix) {
        return child(file(leaseDir, kind), stem(service, index) + suffix);
    }

    /** {@code service-index}, after checking both. */
    static String stem(String service, int index) {
        if (service == null
                || !ManifestNames.validServiceName(service)
                || service.length() > ManifestLimits.MAX_SERVICE_NAME_CHARS) {
            throw new IllegalArgumentException("not a service name: " + printable(service));
        }
        if (index < 0 || index >= ManifestLimits.MAX_COUNT) {
            throw new IllegalArgumentException("not a replica index: " + index);
        }
        return service + "-" + index;
    }

    private Path inRoot(Path leaseDir) {
        Path normal = leaseDir.toAbsolutePath().normalize();
        if (!root.equals(normal.getParent())) {
            throw new IllegalArgumentException("not a lease directory of this runtime: " + leaseDir);
        }
        return normal;
    }

    /**
     * {@code parent/name}, where {@code name} is one plain path element, resolved and checked to be directly inside
     * {@code parent} (and, if it exists, not a link out of it).
     */
    private static Path child(Path parent, String name) {
        if (name.isEmpty()
                || name.equals(".")
                || name.equals("..")
                || name.indexOf('/') >= 0
                || name.indexOf('\\') >= 0
                || name.indexOf('\0') >= 0
                || name.length() > 255) {
            throw new IllegalArgumentException("not a plain file name: " + printable(name));
        }
        Path p = parent.resolve(name).normalize();
        if (!parent.equals(p.getParent())) {
            throw new IllegalArgumentException(printable(name) + " leaves " + parent);
        }
        if (Files.isSymbolicLink(p)) {
            throw new IllegalArgumentException(p + " is a link; the runtime writes only its own files");
        }
        return p;
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 120 ? s.substring(0, 120) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
