package dev.vyoma.stats.capacity;

import dev.vyoma.ledger.crypto.Address;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One poll of a provider's status endpoint: its capacity when it answered ({@code ok}), or why it did not.
 * CPU in millicores, memory and storage in bytes (storage summed over classes), GPUs per model; each as total,
 * allocatable, allocated to leases and reserved by open bids.
 */
public record CapacitySnapshot(
        Address provider,
        long timeMillis,
        boolean ok,
        String error,
        String inventory,
        long activeLeases,
        Resource cpu,
        Resource memory,
        Resource storage,
        List<GpuModel> gpus) {
    /**
     * Amounts of one resource: total, allocatable (what the provider offers), allocated (to leases) and reserved
     * (promised to open bids, not yet leased: Akash's "pending").
     */
    public record Resource(long total, long allocatable, long allocated, long reserved) {
        public static final Resource NONE = new Resource(0, 0, 0, 0);

        /** A resource with nothing reserved. */
        public Resource(long total, long allocatable, long allocated) {
            this(total, allocatable, allocated, 0);
        }

        Resource plus(Resource o) {
            return new Resource(
                    Math.addExact(total, o.total),
                    Math.addExact(allocatable, o.allocatable),
                    Math.addExact(allocated, o.allocated),
                    Math.addExact(reserved, o.reserved));
        }
    }

    /** GPUs of one model: vendor, model, VRAM, interface, and the counts. */
    public record GpuModel(String vendor, String model, String vram, String iface, Resource count) {
        public GpuModel {
            Objects.requireNonNull(vendor, "vendor");
            Objects.requireNonNull(model, "model");
            vram = vram == null ? "" : vram;
            iface = iface == null ? "" : iface;
        }
    }

    public CapacitySnapshot {
        Objects.requireNonNull(provider, "provider");
        gpus = List.copyOf(gpus);
    }

    /** Most characters of a failed poll's error kept (an exception's message may carry a whole response). */
    public static final int MAX_ERROR_CHARS = 500;

    /** A poll that failed; {@code error} on one line (control characters as spaces), cut to {@link #MAX_ERROR_CHARS}. */
    public static CapacitySnapshot failed(Address provider, long timeMillis, String error) {
        String e = String.valueOf(error)
                .codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        if (e.length() > MAX_ERROR_CHARS) {
            e = e.substring(0, MAX_ERROR_CHARS - 1) + "…";
        }
        return new CapacitySnapshot(
                provider, timeMillis, false, e, null, 0, Resource.NONE, Resource.NONE, Resource.NONE, List.of());
    }

    /**
     * Reads the gateway's {@code GET /v1/status} answer: {@code {"provider", "inventory", "activeLeases", "cpu":
     * {"total", "allocatable", "allocated", "reserved"}, "memory": {…}, "storage": {"<class>": {…}}, "gpus":
     * [{"vendor", "model", "vram", "interface", "total", "allocatable", "allocated", "reserved"}]}}. Every count and
     * amount is a whole number from 0 that fits a {@code long} (an {@link IllegalArgumentException} says which is not);
     * {@code reserved} (capacity promised to open bids) and {@code activeLeases} read as 0 where a provider does not
     * report them.
     */
    public static CapacitySnapshot fromStatus(Address provider, long timeMillis, JsonNode n) {
        Resource storage = Resource.NONE;
        for (JsonNode cls : n.path("storage")) {
            try {
                storage = storage.plus(resource(cls, "storage class"));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the storage classes add up to more than " + Long.MAX_VALUE);
            }
        }
        List<GpuModel> gpus = new java.util.ArrayList<>();
        for (JsonNode g : n.path("gpus")) {
            gpus.add(new GpuModel(
                    text(g, "vendor"),
                    text(g, "model"),
                    g.path("vram").asString(""),
                    g.path("interface").asString(""),
                    resource(g, "gpu")));
        }
        return new CapacitySnapshot(
                provider,
                timeMillis,
                true,
                null,
                n.path("inventory").asString(""),
                // A count like the amounts: a negative one would be subtracted from the network's totals.
                n.has("activeLeases") ? number(n, "activeLeases", "status") : 0,
                resource(n.path("cpu"), "cpu"),
                resource(n.path("memory"), "memory"),
                storage,
                gpus);
    }

    private static Resource resource(JsonNode n, String what) {
        return new Resource(
                number(n, "total", what),
                number(n, "allocatable", what),
                number(n, "allocated", what),
                n.has("reserved") ? number(n, "reserved", what) : 0);
    }

    private static long number(JsonNode n, String field, String what) {
        JsonNode v = n.path(field);
        // canConvertToLong first: Jackson's asLong() throws its own exception on a number past 64 bits.
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException(what + "." + field + " is not a whole number from 0: " + v);
        }
        return v.asLong();
    }

    private static String text(JsonNode n, String field) {
        String s = n.path(field).asString("");
        if (s.isEmpty()) {
            throw new IllegalArgumentException("a GPU has no " + field);
        }
        return s;
    }
}
