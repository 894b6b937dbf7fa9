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
 * micro-units) from a UTC day on, until the next entry. {@code uusd} is always one micro-USD per micro-unit. The
 * file is CSV, {@code denom,date,usd} (e.g. {@code uvyo,2026-01-01,0.85}), {@code #} comments allowed.
 */
public final class PriceTable {
    /** The denomination counted at face value. */
    public static final String FACE_VALUE_DENOM = "uusd";

    /** One row of the table. */
    public record Entry(String denom, LocalDate day, BigDecimal usdPerToken) {}

    private final Map<String, NavigableMap<LocalDate, BigDecimal>> byDenom = new java.util.HashMap<>();

    public PriceTable(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.usdPerToken().signum() < 0) {
                throw new IllegalArgumentException("a price is not negative: " + e);
            }
            byDenom.computeIfAbsent(e.denom(), d -> new TreeMap<>()).put(e.day(), e.usdPerToken());
        }
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
            String[] f = l.split(",");
            try {
                if (f.length != 3) {
                    throw new IllegalArgumentException("three fields");
                }
                out.add(new Entry(f[0].strip(), LocalDate.parse(f[1].strip()), new BigDecimal(f[2].strip())));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + n + ": expected denom,YYYY-MM-DD,usd, got " + l);
            }
        }
        return out;
    }

    /** USD per micro-unit of {@code denom} on {@code day}, or null if the table has no price on or before it. */
    public BigDecimal usdPerMicro(String denom, LocalDate day) {
        if (denom.equals(FACE_VALUE_DENOM)) {
            return BigDecimal.ONE.movePointLeft(6);
        }
        NavigableMap<LocalDate, BigDecimal> m = byDenom.get(denom);
        if (m == null) {
            return null;
        }
        Map.Entry<LocalDate, BigDecimal> e = m.floorEntry(day);
        return e == null ? null : e.getValue().movePointLeft(6);
    }
}
