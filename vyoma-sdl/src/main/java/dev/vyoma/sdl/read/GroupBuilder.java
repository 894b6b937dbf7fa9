package dev.vyoma.sdl.read;

import dev.vyoma.sdl.SdlVersion;
import dev.vyoma.sdl.manifest.HttpOptions;
import dev.vyoma.sdl.manifest.ImageCredentials;
import dev.vyoma.sdl.manifest.Manifest;
import dev.vyoma.sdl.manifest.ManifestGroup;
import dev.vyoma.sdl.manifest.ManifestService;
import dev.vyoma.sdl.manifest.Protocol;
import dev.vyoma.sdl.manifest.ServiceExpose;
import dev.vyoma.sdl.manifest.ServiceParams;
import dev.vyoma.sdl.manifest.ServicePermissions;
import dev.vyoma.sdl.manifest.StorageParams;
import dev.vyoma.sdl.manifest.TeeParams;
import dev.vyoma.sdl.read.SdlInput.ComputeProfile;
import dev.vyoma.sdl.read.SdlInput.DeploymentEntry;
import dev.vyoma.sdl.read.SdlInput.Expose;
import dev.vyoma.sdl.read.SdlInput.HttpIn;
import dev.vyoma.sdl.read.SdlInput.PlacementProfile;
import dev.vyoma.sdl.read.SdlInput.Service;
import dev.vyoma.sdl.read.SdlInput.StorageMount;
import dev.vyoma.sdl.read.SdlInput.Text;
import dev.vyoma.sdl.read.SdlInput.To;
import dev.vyoma.sdl.read.SdlInput.VolumeIn;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.Cpu;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.Endpoint;
import dev.vyoma.sdl.spec.EndpointKind;
import dev.vyoma.sdl.spec.GoStrings;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.Memory;
import dev.vyoma.sdl.spec.PlacementRequirements;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds group specs and the manifest from a validated input, in Akash's exact order: services by name,
 * placements by name, one resource unit per service and placement (2.0) or per compute profile within a
 * placement (2.1), exposes sorted and expanded per destination, endpoint sequence numbers assigned with
 * Akash's rule. Every ordering here reaches the manifest hash or the group spec.
 */
final class GroupBuilder {
    private final SdlInput in;

    GroupBuilder(SdlInput in) {
        this.in = in;
    }

    /** Group specs and manifest groups, index-aligned. */
    record Built(List<GroupSpec> groups, Manifest manifest) {}

    Built build() {
        Map<String, Integer> sequence = endpointSequenceNumbers();
        Map<String, GroupState> groups = new TreeMap<>(GoStrings.ORDER);
        for (Map<String, DeploymentEntry> placements : in.deployment().values()) {
            for (DeploymentEntry d : placements.values()) {
                Service svc = in.services().get(d.service());
                ComputeProfile compute = in.compute().get(d.profile().value());
                PlacementProfile placement = in.placement().get(d.placement());
                GroupState g = groups.computeIfAbsent(d.placement(), name -> new GroupState(placement));
                g.tee(svc);
                List<ServiceExpose> exposes = exposes(svc, sequence);
                List<Endpoint> endpoints = endpoints(exposes);
                Resources base = resources(compute);
                int count = d.count().intValue();
                Integer existing = in.version() == SdlVersion.V2_1 ? g.unitByProfile.get(compute.name()) : null;
                int id;
                if (existing == null) {
                    id = g.units.size() + 1;
                    DecCoin price = new DecCoin(
                            placement.pricing().get(compute.name()).denom(),
                            placement.pricing().get(compute.name()).amount());
                    g.units.add(new ResourceUnit(base.with(id, endpoints), count, price));
                    g.unitByProfile.put(compute.name(), g.units.size() - 1);
                } else {
                    ResourceUnit unit = g.units.get(existing);
                    id = unit.resources().id();
                    List<Endpoint> merged = new ArrayList<>(unit.resources().endpoints());
                    merged.addAll(endpoints);
                    insertionSort(merged, Comparator.comparingInt(Endpoint::sequenceNumber));
                    g.units.set(
                            existing,
                            new ResourceUnit(unit.resources().with(id, merged), unit.count() + count, unit.price()));
                }
                g.services.add(new ManifestService(
                        svc.name(),
                        svc.image().value(),
                        svc.command(),
                        svc.args(),
                        svc.env() == null
                                ? null
                                : svc.env().stream().map(Text::value).toList(),
                        base.with(id, endpoints),
                        count,
                        exposes,
                        params(svc),
                        credentials(svc)));
            }
        }
        List<GroupSpec> specs = new ArrayList<>();
        List<ManifestGroup> manifest = new ArrayList<>();
        for (Map.Entry<String, GroupState> e : groups.entrySet()) {
            GroupState g = e.getValue();
            specs.add(new GroupSpec(
                    e.getKey(), new PlacementRequirements(g.placement.signedBy(), g.attributes), g.units));
            List<ManifestService> services = new ArrayList<>(g.services);
            services.sort(Comparator.comparing(ManifestService::name, GoStrings.ORDER));
            manifest.add(new ManifestGroup(e.getKey(), services));
        }
        return new Built(specs, new Manifest(manifest));
    }

    /** A group being built. */
    private static final class GroupState {
        final PlacementProfile placement;
        final List<Attribute> attributes;
        final List<ResourceUnit> units = new ArrayList<>();
        final Map<String, Integer> unitByProfile = new HashMap<>();
        final List<ManifestService> services = new ArrayList<>();
        String teeType;

        GroupState(PlacementProfile placement) {
            this.placement = placement;
            this.attributes = new ArrayList<>(placement.attributes());
        }

        void tee(Service svc) {
            if (svc.params() == null
                    || svc.params().tee() == null
                    || svc.params().tee().value().isEmpty()) {
                return;
            }
            if (teeType == null) {
                teeType = svc.params().tee().value();
                attributes.add(new Attribute("tee/type", teeType));
                insertionSort(attributes, Comparator.naturalOrder());
            }
        }
    }

    /**
     * Akash's sequence numbers for IP endpoints: collect, over deployed services in name order, the
     * {@code ip} of every destination that is not "global without ip" (so non-global destinations add an
     * empty name), sort the names, number them from 1, and give each name the number of its last
     * occurrence.
     */
    private Map<String, Integer> endpointSequenceNumbers() {
        List<String> names = new ArrayList<>();
        for (String svcName : in.deployment().keySet()) {
            Service svc = in.services().get(svcName);
            for (Expose e : svc.expose()) {
                for (To to : e.to()) {
                    if (to.global() && to.ip().value().isEmpty()) {
                        continue;
                    }
                    names.add(to.ip().value());
                }
            }
        }
        names.sort(GoStrings.ORDER);
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), i + 1);
        }
        return out;
    }

    private static List<ServiceExpose> exposes(Service svc, Map<String, Integer> sequence) {
        List<ServiceExpose> out = new ArrayList<>();
        for (Expose e : svc.expose()) {
            Protocol proto = Protocol.parse(e.proto().value()).orElseThrow();
            HttpOptions http = httpOptions(e.http());
            List<String> hosts = e.accept() == null
                    ? null
                    : e.accept().stream().map(Text::value).toList();
            int port = e.port().intValue();
            int as = e.as().intValue();
            if (e.to().isEmpty()) {
                out.add(new ServiceExpose(port, as, proto, "", false, hosts, http, "", 0));
                continue;
            }
            for (To to : e.to()) {
                String ip = to.ip().value();
                int seq = to.global() && !ip.isEmpty() ? sequence.getOrDefault(ip, 0) : 0;
                out.add(new ServiceExpose(port, as, proto, to.service(), to.global(), hosts, http, ip, seq));
            }
        }
        insertionSort(out, GroupBuilder::compareExposes);
        return out;
    }

    /** Akash's expose order: destination service, port, protocol, then global before local. */
    private static int compareExposes(ServiceExpose a, ServiceExpose b) {
        int c = GoStrings.compare(a.service(), b.service());
        if (c != 0) {
            return c;
        }
        if (a.port() != b.port()) {
            return Integer.compare(a.port(), b.port());
        }
        if (a.proto() != b.proto()) {
            return a.proto().name().compareTo(b.proto().name());
        }
        if (a.global() != b.global()) {
            return a.global() ? -1 : 1;
        }
        return 0;
    }

    private static HttpOptions httpOptions(HttpIn h) {
        var n = h.numbers();
        long maxBody = value(n.get("max_body_size"), HttpOptions.DEFAULT_MAX_BODY_SIZE);
        long read = value(n.get("read_timeout"), HttpOptions.DEFAULT_READ_TIMEOUT_MS);
        long send = value(n.get("send_timeout"), HttpOptions.DEFAULT_SEND_TIMEOUT_MS);
        long tries = value(n.get("next_tries"), HttpOptions.DEFAULT_NEXT_TRIES);
        long nextTimeout = n.containsKey("next_timeout") ? n.get("next_timeout").value() : 0;
        long proxy =
                n.containsKey("proxy_buffer_size") ? n.get("proxy_buffer_size").value() : 0;
        List<String> cases = h.nextCases() == null || h.nextCases().isEmpty()
                ? HttpOptions.DEFAULT_NEXT_CASES
                : h.nextCases().stream().map(Text::value).toList();
        return new HttpOptions(maxBody, read, send, tries, nextTimeout, cases, proxy);
    }

    /** A value where 0 or absent means the default. */
    private static long value(SdlInput.Num n, long dflt) {
        return n == null || n.value() == 0 ? dflt : n.value();
    }

    /** Global exposes need endpoints: a leased IP (if any) and an HTTP or random port, by sequence. */
    private static List<Endpoint> endpoints(List<ServiceExpose> exposes) {
        List<Endpoint> out = new ArrayList<>();
        for (ServiceExpose e : exposes) {
            if (!e.global()) {
                continue;
            }
            List<Endpoint> own = new ArrayList<>(2);
            if (!e.ip().isEmpty()) {
                own.add(new Endpoint(EndpointKind.LEASED_IP, e.endpointSequenceNumber()));
            }
            own.add(new Endpoint(e.isIngress() ? EndpointKind.SHARED_HTTP : EndpointKind.RANDOM_PORT, 0));
            insertionSort(own, Comparator.comparingInt(Endpoint::sequenceNumber));
            out.addAll(own);
        }
        return out;
    }

    private static Resources resources(ComputeProfile c) {
        List<Volume> volumes = new ArrayList<>();
        for (VolumeIn v : c.storage()) {
            volumes.add(new Volume(v.name(), v.bytes(), v.attributes()));
        }
        return new Resources(
                0,
                new Cpu(c.cpuMillis(), c.cpuAttributes()),
                new Memory(c.memoryBytes(), List.of()),
                volumes,
                c.gpu(),
                List.of());
    }

    private ServiceParams params(Service svc) {
        var p = svc.params();
        if (p == null) {
            return null;
        }
        List<StorageParams> storage = null;
        if (!p.storage().isEmpty()) {
            storage = new ArrayList<>();
            for (StorageMount m : p.storage().values()) {
                storage.add(new StorageParams(m.volume(), m.mount().value(), m.readOnly()));
            }
        }
        ServicePermissions permissions = p.hasPermissions() ? new ServicePermissions(p.permissionsRead()) : null;
        TeeParams tee = p.tee() == null || p.tee().value().isEmpty()
                ? null
                : new TeeParams(p.tee().value(), true);
        return new ServiceParams(storage, permissions, tee);
    }

    private ImageCredentials credentials(Service svc) {
        var c = svc.credentials();
        if (c == null) {
            return null;
        }
        if (in.version() == SdlVersion.V2_0) {
            return new ImageCredentials(c.host(), "", c.username(), c.password());
        }
        return new ImageCredentials(
                c.host().strip(),
                c.email().strip(),
                c.username().strip(),
                c.password().strip());
    }

    /**
     * Go's insertion sort: stable, and what Go's sort functions do for up to 12 elements. Akash's orders
     * of exposes and endpoints are reproduced with it.
     */
    static <T> void insertionSort(List<T> list, Comparator<? super T> order) {
        for (int i = 1; i < list.size(); i++) {
            for (int j = i; j > 0 && order.compare(list.get(j), list.get(j - 1)) < 0; j--) {
                T t = list.get(j);
                list.set(j, list.get(j - 1));
                list.set(j - 1, t);
            }
        }
    }
}
