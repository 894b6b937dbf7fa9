package dev.vyoma.provider;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.provider.bid.GpuDevice;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.provider.bid.PriceList;
import dev.vyoma.sdl.read.QuantityParser;
import dev.vyoma.sdl.spec.Attribute;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A provider's configuration file ({@code provider.yaml}): how it reaches the chain (node URL, key), what it
 * publishes (host URI, attributes, contact), what it has (declared nodes and persistent storage pools, or GPUs
 * discovered with nvidia-smi, or the nodes of a Kubernetes cluster; {@link #inventorySource} says which, and the status endpoint repeats it), what it
 * charges and deposits per bid. Every problem is reported with the field
 * to fix.
 *
 * <pre>
 * node: http://127.0.0.1:1317
 * key: provider
 * keyringBackend: test
 * host: https://provider.example.com:8443   # or auto: https://<gateway host>:<its port>
 * attributes: {region: eu-west, tier: community}
 * info: {email: ops@example.com, website: https://example.com}
 * bidDeposit: 500000uvyo
 * withdrawEverySeconds: 600
 * gateway: 127.0.0.1:8443          # HTTPS for tenants' manifests
 * ingress: 127.0.0.1:8080          # HTTP, by Host header: ID.ingress.DOMAIN
 * ingressDomain: localhost
 * runtime: process                 # or container: each replica an OCI container on a Docker-API engine,
 *                                  # or kubernetes: each lease a namespace of a cluster (inventory from the cluster)
 * kubernetes: {kubeconfig: /etc/vyoma/kubeconfig, ingressDomain: ingress.example.com}   # see KubernetesSettings
 * containerEngine: unix:///run/podman/podman.sock   # default: DOCKER_HOST, then the usual Podman and Docker sockets
 * gpuCdi: {kind: nvidia.com/gpu, devices: [0, 1]}   # the GPUs' CDI names for containers, in inventory order
 *                                  # (default: nvidia.com/gpu=0, =1, ...; nvidia-ctk cdi generate writes them)
 * containerStopGrace: 10s          # a stopped container's time between SIGTERM and SIGKILL (whole seconds, 0s-60s)
 * bidTimeout: 5m                   # an open bid no lease took is closed after this (1s to 24h)
 * manifestTimeout: 5m              # a won lease with no manifest is closed after this (1s to 24h)
 * allowProcessRuntime: false       # true: serve a non-loopback ingress although the process runtime runs tenants'
 *                                  # commands as this provider's user (without it, the provider refuses to start)
 * images:                          # how the process runtime runs images (default: nginx*, httpd* built in)
 *   - {match: "nginx*", builtin: static-web}
 *   - {match: "python:3*", command: [sh, -c, 'exec python3 -m http.server $PORT']}
 *   - {match: "vyoma/inference-worker*", java: dev.vyoma.inference.worker.WorkerMain, args: [--model, /m.gguf],
 *      env: [MODEL_NAME, VYOMA_WORKER_SECRET]}     # the tenant variables a java entry receives (none by default)
 * inventory:
 *   nodes:
 *     - name: node-0
 *       cpu: 64
 *       memory: 512Gi
 *       storage: 2Ti
 *       gpus: {count: 8, vendor: nvidia, model: h100, ram: 80Gi, interface: sxm}   # or: gpus: nvidia-smi
 *       persistent: [beta3]
 *   persistentStorage: {beta3: 10Ti}
 * pricing:
 *   denom: uusd
 *   cpu: 10                       # per CPU per block
 *   memoryGi: 5                   # per GiB per block
 *   storageGi: {ephemeral: 0.5, ram: 5, beta3: 1}
 *   gpu: {h100: 20000, "*": 15000}
 *   endpoint: 1
 * </pre>
 */
public record ProviderConfig(
        String node,
        String key,
        String keyringBackend,
        String host,
        List<Attribute> attributes,
        String email,
        String website,
        Coin bidDeposit,
        long withdrawEverySeconds,
        List<Inventory.NodeSpec> nodes,
        Map<String, Long> persistentStorage,
        PriceList prices,
        String gateway,
        String ingress,
        String ingressDomain,
        List<dev.vyoma.provider.runtime.ImageTable.Entry> images,
        String inventorySource,
        Runtime runtime,
        java.util.Optional<dev.vyoma.provider.runtime.container.EngineAddress> containerEngine,
        boolean allowProcessRuntime,
        dev.vyoma.provider.runtime.container.GpuPool containerGpus,
        java.time.Duration containerStopGrace,
        Timeouts timeouts,
        dev.vyoma.provider.runtime.kubernetes.KubernetesSettings kubernetes) {

    /**
     * How long the provider waits, as Akash's provider does: an open bid for its tenant to create a lease
     * ({@code bidTimeout}), a won lease for its manifest ({@code manifestTimeout}); at the end of either wait the
     * provider closes the bid or lease and frees what it held. Each is at least {@link #MIN_TIMEOUT} and at most
     * {@link #MAX_TIMEOUT}.
     */
    public record Timeouts(java.time.Duration bid, java.time.Duration manifest) {
        /** Akash's provider defaults: five minutes each. */
        public static final Timeouts DEFAULT =
                new Timeouts(java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(5));

        public Timeouts {
            java.util.Objects.requireNonNull(bid, "bid");
            java.util.Objects.requireNonNull(manifest, "manifest");
            checkTimeout("bidTimeout", bid);
            checkTimeout("manifestTimeout", manifest);
        }
    }

    /** The shortest wait a timeout may set: a block or two of a devnet. */
    public static final java.time.Duration MIN_TIMEOUT = java.time.Duration.ofSeconds(1);

    /** The longest: a day, past which capacity held for nobody is a configuration mistake. */
    public static final java.time.Duration MAX_TIMEOUT = java.time.Duration.ofHours(24);

    private static void checkTimeout(String name, java.time.Duration d) {
        if (d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be from 1s to 24h, got " + Durations.shown(d));
        }
    }

    /** Where leases run: local processes from the image table, or OCI containers on a container engine. */
    public enum Runtime {
        PROCESS,
        CONTAINER,
        KUBERNETES
    }

    /** This configuration with {@code allowProcessRuntime} set (ProviderMain's {@code --allow-process-runtime}). */
    public ProviderConfig allowingProcessRuntime() {
        return with(runtime, containerEngine, true);
    }

    /** This configuration with leases run by {@code runtime}, on {@code engine} for containers (a devnet's choice). */
    public ProviderConfig withRuntime(
            Runtime runtime, java.util.Optional<dev.vyoma.provider.runtime.container.EngineAddress> engine) {
        return with(runtime, engine, allowProcessRuntime);
    }

    /**
     * This configuration with the nodes read from a cluster ({@code runtime: kubernetes}), and the persistent
     * storage pools of the SDL classes the cluster has a storage class for.
     */
    public ProviderConfig withClusterInventory(List<Inventory.NodeSpec> clusterNodes, Set<String> classes) {
        Map<String, Long> pools = new TreeMap<>(persistentStorage);
        pools.keySet().retainAll(classes);
        return with(runtime, containerEngine, allowProcessRuntime, clusterNodes, pools);
    }

    private ProviderConfig with(
            Runtime runtime,
            java.util.Optional<dev.vyoma.provider.runtime.container.EngineAddress> engine,
            boolean allowProcessRuntime) {
        return with(runtime, engine, allowProcessRuntime, nodes, persistentStorage);
    }

    /** This configuration with its runtime settings and inventory replaced, everything else as read. */
    private ProviderConfig with(
            Runtime runtime,
            java.util.Optional<dev.vyoma.provider.runtime.container.EngineAddress> engine,
            boolean allowProcessRuntime,
            List<Inventory.NodeSpec> nodes,
            Map<String, Long> persistentStorage) {
        return new ProviderConfig(
                node,
                key,
                keyringBackend,
                host,
                attributes,
                email,
                website,
                bidDeposit,
                withdrawEverySeconds,
                nodes,
                persistentStorage,
                prices,
                gateway,
                ingress,
                ingressDomain,
                images,
                inventorySource,
                runtime,
                engine,
                allowProcessRuntime,
                containerGpus,
                containerStopGrace,
                timeouts,
                kubernetes);
    }

    /** Reads and checks a configuration file. */
    public static ProviderConfig read(Path file) throws IOException {
        Object tree;
        try {
            tree = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    file + " is not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(tree instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(
                    file + ": expected a mapping with node, key, host, inventory and pricing");
        }
        Fields f = new Fields(file.toString(), root);
        List<Attribute> attributes = new ArrayList<>();
        for (Map.Entry<String, Object> a : f.map("attributes", false).entrySet()) {
            attributes.add(new Attribute(a.getKey(), String.valueOf(a.getValue())));
        }
        Map<String, Object> info = f.map("info", false);
        Runtime runtime = runtime(f);
        // With Kubernetes the nodes are the cluster's: inventory then declares persistent storage pools only.
        boolean cluster = runtime == Runtime.KUBERNETES;
        Fields inv = cluster && f.raw("inventory") == null
                ? new Fields(file + ": inventory", Map.of())
                : f.child("inventory");
        if (cluster && inv.raw("nodes") != null) {
            throw new IllegalArgumentException(file + ": with runtime: kubernetes the nodes are read from the cluster;"
                    + " remove inventory.nodes");
        }
        if (!cluster && f.raw("kubernetes") != null) {
            throw new IllegalArgumentException(file + ": kubernetes settings are read only with runtime: kubernetes");
        }
        List<Inventory.NodeSpec> nodes = new ArrayList<>();
        List<Object> nodeList = cluster ? List.of() : inv.list("nodes");
        boolean discovered = false;
        for (int i = 0; i < nodeList.size(); i++) {
            Fields n = inv.child("nodes[" + i + "]", nodeList.get(i));
            discovered |= "nvidia-smi".equals(n.raw("gpus"));
            nodes.add(node(n));
        }
        if (nodes.isEmpty() && !cluster) {
            throw new IllegalArgumentException(file + ": inventory.nodes must list at least one node");
        }
        Map<String, Long> pools = new TreeMap<>();
        for (Map.Entry<String, Object> p : inv.map("persistentStorage", false).entrySet()) {
            pools.put(p.getKey(), inv.size("persistentStorage." + p.getKey(), String.valueOf(p.getValue())));
        }
        Fields pr = f.child("pricing");
        Map<String, BigDecimal> storage = new LinkedHashMap<>();
        for (Map.Entry<String, Object> s : pr.map("storageGi", false).entrySet()) {
            storage.put(s.getKey(), pr.decimal("storageGi." + s.getKey(), s.getValue()));
        }
        Map<String, BigDecimal> gpu = new LinkedHashMap<>();
        for (Map.Entry<String, Object> g : pr.map("gpu", false).entrySet()) {
            gpu.put(g.getKey().toLowerCase(java.util.Locale.ROOT), pr.decimal("gpu." + g.getKey(), g.getValue()));
        }
        PriceList prices = new PriceList(
                pr.text("denom"),
                pr.decimal("cpu", pr.raw("cpu")),
                pr.decimal("memoryGi", pr.raw("memoryGi")),
                storage,
                gpu,
                pr.raw("endpoint") == null ? BigDecimal.ZERO : pr.decimal("endpoint", pr.raw("endpoint")));
        Coin deposit;
        try {
            deposit = Coin.parse(f.optionalText("bidDeposit", "500000uvyo"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": bidDeposit: " + e.getMessage());
        }
        return new ProviderConfig(
                f.text("node"),
                f.text("key"),
                f.optionalText("keyringBackend", "file"),
                host(f),
                attributes,
                info.get("email") == null ? "" : info.get("email").toString(),
                info.get("website") == null ? "" : info.get("website").toString(),
                deposit,
                Long.parseLong(f.optionalText("withdrawEverySeconds", "600")),
                nodes,
                pools,
                prices,
                f.optionalText("gateway", "127.0.0.1:8443"),
                f.optionalText("ingress", "127.0.0.1:8080"),
                f.optionalText("ingressDomain", "localhost"),
                images(f),
                cluster ? "cluster" : discovered ? "discovered" : "declared",
                runtime,
                containerEngine(f),
                f.bool("allowProcessRuntime"),
                gpuCdi(f, nodes),
                containerStopGrace(f),
                timeouts(f),
                cluster
                        ? dev.vyoma.provider.runtime.kubernetes.KubernetesSettings.parse(
                                f.raw("kubernetes"), file.toString(), f.optionalText("ingressDomain", "localhost"))
                        : null);
    }

    /** {@code containerStopGrace}: a duration in whole seconds, {@code 0s} to {@code 60s}; 10s if absent. */
    private static java.time.Duration containerStopGrace(Fields f) {
        java.time.Duration grace = timeout(
                f, "containerStopGrace", dev.vyoma.provider.runtime.container.ContainerRuntime.Settings.STOP_GRACE);
        try {
            dev.vyoma.provider.runtime.container.ContainerRuntime.Settings.checkStopGrace(grace);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.where + ": containerStopGrace: " + e.getMessage());
        }
        return grace;
    }

    /** {@code bidTimeout} and {@code manifestTimeout}, durations such as {@code 90s}, {@code 5m} or {@code 1h30m}. */
    private static Timeouts timeouts(Fields f) {
        java.time.Duration bid = timeout(f, "bidTimeout", Timeouts.DEFAULT.bid());
        java.time.Duration manifest = timeout(f, "manifestTimeout", Timeouts.DEFAULT.manifest());
        try {
            return new Timeouts(bid, manifest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.where + ": " + e.getMessage());
        }
    }

    private static java.time.Duration timeout(Fields f, String name, java.time.Duration otherwise) {
        Object v = f.raw(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Durations.parse(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.where + ": " + name + ": " + e.getMessage());
        }
    }

    /**
     * {@code gpuCdi: {kind: K, devices: [D, ...]}}: the CDI names the container runtime hands the inventory's GPUs
     * over by, {@code K=D} in the inventory's order (default kind {@code nvidia.com/gpu}, devices the indexes 0, 1,
     * ... as {@code nvidia-ctk cdi generate} names them; a UUID such as {@code GPU-…} works too).
     */
    private static dev.vyoma.provider.runtime.container.GpuPool gpuCdi(Fields f, List<Inventory.NodeSpec> nodes) {
        List<GpuDevice> gpus = new ArrayList<>();
        nodes.forEach(n -> gpus.addAll(n.gpus()));
        Fields c = f.raw("gpuCdi") == null ? new Fields(f.where + ": gpuCdi", Map.of()) : f.child("gpuCdi");
        List<String> devices = new ArrayList<>();
        if (c.raw("devices") != null) {
            c.list("devices").forEach(d -> devices.add(String.valueOf(d)));
        }
        try {
            return dev.vyoma.provider.runtime.container.GpuPool.of(
                    c.optionalText("kind", dev.vyoma.provider.runtime.container.GpuPool.NVIDIA_KIND), gpus, devices);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.where + ": gpuCdi: " + e.getMessage());
        }
    }

    /**
     * {@code host: auto} or the gateway's public address as the chain holds it, {@code https://host[:port]} in its
     * one spelling: checked here so that a provider with a bad host stops at once with the spelling to use.
     */
    private static String host(Fields f) {
        String host = f.text("host");
        if (host.equals("auto")) {
            return host;
        }
        try {
            return dev.vyoma.ledger.provider.HostUri.parse(host).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.where + ": host: " + e.getMessage());
        }
    }

    /** {@code runtime: process|container|kubernetes}; process if absent. */
    private static Runtime runtime(Fields f) {
        String r = f.optionalText("runtime", "process");
        return switch (r) {
            case "process" -> Runtime.PROCESS;
            case "container" -> Runtime.CONTAINER;
            case "kubernetes" -> Runtime.KUBERNETES;
            default ->
                throw new IllegalArgumentException(f.where + ": runtime must be process or container, got " + r
                        + " (or kubernetes, to run leases on a cluster)");
        };
    }

    /** {@code containerEngine: unix:///PATH}; empty if absent (the runtime then finds the engine itself). */
    private static java.util.Optional<dev.vyoma.provider.runtime.container.EngineAddress> containerEngine(Fields f) {
        if (f.raw("containerEngine") == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(
                    dev.vyoma.provider.runtime.container.EngineAddress.parse(f.text("containerEngine")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.where + ": containerEngine: " + e.getMessage());
        }
    }

    /**
     * {@code images: [{match: GLOB, builtin: static-web} | {match: GLOB, command: [...]} | {match: GLOB, java: CLASS,
     * args: [...]}]}; the defaults if absent.
     */
    private static List<dev.vyoma.provider.runtime.ImageTable.Entry> images(Fields f) {
        if (f.raw("images") == null) {
            return List.of(
                    new dev.vyoma.provider.runtime.ImageTable.Entry("nginx*", "static-web", null),
                    new dev.vyoma.provider.runtime.ImageTable.Entry("httpd*", "static-web", null));
        }
        List<dev.vyoma.provider.runtime.ImageTable.Entry> out = new ArrayList<>();
        List<Object> list = f.list("images");
        for (int i = 0; i < list.size(); i++) {
            Fields e = f.child("images[" + i + "]", list.get(i));
            List<String> command = new ArrayList<>();
            String listed = e.raw("java") != null ? "args" : "command";
            if (e.raw(listed) != null) {
                for (Object c : e.list(listed)) {
                    command.add(String.valueOf(c));
                }
            }
            List<String> env = new ArrayList<>();
            if (e.raw("env") != null) {
                for (Object v : e.list("env")) {
                    env.add(String.valueOf(v));
                }
            }
            try {
                out.add(new dev.vyoma.provider.runtime.ImageTable.Entry(
                        e.text("match"),
                        e.raw("builtin") == null ? null : String.valueOf(e.raw("builtin")),
                        command,
                        e.raw("java") == null ? null : String.valueOf(e.raw("java")),
                        env));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(e.where + ": " + ex.getMessage());
            }
        }
        return out;
    }

    private static Inventory.NodeSpec node(Fields n) {
        List<GpuDevice> gpus = new ArrayList<>();
        Object g = n.raw("gpus");
        if ("nvidia-smi".equals(g)) {
            try {
                gpus.addAll(dev.vyoma.provider.bid.GpuDiscovery.discover());
            } catch (IOException e) {
                throw new IllegalArgumentException(n.where + ".gpus: " + e.getMessage());
            }
        } else if (g != null) {
            Fields gf = n.child("gpus", g);
            int count = Integer.parseInt(gf.text("count"));
            long ram = gf.size("gpus.ram", gf.text("ram"));
            for (int i = 0; i < count; i++) {
                gpus.add(new GpuDevice(gf.text("vendor"), gf.text("model"), ram, gf.optionalText("interface", "pcie")));
            }
        }
        Set<String> persistent = new LinkedHashSet<>();
        for (Object p : n.raw("persistent") == null ? List.of() : n.list("persistent")) {
            persistent.add(String.valueOf(p));
        }
        long cpu;
        try {
            cpu = QuantityParser.cpuMillis(n.text("cpu"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(n.where + ".cpu: " + e.getMessage());
        }
        return new Inventory.NodeSpec(
                n.text("name"),
                cpu,
                n.size("memory", n.text("memory")),
                n.size("storage", n.text("storage")),
                gpus,
                persistent);
    }

    /**
     * The attributes the provider publishes: its own, plus the capabilities bidders are matched on: one key
     * per GPU model, model+ram and model+ram+interface, the ram storage class, and each persistent class.
     */
    public List<Attribute> publishedAttributes() {
        Set<Attribute> out = new LinkedHashSet<>(attributes);
        for (Inventory.NodeSpec n : nodes) {
            for (GpuDevice d : n.gpus()) {
                String base = "capabilities/gpu/vendor/" + d.vendor() + "/model/" + d.model();
                out.add(new Attribute(base, "true"));
                out.add(new Attribute(base + "/ram/" + d.ram(), "true"));
                out.add(new Attribute(base + "/ram/" + d.ram() + "/interface/" + d.iface(), "true"));
            }
        }
        int i = 1;
        out.add(new Attribute("capabilities/storage/" + i + "/class", "ram"));
        out.add(new Attribute("capabilities/storage/" + i + "/persistent", "false"));
        for (String cls : persistentStorage.keySet()) {
            i++;
            out.add(new Attribute("capabilities/storage/" + i + "/class", cls));
            out.add(new Attribute("capabilities/storage/" + i + "/persistent", "true"));
        }
        return new ArrayList<>(out);
    }

    /** A mapping with field-named errors. */
    private static final class Fields {
        final String where;
        final Map<?, ?> m;

        Fields(String where, Map<?, ?> m) {
            this.where = where;
            this.m = m;
        }

        Object raw(String name) {
            return m.get(name);
        }

        Fields child(String name) {
            return child(name, m.get(name));
        }

        Fields child(String name, Object value) {
            if (!(value instanceof Map<?, ?> c)) {
                throw new IllegalArgumentException(where + ": " + name + " must be a mapping");
            }
            return new Fields(where + ": " + name, c);
        }

        String text(String name) {
            Object v = m.get(name);
            if (v == null || v.toString().isBlank()) {
                throw new IllegalArgumentException(where + ": " + name + " is required");
            }
            return v.toString();
        }

        /** A true/false field, false when absent. */
        boolean bool(String name) {
            Object v = m.get(name);
            if (v == null || v instanceof Boolean) {
                return Boolean.TRUE.equals(v);
            }
            throw new IllegalArgumentException(where + ": " + name + " is true or false, got " + v);
        }

        String optionalText(String name, String otherwise) {
            Object v = m.get(name);
            return v == null ? otherwise : v.toString();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String name, boolean required) {
            Object v = m.get(name);
            if (v == null && !required) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?> c)) {
                throw new IllegalArgumentException(where + ": " + name + " must be a mapping");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            c.forEach((k, val) -> out.put(String.valueOf(k), val));
            return out;
        }

        List<Object> list(String name) {
            Object v = m.get(name);
            if (!(v instanceof List<?> l)) {
                throw new IllegalArgumentException(where + ": " + name + " must be a list");
            }
            return new ArrayList<>(l);
        }

        long size(String name, String text) {
            try {
                return QuantityParser.bytes(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "." + name + ": " + e.getMessage());
            }
        }

        BigDecimal decimal(String name, Object value) {
            if (value == null) {
                throw new IllegalArgumentException(where + ": " + name + " is required");
            }
            try {
                BigDecimal d = new BigDecimal(value.toString());
                if (d.signum() < 0) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": " + name + " must be a price of 0 or more, got " + value);
            }
        }
    }
}
