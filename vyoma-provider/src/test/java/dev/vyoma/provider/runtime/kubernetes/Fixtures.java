package dev.vyoma.provider.runtime.kubernetes;

import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings, a GPU catalog and SDL reading shared by the Kubernetes runtime's tests. */
final class Fixtures {
    static final String LEASE = "vyoma1tenant/42/1/1/vyoma1provider";

    /** Akash's storage classes mapped to a cluster's; GPUs as GPU feature discovery labels them. */
    static final KubernetesSettings SETTINGS = new KubernetesSettings(
            Optional.empty(),
            false,
            "vyoma-",
            "nginx",
            "ingress.example.com",
            "ingress-nginx",
            80,
            "nodes.example.com",
            Map.of("default", "standard", "beta1", "hdd", "beta2", "ssd", "beta3", "nvme"),
            KubernetesSettings.DEFAULT_GPU_PRODUCT_LABEL,
            KubernetesSettings.DEFAULT_GPU_MEMORY_LABEL);

    static final Map<String, String> GPU_NODES = products();

    static final GpuCatalog CATALOG = catalog();

    private Fixtures() {}

    private static Map<String, String> products() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("NVIDIA-A100-SXM4-80GB", "81920");
        m.put("NVIDIA-A100-PCIE-40GB", "40960");
        m.put("NVIDIA-H100-80GB-HBM3", "81559");
        m.put("NVIDIA-GeForce-RTX-3080", "10240");
        m.put("Tesla-T4", "15360");
        return m;
    }

    private static GpuCatalog catalog() {
        Map<String, GpuDevice> m = new LinkedHashMap<>();
        GPU_NODES.forEach((p, mem) -> m.put(p, GpuCatalog.device(p, mem).orElseThrow()));
        return new GpuCatalog(m);
    }

    /** The groups of a valid SDL's manifest, read back as the gateway reads what a tenant sends. */
    static List<ManifestGroup> groups(String sdl) throws Exception {
        SdlResult r = Sdl.parse(sdl, "test.yaml");
        if (!(r instanceof SdlResult.Valid v)) {
            throw new IllegalArgumentException("test SDL is invalid: " + r.errors());
        }
        return groups(v);
    }

    static List<ManifestGroup> groups(SdlResult.Valid v) throws Exception {
        Manifest m = v.document().manifest();
        return ManifestReader.read(JsonWriter.compact(AkashJson.manifest(m)).getBytes(StandardCharsets.UTF_8))
                .groups();
    }

    /** A one-service SDL: {@code extra} is added to the service, {@code resources} to its profile. */
    static String sdl(String service, String image, String extra, String resources) {
        return "version: \"2.0\"\nservices:\n  " + service + ":\n    image: " + image + "\n" + extra
                + "    expose:\n      - port: 80\n        as: 80\n        to:\n          - global: true\n"
                + "profiles:\n  compute:\n    " + service + ":\n      resources:\n        cpu: {units: 0.5}\n"
                + "        memory: {size: 128Mi}\n"
                + (resources.contains("storage") ? resources : resources + "        storage: {size: 512Mi}\n")
                + "  placement:\n    dc:\n      pricing:\n        " + service + ": {denom: uusd, amount: 1000}\n"
                + "deployment:\n  " + service + ":\n    dc: {profile: " + service + ", count: 2}\n";
    }
}
