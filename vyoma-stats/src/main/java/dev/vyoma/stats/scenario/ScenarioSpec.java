package dev.vyoma.stats.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A calibrated statistics scenario ({@code format: vyoma-stats-scenario/1}, see examples/scenarios): a market over
 * UTC days from {@code start} to {@code end}, steered day by day to {@link Paths} (GPU capacity, GPUs in use, new
 * leases a day, how long CPU leases run), with providers, GPU models and lease shapes to steer it with, on a chain
 * whose minimum deployment deposit is {@code minDepositUsd} (in uusd, its deposit denomination). Parsed once
 * at the edge: every field is checked and bounded, and an unknown field or a bad value is an error naming its path
 * ({@code gpuModels[1].share}).
 */
public record ScenarioSpec(
        String name,
        LocalDate start,
        LocalDate end,
        long seed,
        int blockMinutes,
        int pollMinutes,
        double pollFailure,
        Providers providers,
        List<GpuModel> gpuModels,
        Paths paths,
        GpuLeases gpuLeases,
        CpuLeases cpuLeases,
        int maxLeaseDays,
        int tenants,
        BigDecimal minDepositUsd) {
    /** The value of {@code format} this reader understands. */
    public static final String FORMAT = "vyoma-stats-scenario/1";

    /** Most days in a scenario (two quarters and a warm-up fit many times). */
    public static final int MAX_DAYS = 400;

    /** Most providers, initial ones and joins together. */
    public static final int MAX_PROVIDERS = 1_000;

    /** Most leases a day (new leases and GPUs in use are bounded by it too). */
    public static final int MAX_PER_DAY = 10_000;

    /** Most GPUs offered at once. */
    public static final int MAX_GPUS = 100_000;

    /** Most tenant accounts. */
    public static final int MAX_TENANTS = 1_000;

    /** Most bytes of a scenario file. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /**
     * Providers: {@code initial} registered at the start, the first {@code gpuProviders} of them with GPUs; one more
     * with GPUs registers on each of {@code joins}. Each draws CPU cores, memory and storage from the ranges (from the
     * seed); during an outage a provider answers no status poll.
     */
    public record Providers(
            int initial,
            int gpuProviders,
            List<LocalDate> joins,
            Range cpuCores,
            Range memoryBytes,
            Range storageBytes,
            List<Outage> outages) {}

    /** The whole numbers from {@code low} to {@code high}, both included. */
    public record Range(long low, long high) {
        public Range {
            if (high < low) {
                throw new IllegalArgumentException("a range's high end " + high + " is below its low end " + low);
            }
        }
    }

    /** Provider {@code provider} (numbered from 1) answers no poll for {@code hours} from {@code from}. */
    public record Outage(int provider, Instant from, int hours) {}

    /**
     * A GPU model: its share of capacity (capacity is added to keep the shares), and the range a provider's price per
     * GPU-hour is drawn from.
     */
    public record GpuModel(String model, double share, BigDecimal minUsdPerHour, BigDecimal maxUsdPerHour) {}

    /** Values on dates, linear in between, constant before the first date and after the last. */
    public record Path(NavigableMap<LocalDate, Double> points) {
        /** The value on {@code day}. */
        public double at(LocalDate day) {
            Map.Entry<LocalDate, Double> lo = points.floorEntry(day);
            Map.Entry<LocalDate, Double> hi = points.ceilingEntry(day);
            if (lo == null) {
                return hi.getValue();
            }
            if (hi == null || lo.getKey().equals(hi.getKey())) {
                return lo.getValue();
            }
            double f = (double) ChronoUnit.DAYS.between(lo.getKey(), day)
                    / ChronoUnit.DAYS.between(lo.getKey(), hi.getKey());
            return lo.getValue() + f * (hi.getValue() - lo.getValue());
        }
    }

    /**
     * The day-by-day targets: GPUs offered at each day's end, GPUs allocated to leases, leases created a day, and the
     * median hours a CPU lease runs.
     */
    public record Paths(Path gpuCapacity, Path gpusInUse, Path newLeasesPerDay, Path cpuLeaseMedianHours) {}

    /**
     * GPU leases: how many GPUs one asks for (with weights), how long it runs (lognormal: median hours and sigma),
     * how many providers bid on each.
     */
    public record GpuLeases(NavigableMap<Integer, Double> gpus, double medianHours, double sigma, int bidders) {}

    /** CPU leases: their shapes and how long they run (lognormal sigma; the median is a path). */
    public record CpuLeases(double sigma, List<CpuShape> shapes) {}

    /** A CPU lease shape: cores (decimal), memory and storage (SDL sizes), its list price and its share. */
    public record CpuShape(String cpu, String memory, String storage, BigDecimal usdPerHour, double share) {}

    /** The days from start to end, both included. */
    public int days() {
        return (int) ChronoUnit.DAYS.between(start, end) + 1;
    }

    /** Reads a scenario; {@code source} names it in errors. */
    public static ScenarioSpec parse(String yaml, String source) {
        if (yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(source + ": larger than " + MAX_FILE_BYTES + " bytes");
        }
        Object root;
        try {
            root = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(
                    source + ": not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Node n = new Node(source, "", root);
        n.allow(
                "format",
                "name",
                "start",
                "end",
                "seed",
                "blockMinutes",
                "pollMinutes",
                "pollFailure",
                "providers",
                "gpuModels",
                "paths",
                "gpuLeases",
                "cpuLeases",
                "maxLeaseDays",
                "tenants",
                "minDepositUsd");
        if (!FORMAT.equals(n.string("format"))) {
            throw n.error("format", "is " + FORMAT + " (this file is for another reader?)");
        }
        LocalDate start = n.date("start");
        LocalDate end = n.date("end");
        if (!end.isAfter(start) || ChronoUnit.DAYS.between(start, end) + 1 > MAX_DAYS) {
            throw n.error("end", "is after start and at most " + MAX_DAYS + " days from it");
        }
        int blockMinutes = n.integer("blockMinutes", 1, 1440);
        if (1440 % blockMinutes != 0) {
            throw n.error("blockMinutes", "divides a day (1, 5, 10, 15, 30, 60, …)");
        }
        int pollMinutes = n.integer("pollMinutes", 5, 1440);
        if (1440 % pollMinutes != 0) {
            throw n.error("pollMinutes", "divides a day");
        }
        Providers providers = providers(n.child("providers"), start, end);
        List<GpuModel> models = new ArrayList<>();
        Node gm = n.child("gpuModels");
        for (int i = 0; i < gm.size(); i++) {
            Node m = gm.at(i);
            m.allow("model", "share", "usdPerHour");
            BigDecimal[] range = m.decimalRange("usdPerHour");
            models.add(new GpuModel(m.name("model"), m.fraction("share"), range[0], range[1]));
        }
        if (models.isEmpty()) {
            throw n.error("gpuModels", "lists at least one model");
        }
        Node p = n.child("paths");
        p.allow("gpuCapacity", "gpusInUse", "newLeasesPerDay", "cpuLeaseMedianHours");
        Paths paths = new Paths(
                p.path("gpuCapacity", MAX_GPUS),
                p.path("gpusInUse", MAX_GPUS),
                p.path("newLeasesPerDay", MAX_PER_DAY),
                p.path("cpuLeaseMedianHours", 24 * 365));
        Node g = n.child("gpuLeases");
        g.allow("gpus", "medianHours", "sigma", "bidders");
        NavigableMap<Integer, Double> gpus = new TreeMap<>();
        Node w = g.child("gpus");
        for (String k : w.keys()) {
            int units;
            try {
                units = Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw w.error(k, "is a number of GPUs (1 to 24)");
            }
            if (units < 1 || units > 24) {
                throw w.error(k, "is a number of GPUs (1 to 24)");
            }
            gpus.put(units, w.fraction(k));
        }
        if (gpus.isEmpty()) {
            throw g.error("gpus", "gives at least one number of GPUs");
        }
        GpuLeases gpuLeases = new GpuLeases(
                gpus, g.real("medianHours", 1, 24 * 365), g.real("sigma", 0, 3), g.integer("bidders", 1, 20));
        Node c = n.child("cpuLeases");
        c.allow("sigma", "shapes");
        List<CpuShape> shapes = new ArrayList<>();
        Node sh = c.child("shapes");
        for (int i = 0; i < sh.size(); i++) {
            Node s = sh.at(i);
            s.allow("cpu", "memory", "storage", "usdPerHour", "share");
            String cpu = s.string("cpu");
            if (!cpu.matches("\\d{1,3}(\\.\\d{1,3})?") || Double.parseDouble(cpu) <= 0) {
                throw s.error("cpu", "is a number of cores such as 0.5 or 4");
            }
            shapes.add(new CpuShape(
                    cpu, s.sdlSize("memory"), s.sdlSize("storage"), s.decimal("usdPerHour"), s.fraction("share")));
        }
        if (shapes.isEmpty()) {
            throw c.error("shapes", "lists at least one shape");
        }
        return new ScenarioSpec(
                n.name("name"),
                start,
                end,
                n.longValue("seed"),
                blockMinutes,
                pollMinutes,
                n.real("pollFailure", 0, 0.5),
                providers,
                List.copyOf(models),
                paths,
                gpuLeases,
                new CpuLeases(c.real("sigma", 0, 3), List.copyOf(shapes)),
                n.integer("maxLeaseDays", 1, 365),
                n.integer("tenants", 1, MAX_TENANTS),
                n.decimal("minDepositUsd"));
    }

    private static Providers providers(Node p, LocalDate start, LocalDate end) {
        p.allow("initial", "gpuProviders", "joins", "cpuCores", "memory", "storage", "outages");
        int initial = p.integer("initial", 1, MAX_PROVIDERS);
        int gpu = p.integer("gpuProviders", 0, initial);
        List<LocalDate> joins = new ArrayList<>();
        Node j = p.child("joins");
        for (int i = 0; i < j.size(); i++) {
            LocalDate d = j.dateAt(i);
            if (d.isBefore(start) || d.isAfter(end)) {
                throw j.error("[" + i + "]", "is a day from start to end");
            }
            joins.add(d);
        }
        if (initial + joins.size() > MAX_PROVIDERS) {
            throw p.error("joins", "makes more than " + MAX_PROVIDERS + " providers");
        }
        Range cores = p.intRange("cpuCores", 1, 100_000);
        Range memory = p.sizeRange("memory");
        Range storage = p.sizeRange("storage");
        List<Outage> outages = new ArrayList<>();
        Node o = p.child("outages");
        for (int i = 0; i < o.size(); i++) {
            Node x = o.at(i);
            x.allow("provider", "from", "hours");
            Instant from;
            try {
                from = Instant.parse(x.string("from"));
            } catch (DateTimeParseException e) {
                throw x.error("from", "is a UTC time such as 2024-11-04T06:00:00Z");
            }
            outages.add(new Outage(
                    x.integer("provider", 1, initial + joins.size()), from, x.integer("hours", 1, 24 * MAX_DAYS)));
        }
        return new Providers(initial, gpu, List.copyOf(joins), cores, memory, storage, List.copyOf(outages));
    }

    /** Bytes of an SDL size ({@code 512Mi}, {@code 2Ti}, {@code 100G}); -1 if it is not one. */
    static long bytes(String size) {
        Map<String, Long> units = new LinkedHashMap<>();
        units.put("Ki", 1L << 10);
        units.put("Mi", 1L << 20);
        units.put("Gi", 1L << 30);
        units.put("Ti", 1L << 40);
        units.put("Pi", 1L << 50);
        units.put("k", 1_000L);
        units.put("M", 1_000_000L);
        units.put("G", 1_000_000_000L);
        units.put("T", 1_000_000_000_000L);
        for (Map.Entry<String, Long> u : units.entrySet()) {
            if (size.endsWith(u.getKey())) {
                try {
                    long v = Long.parseLong(
                            size.substring(0, size.length() - u.getKey().length()));
                    return v > 0 && v <= (1L << 62) / u.getValue() ? v * u.getValue() : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** A place in the YAML tree and its path, with typed, bounded readers whose errors name the path. */
    private record Node(String source, String path, Object value) {
        IllegalArgumentException error(String field, String what) {
            String at = path.isEmpty() ? field : field.startsWith("[") ? path + field : path + "." + field;
            return new IllegalArgumentException(source + ": " + at + " " + what);
        }

        /** The map here, its keys as text (YAML reads {@code 1:} as a number). */
        Map<String, Object> map() {
            if (!(value instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(source + ": " + (path.isEmpty() ? "the file" : path) + " is a map");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }

        void allow(String... fields) {
            Set<String> ok = Set.of(fields);
            for (Object k : map().keySet()) {
                if (!ok.contains(String.valueOf(k))) {
                    throw error(String.valueOf(k), "is not a field here (fields: " + String.join(", ", fields) + ")");
                }
            }
        }

        List<String> keys() {
            List<String> out = new ArrayList<>();
            for (Object k : map().keySet()) {
                out.add(String.valueOf(k));
            }
            return out;
        }

        Object get(String field) {
            Object v = map().get(field);
            if (v == null) {
                throw error(field, "is missing");
            }
            return v;
        }

        Node child(String field) {
            return new Node(source, path.isEmpty() ? field : path + "." + field, get(field));
        }

        int size() {
            if (!(value instanceof List<?> l)) {
                throw new IllegalArgumentException(source + ": " + path + " is a list");
            }
            return l.size();
        }

        String sdlSize(String field) {
            String v = string(field);
            if (bytes(v) <= 0) {
                throw error(field, "is a size such as 512Mi or 20Gi");
            }
            return v;
        }

        Node at(int i) {
            return new Node(source, path + "[" + i + "]", ((List<?>) value).get(i));
        }

        String string(String field) {
            Object v = get(field);
            if (v instanceof Map || v instanceof List) {
                throw error(field, "is a single value");
            }
            return String.valueOf(v);
        }

        String name(String field) {
            String s = string(field);
            if (!s.matches("[a-z0-9][a-z0-9-]{0,63}")) {
                throw error(field, "is lower-case letters, digits and dashes (at most 64)");
            }
            return s;
        }

        LocalDate date(String field) {
            try {
                return LocalDate.parse(string(field));
            } catch (DateTimeParseException e) {
                throw error(field, "is a date such as 2025-01-01");
            }
        }

        LocalDate dateAt(int i) {
            try {
                return LocalDate.parse(String.valueOf(((List<?>) value).get(i)));
            } catch (DateTimeParseException e) {
                throw error("[" + i + "]", "is a date such as 2025-01-01");
            }
        }

        double real(String field, double min, double max) {
            double d;
            try {
                d = Double.parseDouble(string(field));
            } catch (NumberFormatException e) {
                throw error(field, "is a number");
            }
            if (!(d >= min && d <= max)) {
                throw error(field, "is from " + min + " to " + max);
            }
            return d;
        }

        double fraction(String field) {
            return real(field, 0, 1);
        }

        int integer(String field, int min, int max) {
            long v = longValue(field);
            if (v < min || v > max) {
                throw error(field, "is a whole number from " + min + " to " + max);
            }
            return (int) v;
        }

        long longValue(String field) {
            try {
                return Long.parseLong(string(field));
            } catch (NumberFormatException e) {
                throw error(field, "is a whole number");
            }
        }

        BigDecimal decimal(String field) {
            try {
                BigDecimal d = new BigDecimal(string(field));
                if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
                    throw error(field, "is from 0 to 1000000 USD");
                }
                return d;
            } catch (NumberFormatException e) {
                throw error(field, "is a number");
            }
        }

        private List<?> pair(String field) {
            if (!(get(field) instanceof List<?> l) || l.size() != 2) {
                throw error(field, "is a range [low, high]");
            }
            return l;
        }

        BigDecimal[] decimalRange(String field) {
            List<?> l = pair(field);
            try {
                BigDecimal lo = new BigDecimal(String.valueOf(l.get(0)));
                BigDecimal hi = new BigDecimal(String.valueOf(l.get(1)));
                if (lo.signum() <= 0 || hi.compareTo(lo) < 0 || hi.compareTo(BigDecimal.valueOf(10_000)) > 0) {
                    throw error(field, "is a range [low, high] of USD, 0 < low <= high <= 10000");
                }
                return new BigDecimal[] {lo, hi};
            } catch (NumberFormatException e) {
                throw error(field, "is a range [low, high] of numbers");
            }
        }

        Range intRange(String field, int min, int max) {
            List<?> l = pair(field);
            try {
                int lo = Integer.parseInt(String.valueOf(l.get(0)));
                int hi = Integer.parseInt(String.valueOf(l.get(1)));
                if (lo < min || hi < lo || hi > max) {
                    throw error(field, "is a range [low, high] from " + min + " to " + max);
                }
                return new Range(lo, hi);
            } catch (NumberFormatException e) {
                throw error(field, "is a range [low, high] of whole numbers");
            }
        }

        Range sizeRange(String field) {
            List<?> l = pair(field);
            long lo = bytes(String.valueOf(l.get(0)));
            long hi = bytes(String.valueOf(l.get(1)));
            if (lo <= 0 || hi < lo) {
                throw error(field, "is a range [low, high] of sizes such as [256Gi, 2Ti]");
            }
            return new Range(lo, hi);
        }

        Path path(String field, double max) {
            Node p = child(field);
            NavigableMap<LocalDate, Double> points = new TreeMap<>();
            for (String k : p.keys()) {
                LocalDate d;
                try {
                    d = LocalDate.parse(k);
                } catch (DateTimeParseException e) {
                    throw p.error(k, "is a date such as 2025-01-01");
                }
                points.put(d, p.real(k, 0, max));
            }
            if (points.isEmpty()) {
                throw error(field, "gives a value on at least one date");
            }
            return new Path(points);
        }
    }

    /** {@code v} USD as micro-units (10^-6 USD), rounded half-even. */
    static long micro(BigDecimal usd) {
        return usd.movePointRight(6).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }
}
