package dev.vyoma.sdl.manifest;

import dev.vyoma.sdl.SdlLimits;

/**
 * Bounds on a manifest a provider accepts ({@link ManifestReader}). A provider reads manifests from tenants, so
 * everything in one is bounded; the bounds are far above what an SDL within {@link SdlLimits} produces, except the
 * service name's length, which is a DNS label's (Kubernetes names a service's objects after it).
 */
public final class ManifestLimits {
    /** The largest manifest, in bytes of JSON. */
    public static final int MAX_MANIFEST_BYTES = 1 << 20;

    /** How deeply JSON values may nest (a manifest needs 8). */
    public static final int MAX_DEPTH = 16;

    /** Groups in a manifest: the chain's {@code maxGroupCount}. */
    public static final int MAX_GROUPS = SdlLimits.MAX_GROUPS;

    /** Services in one group. */
    public static final int MAX_SERVICES_PER_GROUP = SdlLimits.MAX_SERVICES;

    /** Replicas of one service ({@code count}, at least 1): the chain's {@code maxUnitCount}. */
    public static final int MAX_COUNT = SdlLimits.MAX_COUNT;

    /** Characters in a service name (a DNS label). */
    public static final int MAX_SERVICE_NAME_CHARS = 63;

    /** Characters in a group name, an image, a host name, a mount path and other short strings. */
    public static final int MAX_STRING_CHARS = 1024;

    /** Characters in one env entry ({@code NAME=value}), one command or args element, or a credential. */
    public static final int MAX_VALUE_CHARS = 16 * 1024;

    /** Entries in a service's env. */
    public static final int MAX_ENV_ENTRIES = 128;

    /** Elements of a service's command, and of its args. */
    public static final int MAX_ARGS = 128;

    /** Exposed ports of one service. */
    public static final int MAX_EXPOSES_PER_SERVICE = 32;

    /** Host names one exposed port accepts. */
    public static final int MAX_HOSTS_PER_EXPOSE = 32;

    /** Attributes of one resource, endpoints of a resource unit, storage mounts and read permissions of a service. */
    public static final int MAX_LIST_ITEMS = 64;

    /** The largest unsigned 32-bit value, the type of Akash's {@code next_tries} and {@code next_timeout}. */
    public static final long MAX_UINT32 = 0xFFFF_FFFFL;

    private ManifestLimits() {}
}
