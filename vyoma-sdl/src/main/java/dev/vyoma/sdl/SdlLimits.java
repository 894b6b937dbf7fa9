package dev.vyoma.sdl;

/**
 * Bounds on what one SDL file may contain, so that a hostile or broken file fails fast with a clear
 * message instead of exhausting memory. The defaults are far above anything a real SDL needs (the
 * largest files in Akash's template catalog are a few kilobytes with a handful of services); the group and
 * replica bounds are the ones Akash's chain declares ({@code maxGroupCount}, {@code maxGroupUnits},
 * {@code maxUnitCount}).
 */
public record SdlLimits(
        int maxBytes,
        int maxDepth,
        long maxNodes,
        int maxServices,
        int maxGroups,
        int maxUnitsPerGroup,
        int maxCount,
        int maxVolumesPerProfile) {
    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_DEPTH = 64;
    public static final long MAX_NODES = 200_000;
    public static final int MAX_SERVICES = 100;
    public static final int MAX_GROUPS = 20;
    public static final int MAX_UNITS_PER_GROUP = 20;
    public static final int MAX_COUNT = 50;
    /** Akash sorts volumes with Go's insertion sort, whose result we reproduce exactly up to 20 volumes. */
    public static final int MAX_VOLUMES_PER_PROFILE = 20;

    /** The defaults above. */
    public static final SdlLimits DEFAULT = new SdlLimits(
            MAX_BYTES,
            MAX_DEPTH,
            MAX_NODES,
            MAX_SERVICES,
            MAX_GROUPS,
            MAX_UNITS_PER_GROUP,
            MAX_COUNT,
            MAX_VOLUMES_PER_PROFILE);
}
