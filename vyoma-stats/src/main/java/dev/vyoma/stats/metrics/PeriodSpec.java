package dev.vyoma.stats.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A period as the user gives it: by time, {@code [start, end)} in UTC, or by heights, {@code [from, to]}
 * inclusive. {@link #parse} reads {@code --from}/{@code --to}: a date ({@code 2026-01-01}; as {@code --to} it
 * includes that whole day), a time ({@code 2026-01-01T12:00Z}, {@code 2026-01-01T12:00:00}, UTC unless an
 * offset is given), or a height ({@code 1234} or {@code h1234}).
 */
public sealed interface PeriodSpec {
    /** {@code [startMillis, endMillis)}. */
    record ByTime(long startMillis, long endMillis) implements PeriodSpec {
        public ByTime {
            if (endMillis <= startMillis) {
                throw new IllegalArgumentException("the period ends at or before it starts: "
                        + Instant.ofEpochMilli(startMillis) + " to " + Instant.ofEpochMilli(endMillis));
            }
        }
    }

    /** Heights {@code [from, to]}. */
    record ByHeight(long from, long to) implements PeriodSpec {
        public ByHeight {
            if (from < 1 || to < from) {
                throw new IllegalArgumentException(
                        "heights run from 1 and --to is at or after --from; got " + from + " to " + to);
            }
        }
    }

    /** The period of the same length right before this one (clamped at height 1). */
    default PeriodSpec previous() {
        return switch (this) {
            case ByTime t -> new ByTime(t.startMillis() - (t.endMillis() - t.startMillis()), t.startMillis());
            case ByHeight h -> {
                long n = h.to() - h.from() + 1;
                if (h.from() <= 1) {
                    throw new IllegalArgumentException("the period starts at height 1: there is no previous period");
                }
                yield new ByHeight(Math.max(1, h.from() - n), h.from() - 1);
            }
        };
    }

    /** The period to compare {@code p} with: {@link #previous}, or null when {@code p} starts at genesis (height 1). */
    static PeriodSpec previousOrNone(PeriodSpec p) {
        return p instanceof ByHeight h && h.from() <= 1 ? null : p.previous();
    }

    /** Reads {@code --from} and {@code --to}; both by time or both by height. */
    static PeriodSpec parse(String from, String to) {
        Object a = point(from, false, "--from");
        Object b = point(to, true, "--to");
        if (a instanceof Long ha && b instanceof Long hb) {
            return new ByHeight(ha, hb);
        }
        if (a instanceof Instant ta && b instanceof Instant tb) {
            return new ByTime(ta.toEpochMilli(), tb.toEpochMilli());
        }
        throw new IllegalArgumentException(
                "--from and --to are both times (dates) or both heights; got " + from + " and " + to);
    }

    /** A height (Long) or an instant; a date as an end is the start of the next day. */
    private static Object point(String text, boolean end, String option) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(
                    option + " is required: a date (2026-01-01), a time (2026-01-01T12:00Z) or a height (h1234)");
        }
        String t = text.strip();
        String digits = t.startsWith("h") ? t.substring(1) : t;
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": height " + t + " is too large");
            }
        }
        try {
            LocalDate d = LocalDate.parse(t);
            return (end ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // not a date
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // not an instant with an offset
        }
        try {
            return java.time.OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // no offset
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": cannot read '" + text
                    + "': give a date (2026-01-01), a time (2026-01-01T12:00Z) or a height (h1234)");
        }
    }
}
