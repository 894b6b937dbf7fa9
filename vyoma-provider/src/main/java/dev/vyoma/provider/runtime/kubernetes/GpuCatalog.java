package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.bid.GpuDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The GPU kinds of a cluster's nodes, by the product name NVIDIA's GPU feature discovery writes in a node label
 * ({@code nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB}, memory in MiB in {@code nvidia.com/gpu.memory}): each read
 * as Akash names GPUs ({@code vendor/nvidia/model/a100/ram/80Gi/interface/sxm}). A lease's pods are bound to the
 * nodes whose product satisfies what their profile asks for.
 */
public record GpuCatalog(Map<String, GpuDevice> products) {
    public static final GpuCatalog EMPTY = new GpuCatalog(Map.of());

    public GpuCatalog {
        products = java.util.Collections.unmodifiableMap(new TreeMap<>(products));
    }

    /**
     * The device a node's product label (and memory label, in MiB; empty if absent) names, or empty when the
     * product is not one this reads: vendor words ({@code NVIDIA}, {@code Tesla}, {@code GeForce}) dropped, the
     * model the words before the first interface ({@code SXM4}, {@code PCIE}) or memory ({@code 80GB}) word.
     */
    public static Optional<GpuDevice> device(String product, String memoryMiB) {
        if (product == null || product.isBlank() || product.length() > 63) {
            return Optional.empty();
        }
        List<String> model = new ArrayList<>();
        String iface = "pcie";
        long ram = 0;
        boolean done = false;
        for (String word : product.toLowerCase(Locale.ROOT).split("[-_ ]+", -1)) {
            if (word.isEmpty() || List.of("nvidia", "tesla", "geforce").contains(word)) {
                continue;
            }
            if (word.startsWith("sxm")) {
                iface = "sxm";
                done = true;
            } else if (word.startsWith("pcie")) {
                done = true;
            } else if (word.matches("[0-9]{1,4}gb")) {
                ram = Long.parseLong(word.substring(0, word.length() - 2)) << 30;
                done = true;
            } else if (word.startsWith("hbm") || word.equals("nvl")) {
                done = true;
            } else if (!done && word.matches("[a-z0-9]{1,20}")) {
                model.add(word);
            }
        }
        if (memoryMiB != null && memoryMiB.matches("[0-9]{1,9}") && Long.parseLong(memoryMiB) > 0) {
            // The label is the memory the driver reports, a little under the marketed size: rounded to whole GiB.
            long mib = Long.parseLong(memoryMiB);
            ram = ram > 0 && Math.abs((ram >> 20) - mib) < 4096 ? ram : ((mib + 512) >> 10) << 30;
        }
        if (model.isEmpty() || ram <= 0) {
            return Optional.empty();
        }
        return Optional.of(new GpuDevice("nvidia", String.join("", model), ram, iface));
    }

    /** The products whose device satisfies one of {@code requested} (SDL GPU attribute keys; none: any), sorted. */
    public List<String> productsFor(List<String> requested) {
        List<String> out = new ArrayList<>();
        products.forEach((product, d) -> {
            if (requested.isEmpty() || requested.stream().anyMatch(d::satisfies)) {
                out.add(product);
            }
        });
        return out;
    }
}
