package dev.vyoma.provider.runtime.container;

import dev.vyoma.provider.bid.GpuDevice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The GPUs this host hands to containers, each with the CDI device name its engine knows it by
 * ({@code nvidia.com/gpu=0}, or by UUID {@code nvidia.com/gpu=GPU-…}, as {@code nvidia-ctk cdi generate} writes
 * them into {@code /etc/cdi}), in the order the provider's inventory lists them.
 */
public record GpuPool(List<Gpu> gpus) {
    /** A host without GPUs for containers. */
    public static final GpuPool NONE = new GpuPool(List.of());

    /** The CDI kind of NVIDIA's GPUs, as {@code nvidia-ctk cdi generate} names them. */
    public static final String NVIDIA_KIND = "nvidia.com/gpu";

    /** A fully qualified CDI device name: {@code vendor/class=name}. */
    private static final Pattern CDI_NAME = Pattern.compile(
            "[a-z0-9][a-z0-9.-]{0,62}/[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}=[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,127}");

    /** A CDI kind: {@code vendor/class}. */
    private static final Pattern CDI_KIND = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}/[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}");

    /** One GPU: what it is (as the bids offer it) and its CDI device name. */
    public record Gpu(GpuDevice device, String cdiName) {
        public Gpu {
            if (cdiName == null || !CDI_NAME.matcher(cdiName).matches()) {
                throw new IllegalArgumentException(
                        "GPU CDI name " + cdiName + " is not vendor/class=name (e.g. nvidia.com/gpu=0)");
            }
        }
    }

    public GpuPool {
        gpus = List.copyOf(gpus);
        Set<String> names = new HashSet<>();
        for (Gpu g : gpus) {
            if (!names.add(g.cdiName())) {
                throw new IllegalArgumentException("GPU CDI name " + g.cdiName() + " is given twice");
            }
        }
    }

    /**
     * {@code devices} named {@code kind=<index>} (index 0, 1, … in order), as {@code nvidia-ctk} names each GPU by
     * its index, unless {@code names} (one per device: an index or a UUID) says otherwise.
     */
    public static GpuPool of(String kind, List<GpuDevice> devices, List<String> names) {
        if (!CDI_KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("CDI kind " + kind + " is not vendor/class (e.g. " + NVIDIA_KIND + ")");
        }
        if (!names.isEmpty() && names.size() != devices.size()) {
            throw new IllegalArgumentException(
                    devices.size() + " GPUs but " + names.size() + " CDI names; give one per GPU, or none");
        }
        List<Gpu> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            out.add(new Gpu(devices.get(i), kind + "=" + (names.isEmpty() ? String.valueOf(i) : names.get(i))));
        }
        return new GpuPool(out);
    }
}
