package dev.vyoma.sdl.read;

import dev.vyoma.sdl.SdlLimits;
import dev.vyoma.sdl.SdlVersion;
import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ManifestNames;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.read.SdlInput.ComputeProfile;
import dev.vyoma.sdl.read.SdlInput.DeploymentEntry;
import dev.vyoma.sdl.read.SdlInput.EndpointDecl;
import dev.vyoma.sdl.read.SdlInput.Expose;
import dev.vyoma.sdl.read.SdlInput.PlacementProfile;
import dev.vyoma.sdl.read.SdlInput.Price;
import dev.vyoma.sdl.read.SdlInput.Service;
import dev.vyoma.sdl.read.SdlInput.StorageMount;
import dev.vyoma.sdl.read.SdlInput.Text;
import dev.vyoma.sdl.read.SdlInput.To;
import dev.vyoma.sdl.read.SdlInput.VolumeIn;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every rule Akash applies after decoding, checked on the decoded input so that each error can name its
 * field: references between deployment, services and profiles (its parser's {@code validate}), what its
 * group builder rejects (protocols, http_options, TEE), the chain's limits on group specs, and the
 * manifest rules a provider enforces. Unlike Akash, which stops at the first, all errors are reported.
 */
final class InputValidator {
    static final Pattern ENDPOINT_NAME = Pattern.compile("^[a-z]+[a-z\\-_0-9]+$");
    // The same rules as a provider applies to the manifest: one definition for both.
    static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    static final Pattern DENOM = Pattern.compile("^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$");

    static final long MIN_CPU_MILLIS = 10;
    static final long MAX_CPU_MILLIS = 384_000;
    static final long MAX_GPU_UNITS = 24;
    static final long MIN_MEMORY_BYTES = Quantities.MI;
    static final long MAX_MEMORY_BYTES = 2 * Quantities.TI;
    static final long MIN_STORAGE_BYTES = 5 * Quantities.MI;
    static final long MAX_STORAGE_BYTES = 32 * Quantities.TI;
    static final BigDecimal MAX_UNIT_PRICE = BigDecimal.valueOf(10_000_000);
    /** Akash bounds group totals by the per-replica maximum times 50. */
    static final long GROUP_TOTAL_FACTOR = 50;

    private final SdlInput in;
    private final Problems problems;
    private final SdlLimits limits;

    InputValidator(SdlInput in, Problems problems, SdlLimits limits) {
        this.in = in;
        this.problems = problems;
        this.limits = limits;
    }

    void validate() {
        endpointDeclarations();
        if (in.deployment().isEmpty()) {
            problems.error(
                    in.deploymentLoc(),
                    "deployment is missing or empty; say which service runs where, e.g. deployment: {web: {dcloud: {profile: web, count: 1}}}");
        }
        Set<String> endpointsUsed = new HashSet<>();
        Map<String, String> ipPortsUsed = new HashMap<>();
        Set<String> hosts = new HashSet<>();
        Set<String> checkedProfiles = new HashSet<>();
        Set<String> checkedServices = new HashSet<>();
        Map<String, Group> groups = new LinkedHashMap<>();
        int globalExposes = 0;

        for (Map<String, DeploymentEntry> placements : in.deployment().values()) {
            for (DeploymentEntry d : placements.values()) {
                Service svc = in.services().get(d.service());
                ComputeProfile compute = d.profile() == null
                        ? null
                        : in.compute().get(d.profile().value());
                PlacementProfile placement = in.placement().get(d.placement());
                references(d, svc, compute, placement);
                count(d);
                if (compute != null && checkedProfiles.add(compute.name())) {
                    chainLimits(compute);
                }
                if (svc == null) {
                    continue;
                }
                if (checkedServices.add(svc.name())) {
                    service(svc);
                }
                for (Expose e : svc.expose()) {
                    globalExposes += exposeOf(svc, e, endpointsUsed, ipPortsUsed, hosts);
                }
                if (compute != null) {
                    storage(svc, compute);
                }
                Group g = groups.computeIfAbsent(d.placement(), name -> new Group(name, d.loc()));
                g.add(
                        d,
                        svc,
                        compute,
                        placement == null || d.profile() == null
                                ? null
                                : placement.pricing().get(d.profile().value()));
            }
        }
        for (EndpointDecl e : in.endpoints().values()) {
            if (!endpointsUsed.contains(e.name())) {
                problems.error(
                        e.loc(),
                        "endpoint \"" + e.name() + "\" is declared but never used; use it in an expose's to: [{ip: "
                                + e.name() + ", global: true}] or remove it");
            }
        }
        groups(groups);
        if (!in.deployment().isEmpty() && globalExposes == 0 && !problems.hasErrors()) {
            problems.error(
                    in.servicesLoc(),
                    "no service is exposed to the internet; add to: [{global: true}] to at least one expose entry");
        }
        for (Service svc : in.services().values()) {
            if (!in.deployment().containsKey(svc.name())) {
                problems.warning(
                        svc.loc(), "service \"" + svc.name() + "\" is not in deployment, so it is not deployed");
            }
        }
    }

    private void endpointDeclarations() {
        for (EndpointDecl e : in.endpoints().values()) {
            if (!ENDPOINT_NAME.matcher(e.name()).matches()) {
                problems.error(
                        e.loc(),
                        "endpoint name \"" + e.name()
                                + "\" is not valid; use at least two characters, lowercase letters first, then letters, digits, - or _");
            }
            if (e.kind().value().isEmpty()) {
                problems.error(e.loc(), "endpoint \"" + e.name() + "\" has no kind; add kind: ip");
            } else if (!e.kind().value().equals("ip")) {
                problems.error(
                        e.kind().loc(), "unknown endpoint kind \"" + e.kind().value() + "\"; the only kind is ip");
            }
        }
    }

    private void references(DeploymentEntry d, Service svc, ComputeProfile compute, PlacementProfile placement) {
        if (svc == null && !in.failed("services." + d.service())) {
            problems.error(d.loc(), "no service named \"" + d.service() + "\" under services");
        }
        if (d.profile() != null
                && compute == null
                && !d.profile().value().isEmpty()
                && !in.failed("profiles.compute." + d.profile().value())) {
            problems.error(
                    d.profile().loc(),
                    "no compute profile named \"" + d.profile().value() + "\" under profiles.compute");
        } else if (d.profile() != null && d.profile().value().isEmpty()) {
            problems.error(d.profile().loc(), "profile is empty; name a compute profile from profiles.compute");
        }
        if (placement == null && in.failed("profiles.placement." + d.placement())) {
            return;
        }
        if (placement == null) {
            problems.error(d.loc(), "no placement profile named \"" + d.placement() + "\" under profiles.placement");
        } else if (d.profile() != null
                && compute != null
                && !placement.pricedProfiles().contains(d.profile().value())) {
            problems.error(
                    placement.loc(),
                    "no pricing for compute profile \"" + d.profile().value() + "\"; add pricing: {"
                            + d.profile().value() + ": {denom: uusd, amount: 1000}}");
        }
    }

    private void count(DeploymentEntry d) {
        if (d.count() == null) {
            return;
        }
        if (d.count() < 1) {
            problems.error(d.countLoc(), "count must be at least 1, got " + d.count());
        } else if (d.count() > limits.maxCount()) {
            problems.error(d.countLoc(), "count must be at most " + limits.maxCount() + " replicas, got " + d.count());
        }
    }

    private void chainLimits(ComputeProfile c) {
        if (c.cpuMillis() != null && (c.cpuMillis() < MIN_CPU_MILLIS || c.cpuMillis() > MAX_CPU_MILLIS)) {
            problems.error(
                    c.cpuLoc(), "cpu units must be between 10m (0.01) and 384 cores, got " + c.cpuMillis() + "m");
        }
        if (c.memoryBytes() != null && (c.memoryBytes() < MIN_MEMORY_BYTES || c.memoryBytes() > MAX_MEMORY_BYTES)) {
            problems.error(c.memoryLoc(), "memory size must be between 1Mi and 2Ti, got " + c.memoryBytes() + " bytes");
        }
        if (c.storage() != null) {
            for (VolumeIn v : c.storage()) {
                if (v.bytes() < MIN_STORAGE_BYTES || v.bytes() > MAX_STORAGE_BYTES) {
                    problems.error(
                            v.loc(),
                            "volume \"" + v.name() + "\" size must be between 5Mi and 32Ti, got " + v.bytes()
                                    + " bytes");
                }
            }
        }
        if (c.gpu() != null && c.gpu().units() > MAX_GPU_UNITS) {
            problems.error(
                    c.gpuLoc(),
                    "gpu units must be at most " + MAX_GPU_UNITS + ", got "
                            + c.gpu().units());
        }
        if (c.gpu() != null && c.gpu().units() == 0 && !c.gpu().attributes().isEmpty()) {
            problems.error(
                    c.gpuLoc(),
                    "gpu attributes are given but units is 0; set units: 1 or more, or remove the gpu block");
        }
    }

    private void service(Service svc) {
        if (!ManifestNames.validServiceName(svc.name())) {
            problems.error(
                    svc.loc(),
                    "service name \"" + svc.name()
                            + "\" is not valid; use lowercase letters, digits and -, starting with a letter");
        }
        if (svc.image() != null && svc.image().value().isEmpty()) {
            problems.error(svc.image().loc(), "image is missing; give the container image, e.g. image: nginx:1.27");
        } else if (svc.image() != null && !ManifestNames.validImage(svc.image().value())) {
            problems.error(
                    svc.image().loc(),
                    "image has a space, a control or a non-ASCII character; give the container image, e.g. image:"
                            + " nginx:1.27");
        }
        if (svc.env() != null) {
            for (Text env : svc.env()) {
                int eq = env.value().indexOf('=');
                String name = eq < 0 ? env.value() : env.value().substring(0, eq);
                if (!validEnvName(name)) {
                    problems.error(
                            env.loc(),
                            "\"" + name
                                    + "\" is not a valid environment variable name; write NAME=value with letters, digits, _, - or .");
                }
            }
        }
        if (svc.credentials() != null) {
            var c = svc.credentials();
            if (c.host().isBlank()) {
                problems.error(c.loc(), "credentials need a host (the registry, e.g. docker.io)");
            }
            if (c.username().isBlank()) {
                problems.error(c.loc(), "credentials need a username");
            }
            if (c.password().isBlank()) {
                problems.error(c.loc(), "credentials need a password");
            }
        }
        if (svc.params() != null && svc.params().tee() != null) {
            String tee = svc.params().tee().value();
            if (!tee.isEmpty() && !tee.equals("cpu") && !tee.equals("cpu-gpu")) {
                problems.error(svc.params().tee().loc(), "unsupported tee type \"" + tee + "\"; use cpu or cpu-gpu");
            }
        }
    }

    static boolean validEnvName(String name) {
        return ManifestNames.validEnvName(name);
    }

    /** Checks one expose entry of a deployed service; returns how many global destinations it has. */
    private int exposeOf(
            Service svc, Expose e, Set<String> endpointsUsed, Map<String, String> ipPortsUsed, Set<String> hosts) {
        if (e.port() != null && (e.port() < 1 || e.port() > 65535)) {
            problems.error(e.portLoc(), "port must be 1–65535, got " + e.port());
        }
        if (e.as() != null && e.as() > 65535) {
            problems.error(e.asLoc(), "as must be 1–65535, got " + e.as());
        }
        if (e.proto() != null && Protocol.parse(e.proto().value()).isEmpty()) {
            problems.error(
                    e.proto().loc(), "unsupported protocol \"" + e.proto().value() + "\"; use tcp or udp");
        }
        httpOptions(e);
        int global = 0;
        for (To to : e.to()) {
            if (to.global()) {
                global++;
            }
            if (!to.service().isEmpty() && !ManifestNames.validServiceName(to.service())) {
                problems.error(
                        to.loc(),
                        "to: service is not a service name; use lowercase letters, digits and -, starting with a"
                                + " letter");
            }
            String ip = to.ip().value();
            if (ip.isEmpty()) {
                continue;
            }
            if (!to.global()) {
                problems.error(to.ip().loc(), "an IP endpoint needs global: true in the same destination");
            }
            EndpointDecl decl = in.endpoints().get(ip);
            if (decl == null) {
                problems.error(
                        to.ip().loc(),
                        "no endpoint named \"" + ip + "\"; declare it under endpoints: {" + ip + ": {kind: ip}}");
                continue;
            }
            endpointsUsed.add(ip);
            String key = ip + "-" + (e.as() == null ? 0 : e.as()) + "-"
                    + (e.proto() == null ? "" : e.proto().value());
            String other = ipPortsUsed.putIfAbsent(key, svc.name());
            if (other != null) {
                problems.error(
                        to.ip().loc(),
                        "IP endpoint \"" + ip + "\" port " + (e.as() == null ? 0 : e.as())
                                + " protocol "
                                + (e.proto() == null || e.proto().value().isEmpty()
                                        ? "tcp"
                                        : e.proto().value())
                                + " is already used by service \"" + other + "\"; set a different as: port");
            }
        }
        if (e.accept() != null) {
            // Each destination becomes its own manifest expose carrying the same hosts, and a hostname
            // may appear only once in the whole manifest.
            int copies = Math.max(1, e.to().size());
            for (Text host : e.accept()) {
                String h = host.value();
                if (h.length() > 253 || !DNS1123_SUBDOMAIN.matcher(h).matches()) {
                    problems.error(
                            host.loc(),
                            "\"" + h + "\" is not a valid hostname; use lowercase letters, digits, - and .");
                    continue;
                }
                for (int copy = 0; copy < copies; copy++) {
                    if (!hosts.add(h)) {
                        problems.error(host.loc(), copies > 1 ? repeatedByDestinations(h) : repeated(h));
                        break;
                    }
                }
            }
        }
        return global;
    }

    private static String repeated(String host) {
        return "hostname \"" + host + "\" is accepted twice in the deployment; each hostname may appear once";
    }

    private static String repeatedByDestinations(String host) {
        return "hostname \"" + host + "\" would be repeated for each destination in to:, but a hostname may appear"
                + " once in a deployment; accept it on an expose entry with a single destination";
    }

    private void httpOptions(Expose e) {
        var n = e.http().numbers();
        check(n.get("max_body_size"), HttpOptions.MAX_BODY_SIZE, "max_body_size", "bytes (100 MiB)");
        check(n.get("proxy_buffer_size"), HttpOptions.MAX_PROXY_BUFFER_SIZE, "proxy_buffer_size", "bytes (1 MiB)");
        check(n.get("read_timeout"), HttpOptions.MAX_READ_TIMEOUT_MS, "read_timeout", "ms");
        check(n.get("send_timeout"), HttpOptions.MAX_SEND_TIMEOUT_MS, "send_timeout", "ms");
        if (e.http().nextCases() != null) {
            int size = e.http().nextCases().size();
            for (Text c : e.http().nextCases()) {
                if (!HttpOptions.NEXT_CASES.contains(c.value())) {
                    problems.error(
                            c.loc(),
                            "unknown next case \"" + c.value()
                                    + "\"; use error, timeout, 500, 502, 503, 504, 403, 404, 429 or off");
                } else if (c.value().equals("off") && size != 1) {
                    problems.error(c.loc(), "if 'off' is specified, no other cases may be specified");
                }
            }
        }
    }

    private void check(SdlInput.Num value, long max, String name, String unit) {
        if (value != null && value.value() > max) {
            problems.error(value.loc(), name + " must be at most " + max + " " + unit + ", got " + value.value());
        }
    }

    private void storage(Service svc, ComputeProfile compute) {
        if (compute.storage() == null) {
            return;
        }
        Map<String, VolumeIn> volumes = new HashMap<>();
        for (VolumeIn v : compute.storage()) {
            volumes.put(v.name(), v);
        }
        Map<String, StorageMount> mounts =
                svc.params() == null ? Map.of() : svc.params().storage();
        Map<String, String> mountPoints = new HashMap<>();
        for (StorageMount m : mounts.values()) {
            VolumeIn v = volumes.get(m.volume());
            if (v == null) {
                problems.error(
                        m.loc(),
                        "service \"" + svc.name() + "\" mounts volume \"" + m.volume() + "\" but compute profile \""
                                + compute.name() + "\" has no volume with that name");
                continue;
            }
            String mount = m.mount().value();
            if (!mount.startsWith("/")) {
                problems.error(m.mount().loc(), "mount must be an absolute path such as /data, got \"" + mount + "\"");
                continue;
            }
            String other = mountPoints.putIfAbsent(mount, m.volume());
            if (other != null) {
                problems.error(
                        m.mount().loc(), "mount point " + mount + " is already used by volume \"" + other + "\"");
            }
            if (in.version() == SdlVersion.V2_1 && v.attribute(Volumes.CLASS).equals("ram") && m.readOnly()) {
                problems.error(m.loc(), "readOnly: true is not allowed for a ram volume");
            }
        }
        if (in.version() == SdlVersion.V2_0 && mounts.isEmpty()) {
            for (VolumeIn v : compute.storage()) {
                if (v.attribute(Volumes.PERSISTENT).equals("true")) {
                    problems.error(
                            v.loc(),
                            "persistent volume \"" + v.name() + "\" needs a mount: add services." + svc.name()
                                    + ".params.storage." + v.name() + ".mount: /data");
                }
            }
        }
    }

    private void groups(Map<String, Group> groups) {
        if (groups.size() > limits.maxGroups()) {
            problems.error(
                    in.deploymentLoc(),
                    "uses " + groups.size() + " placements; a deployment may have at most " + limits.maxGroups()
                            + " groups");
        }
        String firstDenom = null;
        for (Group g : groups.values()) {
            g.check(problems, limits, in.version());
            if (g.denom != null) {
                if (firstDenom == null) {
                    firstDenom = g.denom;
                } else if (!firstDenom.equals(g.denom)) {
                    problems.error(
                            g.denomLoc,
                            "every group must be priced in one denomination; found " + firstDenom + " and " + g.denom);
                }
            }
        }
    }

    /** Per-group totals and pricing, as Akash's chain validates a group spec. */
    private static final class Group {
        final String name;
        final Loc loc;
        BigInteger cpu = BigInteger.ZERO;
        BigInteger gpu = BigInteger.ZERO;
        BigInteger memory = BigInteger.ZERO;
        final Set<String> profiles = new LinkedHashSet<>();
        int entries;
        String denom;
        Loc denomLoc;
        String teeType;
        final Map<String, Price> priceOf = new LinkedHashMap<>();
        final Map<Loc, String> teeConflicts = new LinkedHashMap<>();

        Group(String name, Loc loc) {
            this.name = name;
            this.loc = loc;
        }

        void add(DeploymentEntry d, Service svc, ComputeProfile c, Price price) {
            entries++;
            if (d.profile() != null) {
                profiles.add(d.profile().value());
            }
            long count = d.count() == null ? 0 : d.count();
            if (c != null) {
                if (c.cpuMillis() != null) {
                    cpu = cpu.add(BigInteger.valueOf(c.cpuMillis()).multiply(BigInteger.valueOf(count)));
                }
                if (c.gpu() != null) {
                    gpu = gpu.add(BigInteger.valueOf(c.gpu().units()).multiply(BigInteger.valueOf(count)));
                }
                if (c.memoryBytes() != null) {
                    memory = memory.add(BigInteger.valueOf(c.memoryBytes()).multiply(BigInteger.valueOf(count)));
                }
            }
            if (price != null) {
                priceOf.put(d.profile().value(), price);
                if (denom == null) {
                    denom = price.denom();
                    denomLoc = price.denomLoc();
                } else if (!denom.equals(price.denom())) {
                    teeConflicts.put(
                            price.denomLoc(),
                            "a group must be priced in one denomination; found " + denom + " and " + price.denom());
                }
            }
            if (svc.params() != null
                    && svc.params().tee() != null
                    && !svc.params().tee().value().isEmpty()) {
                String tee = svc.params().tee().value();
                boolean hasGpu = c != null && c.gpu() != null && c.gpu().units() > 0;
                if (tee.equals("cpu-gpu") && c != null && c.gpu() != null && !hasGpu) {
                    teeConflicts.put(
                            svc.params().tee().loc(),
                            "tee: cpu-gpu needs GPUs; give compute profile \"" + c.name() + "\" gpu units");
                }
                if (teeType == null) {
                    teeType = tee;
                } else if (!teeType.equals(tee)) {
                    teeConflicts.put(
                            svc.params().tee().loc(),
                            "conflicting tee types in placement \"" + name + "\": " + teeType + " and " + tee);
                }
            }
        }

        void check(Problems problems, SdlLimits limits, SdlVersion version) {
            teeConflicts.forEach(problems::error);
            int units = version == SdlVersion.V2_1 ? profiles.size() : entries;
            if (units > limits.maxUnitsPerGroup()) {
                problems.error(
                        loc,
                        "placement \"" + name + "\" has " + units + " resource units; a group may have at most "
                                + limits.maxUnitsPerGroup());
            }
            if (cpu.compareTo(BigInteger.valueOf(MAX_CPU_MILLIS * GROUP_TOTAL_FACTOR)) > 0) {
                problems.error(
                        loc,
                        "placement \"" + name + "\" asks for " + cpu + "m CPU in total; a group may have at most "
                                + MAX_CPU_MILLIS * GROUP_TOTAL_FACTOR + "m");
            }
            if (gpu.compareTo(BigInteger.valueOf(MAX_GPU_UNITS * GROUP_TOTAL_FACTOR)) > 0) {
                problems.error(
                        loc,
                        "placement \"" + name + "\" asks for " + gpu + " GPUs in total; a group may have at most "
                                + MAX_GPU_UNITS * GROUP_TOTAL_FACTOR);
            }
            if (memory.compareTo(BigInteger.valueOf(MAX_MEMORY_BYTES).multiply(BigInteger.valueOf(GROUP_TOTAL_FACTOR)))
                    > 0) {
                problems.error(
                        loc,
                        "placement \"" + name + "\" asks for " + memory
                                + " bytes of memory in total; a group may have at most 100Ti");
            }
            for (Price p : priceOf.values()) {
                if (!DENOM.matcher(p.denom()).matches()) {
                    problems.error(
                            p.denomLoc(),
                            "\"" + p.denom() + "\" is not a valid denomination; use a coin name such as uusd");
                }
                if (p.amount().compareTo(MAX_UNIT_PRICE) > 0) {
                    problems.error(
                            p.loc(),
                            "price " + p.amount().toPlainString() + " is above the limit of 10000000 per block");
                }
            }
        }
    }
}
