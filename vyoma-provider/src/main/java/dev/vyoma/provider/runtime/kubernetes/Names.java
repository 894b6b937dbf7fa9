package dev.vyoma.provider.runtime.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The names and labels of a lease's objects. Nothing a tenant writes becomes a name as it is unless it already is
 * a short DNS-1035 label: anything else becomes its safe characters, cut short, and a hash of the whole (so two
 * different names never meet, and the same name always gives the same result). The lease's namespace is named by a
 * hash of the lease id; the id's parts are labels (a label value cannot hold {@code /}), the whole id an annotation.
 */
public final class Names {
    public static final String DOMAIN = "vyoma.dev/";
    public static final String MANAGED_BY = DOMAIN + "managed-by";
    public static final String MANAGER = "vyoma-provider";
    public static final String PROVIDER = DOMAIN + "provider";
    public static final String OWNER = DOMAIN + "lease.owner";
    public static final String DSEQ = DOMAIN + "lease.dseq";
    public static final String GSEQ = DOMAIN + "lease.gseq";
    public static final String OSEQ = DOMAIN + "lease.oseq";
    public static final String VERSION = DOMAIN + "manifest-version";
    public static final String SERVICE = DOMAIN + "service";
    /** Annotations: the whole lease id, the whole manifest version, and the version that ran before an update. */
    public static final String LEASE_ANNOTATION = DOMAIN + "lease";

    public static final String VERSION_ANNOTATION = DOMAIN + "manifest-version";
    public static final String PREVIOUS_ANNOTATION = DOMAIN + "previous-manifest-version";
    /** The secret in a lease's namespace that keeps the manifest group it runs (it may hold registry passwords). */
    public static final String MANIFEST_SECRET = "vyoma-manifest";

    public static final String MANIFEST_KEY = "manifest.json";
    /** Workloads and services: their pods' names add up to 16 characters, and a name must stay under 63. */
    public static final int MAX_OBJECT_NAME_CHARS = 47;

    private static final Pattern LEASE =
            Pattern.compile("([a-z0-9]{1,63})/([0-9]{1,19})/([0-9]{1,10})/([0-9]{1,10})/([a-z0-9]{1,63})");
    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    private Names() {}

    /** A lease id taken apart: {@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}. */
    public record LeaseId(String owner, String dseq, String gseq, String oseq, String provider) {
        @Override
        public String toString() {
            return owner + "/" + dseq + "/" + gseq + "/" + oseq + "/" + provider;
        }
    }

    /** Parses a lease id; the message says what a lease id looks like. */
    public static LeaseId lease(String lease) throws Refused {
        var m = LEASE.matcher(lease);
        if (!m.matches()) {
            throw new Refused("lease id " + shown(lease) + " is not OWNER/DSEQ/GSEQ/OSEQ/PROVIDER (addresses of at most"
                    + " 63 lowercase letters and digits)");
        }
        return new LeaseId(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
    }

    /** The lease's namespace: the prefix and 24 hex digits of the SHA-256 of the lease id. */
    public static String namespace(String prefix, String lease) {
        return prefix + hash(lease).substring(0, 24);
    }

    /** The labels every object of the lease carries. */
    public static Map<String, String> leaseLabels(LeaseId id) {
        Map<String, String> m = new TreeMap<>();
        m.put(MANAGED_BY, MANAGER);
        m.put(PROVIDER, id.provider());
        m.put(OWNER, id.owner());
        m.put(DSEQ, id.dseq());
        m.put(GSEQ, id.gseq());
        m.put(OSEQ, id.oseq());
        return m;
    }

    /** A manifest version as a label value: its first 40 hex digits (a label value holds at most 63). */
    public static String versionLabel(String version) {
        return version.substring(0, Math.min(40, version.length()));
    }

    /**
     * A DNS-1035 label of at most {@code max} characters from {@code raw}: {@code raw} itself when it is one, else
     * its lowercase letters, digits and dashes (a leading {@code s} where it would not start with a letter), cut to
     * leave room for a dash and the first 8 hex digits of its SHA-256.
     */
    public static String label(String raw, int max) {
        if (raw.length() <= max && DNS_1035.matcher(raw).matches()) {
            return raw;
        }
        StringBuilder b = new StringBuilder();
        for (char c : raw.toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
                b.append(c);
            } else if (c == '_' || c == '.') {
                b.append('-');
            }
        }
        if (b.isEmpty() || b.charAt(0) < 'a' || b.charAt(0) > 'z') {
            b.insert(0, 's');
        }
        String head = b.substring(0, Math.min(b.length(), max - 9)).replaceAll("-+$", "");
        return head + "-" + hash(raw).substring(0, 8);
    }

    /** A service's object name (Deployment, StatefulSet, Service, Ingress): see {@link #label}. */
    public static String object(String service) {
        return label(service, MAX_OBJECT_NAME_CHARS);
    }

    static String hash(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A tenant's text for an error message: at most 80 characters, control characters escaped. */
    static String shown(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.substring(0, Math.min(80, text.length())).toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return text.length() > 80 ? b + "..." : b.toString();
    }
}
