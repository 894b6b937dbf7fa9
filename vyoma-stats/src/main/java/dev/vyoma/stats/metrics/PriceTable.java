package dev.vyoma.stats.metrics;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * USD prices the operator supplies for denominations other than {@code uusd}: USD for one whole token (10^6
 * micro-units) on a UTC day, one entry a day as Akash's indexer keeps one price per day. {@code uusd} is always one
 * micro-USD per micro-unit. A day without its own entry is filled by the table's {@link MissingPrice} rule: 0 USD
 * (Akash's, the default) or the latest earlier price; each filled day is reported. The file is CSV, {@code
 * denom,date,usd} (e.g. {@code uvyo,2026-01-01,0.85}), {@code #} comments allowed.
 */
public final class PriceTable {
    /** The denomination counted at face value. */
    public static final String FACE_VALUE_DENOM = "uusd";

    /** One row of the table. */
    public record Entry(String denom, LocalDate day, BigDecimal usdPerToken) {}

    /** What a day without its own price counts as. */
    public enum MissingPrice {
        /** 0 USD, as Akash's indexer counts a day without a price ({@code day.aktPrice ?? 0}). */
        ZERO("zero"),
        /** The latest price before the day (0 USD before the first). */
        LAST("last");

        private final String option;

        MissingPrice(String option) {
            this.option = option;
        }

        /** How {@code --missing-price} spells it. */
        public String option() {
            return option;
        }

        /** {@code zero} or {@code last}. */
        public static MissingPrice parse(String text) {
            for (MissingPrice m : values()) {
                if (m.option.equals(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    "--missing-price is zero (a day without a price counts 0 USD, as Akash) or last (the latest"
                            + " earlier price); got " + text);
        }
    }

    /**
     * A price as used: USD per micro-unit, and whether the day had none of its own and {@code usdPerMicro} was filled
     * by the rule.
     */
    public record Quote(BigDecimal usdPerMicro, boolean filled) {}

    private final Map<String, NavigableMap<LocalDate, BigDecimal>> byDenom = new java.util.HashMap<>();
    private final MissingPrice missing;

    /** A table whose missing days count 0 USD (Akash's rule). */
    public PriceTable(List<Entry> entries) {
        this(entries, MissingPrice.ZERO);
    }

    public PriceTable(List<Entry> entries, MissingPrice missing) {
        this.missing = java.util.Objects.requireNonNull(missing, "missing");
        for (Entry e : entries) {
            if (e.usdPerToken().signum() < 0) {
                throw new IllegalArgumentException("a price is not negative: " + e);
            }
            byDenom.computeIfAbsent(e.denom(), d -> new TreeMap<>()).put(e.day(), e.usdPerToken());
        }
    }

    /** The rule for days without a price. */
    public MissingPrice missingPrice() {
        return missing;
    }

    /** Reads the CSV file; a bad line is an error naming its line number. */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String l = line.strip();
            if (l.isEmpty()
                    || l.startsWith("#")
                    || l.toLowerCase(java.util.Locale.ROOT).startsWith("denom,")) {
                continue;
            }
            // Every field counts, empty ones too: "a,b,c," is four fields, not three.
            String[] f = l.split(",", -1);
            try {
                if (f.length != 3 || f[0].isBlank()) {
                    throw new IllegalArgumentException("three fields and a denomination");
                }
                out.add(new Entry(f[0].strip(), LocalDate.parse(f[1].strip()), new BigDecimal(f[2].strip())));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + n + ": expected denom,YYYY-MM-DD,usd, got " + l);
            }
        }
        return out;
    }

    /**
     * The price of {@code denom} on {@code day}: its own entry, or one filled by the {@link MissingPrice} rule; null
     * when the table has no entry for {@code denom} at all (the denomination is not priced).
     */
    public Quote quote(String denom, LocalDate day) {
        if (denom.equals(FACE_VALUE_DENOM)) {
            return new Quote(BigDecimal.ONE.movePointLeft(6), false);
        }
        NavigableMap<LocalDate, BigDecimal> m = byDenom.get(denom);
        if (m == null) {
            return null;
        }
        BigDecimal own = m.get(day);
        if (own != null) {
            return new Quote(own.movePointLeft(6), false);
        }
        Map.Entry<LocalDate, BigDecimal> before = missing == MissingPrice.LAST ? m.lowerEntry(day) : null;
        return new Quote(before == null ? BigDecimal.ZERO : before.getValue().movePointLeft(6), true);
    }

    /** USD per micro-unit of {@code denom} on {@code day} as {@link #quote} gives it, or null if not priced. */
    public BigDecimal usdPerMicro(String denom, LocalDate day) {
        Quote q = quote(denom, day);
        return q == null ? null : q.usdPerMicro();
    }
}
