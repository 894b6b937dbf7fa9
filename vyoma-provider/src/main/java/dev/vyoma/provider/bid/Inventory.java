package dev.vyoma.provider.bid;

import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.Volume;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A provider's capacity and what is taken from it: nodes (CPU, memory, ephemeral storage, GPUs, the persistent
 * storage classes they can mount) and cluster-wide pools of persistent storage per class. An order is fitted
 * as Akash's provider fits it (first fit, greedy): for each resource unit, last first, replicas are placed one
 * at a time on the first node that can take one (CPU, then GPUs, then memory, then each volume); all replicas
 * of a unit get the same GPU model, and where Akash gives up when the model its first replica got cannot take
 * the others, each model that could serve the unit is tried in turn. A fit is a reservation: its capacity is no longer offered to other orders
 * until it is released (the bid lost or closed) or kept for a lease. Thread-safe; nothing is ever
 * overcommitted.
 */
public final class Inventory {
    /** One node as configured or discovered. */
    public record NodeSpec(
            String name,
            long cpuMillis,
            long memoryBytes,
            long ephemeralBytes,
            List<GpuDevice> gpus,
            Set<String> persistentClasses) {
        public NodeSpec {
            Objects.requireNonNull(name, "name");
            gpus = List.copyOf(gpus);
            persistentClasses = Set.copyOf(persistentClasses);
            if (cpuMillis < 0 || memoryBytes < 0 || ephemeralBytes < 0) {
                throw new IllegalArgumentException("node " + name + ": capacities must not be negative");
            }
        }
    }

    /** One replica of a resource unit, placed on a node, with the GPUs it was given. */
    public record Placement(String node, int resourceId, List<GpuDevice> gpus) {}

    /**
     * What an order holds: where each replica goes and, per resource unit with GPUs, the concrete GPU key
     * it was given ({@code vendor/nvidia/model/h100/ram/80Gi/interface/sxm}), which is what gets priced.
     */
    public record Reservation(String order, List<Placement> replicas, Map<Integer, GpuDevice> gpuModels) {
        public Reservation {
            replicas = List.copyOf(replicas);
            gpuModels = Map.copyOf(gpuModels);
        }
    }

    /** The outcome of fitting an order. */
    public sealed interface Fit {}

    public record Reserved(Reservation reservation) implements Fit {}

    public record NoFit(String reason) implements Fit {}

    /** Totals for the provider's status: capacity, what is free, and GPUs by model. */
    public record Status(
            long cpuMillis,
            long cpuFreeMillis,
            long memoryBytes,
            long memoryFreeBytes,
            long ephemeralBytes,
            long ephemeralFreeBytes,
            Map<String, Integer> gpusByModel,
            Map<String, Integer> gpusFreeByModel,
            int reservations) {}

    private static final class NodeState {
        final NodeSpec spec;
        long cpu;
        long memory;
        long ephemeral;
        final boolean[] gpuTaken;
        int gpusFree;

        NodeState(NodeSpec spec) {
            this.spec = spec;
            cpu = spec.cpuMillis();
            memory = spec.memoryBytes();
            ephemeral = spec.ephemeralBytes();
            gpuTaken = new boolean[spec.gpus().size()];
            gpusFree = gpuTaken.length;
        }
    }

    /** What one placed replica took, so that it can be given back exactly: {@code gpus} are indexes on the node. */
    private record Taken(
            int node, long cpu, long memory, long ephemeral, List<Integer> gpus, Map<String, Long> persistent) {}

    private final NodeState[] nodes;
    /** Every distinct kind of GPU (vendor, model, memory, interface) among the nodes, in node order. */
    private final List<GpuDevice> gpuKinds;

    private final Map<String, Long> persistentFree;
    private final Map<String, Long> persistentTotal;
    private final Map<String, List<Taken>> held = new LinkedHashMap<>();
    private final Map<String, Reservation> reservations = new LinkedHashMap<>();
    /** Orders whose reservation became a lease: allocated, where the others are only promised in bids. */
    private final Set<String> leased = new java.util.HashSet<>();

    public Inventory(List<NodeSpec> nodeSpecs, Map<String, Long> persistentPools) {
        if (nodeSpecs.isEmpty()) {
            throw new IllegalArgumentException("an inventory needs at least one node");
        }
        nodes = new NodeState[nodeSpecs.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = new NodeState(nodeSpecs.get(i));
        }
        java.util.LinkedHashSet<GpuDevice> kinds = new java.util.LinkedHashSet<>();
        for (NodeSpec n : nodeSpecs) {
            kinds.addAll(n.gpus());
        }
        gpuKinds = List.copyOf(kinds);
        persistentTotal = Map.copyOf(persistentPools);
        persistentFree = new LinkedHashMap<>(persistentPools);
    }

    /** Fits {@code group} for {@code order} and holds the capacity, or says why it does not fit. */
    public synchronized Fit reserve(String order, GroupSpec group) {
        if (held.containsKey(order)) {
            return new Reserved(reservations.get(order));
        }
        List<Taken> taken = new ArrayList<>();
        List<Placement> placements = new ArrayList<>();
        Map<Integer, GpuDevice> models = new TreeMap<>();
        List<ResourceUnit> units = group.resources();
        for (int u = units.size() - 1; u >= 0; u--) {
            ResourceUnit unit = units.get(u);
            Resources r = unit.resources();
            // Every replica of a unit gets the same GPU model. Akash tries only the model its first replica
            // happens to get; here each model that could serve the unit is tried in turn.
            List<GpuDevice> candidates =
                    r.gpu().units() > 0 ? candidateModels(r) : java.util.Collections.singletonList(null);
            List<Taken> unitTaken = null;
            GpuDevice chosen = null;
            for (GpuDevice model : candidates) {
                unitTaken = placeUnit(unit, model);
                if (unitTaken != null) {
                    chosen = model;
                    break;
                }
            }
            if (unitTaken == null) {
                undo(taken);
                return new NoFit(why(r, unit.count()));
            }
            taken.addAll(unitTaken);
            for (Taken t : unitTaken) {
                List<GpuDevice> gpus = new ArrayList<>();
                for (int g : t.gpus()) {
                    gpus.add(nodes[t.node()].spec.gpus().get(g));
                }
                placements.add(new Placement(nodes[t.node()].spec.name(), r.id(), gpus));
            }
            if (chosen != null) {
                models.put(r.id(), chosen);
            }
        }
        held.put(order, taken);
        Reservation reservation = new Reservation(order, placements, models);
        reservations.put(order, reservation);
        return new Reserved(reservation);
    }

    /** Gives an order's capacity back; false if it held none. */
    public synchronized boolean release(String order) {
        List<Taken> taken = held.remove(order);
        reservations.remove(order);
        leased.remove(order);
        if (taken == null) {
            return false;
        }
        undo(taken);
        return true;
    }

    /** Marks what {@code order} holds as leased (its bid won); false if it holds nothing. */
    public synchronized boolean markLeased(String order) {
        if (!held.containsKey(order)) {
            return false;
        }
        leased.add(order);
        return true;
    }

    /** One resource in a capacity report: what exists, what leases use, what open bids have promised. */
    public record Amount(long total, long allocated, long reserved) {
        /** What can still be offered: neither leased nor promised. */
        public long available() {
            return total - allocated - reserved;
        }
    }

    /** GPUs of one kind in a capacity report. */
    public record GpuAmount(GpuDevice device, Amount amount) {}

    /**
     * The provider's capacity as its status endpoint reports it: CPU (millicores), memory and ephemeral
     * storage (bytes), persistent storage by class (bytes), GPUs by kind, each as total, allocated to leases,
     * and reserved by open bids.
     */
    public record Capacity(
            Amount cpu,
            Amount memory,
            Amount ephemeral,
            Map<String, Amount> persistent,
            List<GpuAmount> gpus,
            int leases,
            int openBids) {}

    /** The capacity report (see {@link Capacity}). */
    public synchronized Capacity capacity() {
        long[] cpu = new long[3], mem = new long[3], eph = new long[3];
        Map<String, long[]> pers = new TreeMap<>();
        Map<GpuDevice, long[]> gpus = new LinkedHashMap<>();
        for (NodeState n : nodes) {
            cpu[0] += n.spec.cpuMillis();
            mem[0] += n.spec.memoryBytes();
            eph[0] += n.spec.ephemeralBytes();
            for (GpuDevice d : n.spec.gpus()) {
                gpus.computeIfAbsent(d, k -> new long[3])[0]++;
            }
        }
        persistentTotal.forEach((cls, total) -> pers.computeIfAbsent(cls, k -> new long[3])[0] = total);
        for (Map.Entry<String, List<Taken>> e : held.entrySet()) {
            int slot = leased.contains(e.getKey()) ? 1 : 2;
            for (Taken t : e.getValue()) {
                cpu[slot] += t.cpu();
                mem[slot] += t.memory();
                eph[slot] += t.ephemeral();
                for (int g : t.gpus()) {
                    gpus.get(nodes[t.node()].spec.gpus().get(g))[slot]++;
                }
                t.persistent().forEach((cls, bytes) -> pers.computeIfAbsent(cls, k -> new long[3])[slot] += bytes);
            }
        }
        Map<String, Amount> persistent = new LinkedHashMap<>();
        pers.forEach((cls, a) -> persistent.put(cls, amount(a)));
        List<GpuAmount> gpuList = new ArrayList<>();
        gpus.forEach((d, a) -> gpuList.add(new GpuAmount(d, amount(a))));
        return new Capacity(
                amount(cpu), amount(mem), amount(eph), persistent, gpuList, leased.size(), held.size() - leased.size());
    }

    private static Amount amount(long[] a) {
        return new Amount(a[0], a[1], a[2]);
    }

    /**
     * What is neither leased nor promised, at one instant: each node with its free CPU, memory, ephemeral storage
     * and free GPUs (in node order), and the free persistent storage per class. An inventory made of it fits an
     * order exactly as this one would now.
     */
    public synchronized Inventory unused() {
        List<NodeSpec> free = new ArrayList<>();
        for (NodeState n : nodes) {
            List<GpuDevice> gpus = new ArrayList<>();
            for (int g = 0; g < n.gpuTaken.length; g++) {
                if (!n.gpuTaken[g]) {
                    gpus.add(n.spec.gpus().get(g));
                }
            }
            free.add(new NodeSpec(n.spec.name(), n.cpu, n.memory, n.ephemeral, gpus, n.spec.persistentClasses()));
        }
        return new Inventory(free, new TreeMap<>(persistentFree));
    }

    /** The nodes as configured (for an unused inventory: what is free on each). */
    public List<NodeSpec> nodes() {
        List<NodeSpec> out = new ArrayList<>();
        for (NodeState n : nodes) {
            out.add(n.spec);
        }
        return out;
    }

    /** Whether {@code order} holds capacity. */
    public synchronized boolean holds(String order) {
        return held.containsKey(order);
    }

    public synchronized Status status() {
        long cpu = 0, cpuFree = 0, mem = 0, memFree = 0, eph = 0, ephFree = 0;
        Map<String, Integer> gpus = new TreeMap<>();
        Map<String, Integer> gpusFree = new TreeMap<>();
        for (NodeState n : nodes) {
            cpu += n.spec.cpuMillis();
            cpuFree += n.cpu;
            mem += n.spec.memoryBytes();
            memFree += n.memory;
            eph += n.spec.ephemeralBytes();
            ephFree += n.ephemeral;
            for (int g = 0; g < n.gpuTaken.length; g++) {
                String model = n.spec.gpus().get(g).vendor() + "/"
                        + n.spec.gpus().get(g).model();
                gpus.merge(model, 1, Integer::sum);
                gpusFree.merge(model, n.gpuTaken[g] ? 0 : 1, Integer::sum);
            }
        }
        return new Status(cpu, cpuFree, mem, memFree, eph, ephFree, gpus, gpusFree, reservations.size());
    }

    /** Places every replica of {@code unit} (GPUs of {@code model} only, if given), first fit; null (nothing taken) if not all fit. */
    private List<Taken> placeUnit(ResourceUnit unit, GpuDevice model) {
        List<Taken> taken = new ArrayList<>();
        int node = 0;
        while (taken.size() < unit.count()) {
            if (node == nodes.length) {
                undo(taken);
                return null;
            }
            Taken t = place(node, unit.resources(), model);
            if (t == null) {
                node++;
            } else {
                taken.add(t);
            }
        }
        return taken;
    }

    /** The kinds of GPU (model, memory, interface) the nodes have that satisfy the unit's request, in node order. */
    private List<GpuDevice> candidateModels(Resources r) {
        List<GpuDevice> out = new ArrayList<>();
        for (GpuDevice d : gpuKinds) {
            if (acceptable(d, r.gpu().attributes(), null)) {
                out.add(d);
            }
        }
        return out;
    }

    /** Places one replica of {@code r} on node {@code i} if it fits whole; null (nothing taken) otherwise. */
    private Taken place(int i, Resources r, GpuDevice sameModelAs) {
        NodeState n = nodes[i];
        int gpuUnits = (int) r.gpu().units();
        long cpu = r.cpu().millicores();
        if (gpuUnits > n.gpusFree || cpu > n.cpu) {
            return null;
        }
        long memory = r.memory().bytes();
        long ephemeral = 0;
        Map<String, Long> persistent = Map.of();
        for (Volume v : r.storage()) {
            String cls = v.attribute("class");
            if (cls.equals("ram")) {
                memory += v.bytes();
            } else if (v.persistent()) {
                if (!n.spec.persistentClasses().contains(cls)) {
                    return null;
                }
                if (persistent.isEmpty()) {
                    persistent = new LinkedHashMap<>();
                }
                persistent.merge(cls, v.bytes(), Long::sum);
            } else {
                ephemeral += v.bytes();
            }
        }
        if (memory > n.memory || ephemeral > n.ephemeral) {
            return null;
        }
        for (Map.Entry<String, Long> p : persistent.entrySet()) {
            if (persistentFree.getOrDefault(p.getKey(), 0L) < p.getValue()) {
                return null;
            }
        }
        int[] gpus = new int[gpuUnits];
        int found = 0;
        for (int g = 0; g < n.gpuTaken.length && found < gpus.length; g++) {
            if (!n.gpuTaken[g] && acceptable(n.spec.gpus().get(g), r.gpu().attributes(), sameModelAs)) {
                gpus[found++] = g;
            }
        }
        if (found < gpus.length) {
            return null;
        }
        n.cpu -= cpu;
        n.memory -= memory;
        n.ephemeral -= ephemeral;
        for (int g : gpus) {
            n.gpuTaken[g] = true;
        }
        n.gpusFree -= gpus.length;
        for (Map.Entry<String, Long> p : persistent.entrySet()) {
            persistentFree.merge(p.getKey(), -p.getValue(), Long::sum);
        }
        return new Taken(i, cpu, memory, ephemeral, Arrays.stream(gpus).boxed().toList(), persistent);
    }

    private static boolean acceptable(GpuDevice d, List<Attribute> requested, GpuDevice sameModelAs) {
        if (sameModelAs != null) {
            return d.equals(sameModelAs);
        }
        if (requested.isEmpty()) {
            return true;
        }
        for (Attribute a : requested) {
            if (d.satisfies(a.key())) {
                return true;
            }
        }
        return false;
    }

    private void undo(List<Taken> taken) {
        for (Taken t : taken) {
            NodeState n = nodes[t.node()];
            n.cpu += t.cpu();
            n.memory += t.memory();
            n.ephemeral += t.ephemeral();
            for (int g : t.gpus()) {
                n.gpuTaken[g] = false;
            }
            n.gpusFree += t.gpus().size();
            for (Map.Entry<String, Long> p : t.persistent().entrySet()) {
                persistentFree.merge(p.getKey(), p.getValue(), Long::sum);
            }
        }
    }

    private static String why(Resources r, int count) {
        String gpu = r.gpu().units() > 0
                ? ", " + r.gpu().units() + " GPU(s) "
                        + r.gpu().attributes().stream().map(Attribute::key).toList()
                : "";
        return "insufficient capacity: " + count + (count == 1 ? " replica" : " replicas") + " of resource unit "
                + r.id()
                + " do not fit ("
                + r.cpu().millicores() + "m CPU, " + r.memory().bytes() + " B memory" + gpu + " each)";
    }

    /** Total persistent storage per class, as configured. */
    public Map<String, Long> persistentTotal() {
        return persistentTotal;
    }
}
