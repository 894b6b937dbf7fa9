package dev.vyoma.stats.metrics;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A period as the user gives it: by time, {@code [start, end)} in UTC; by heights, {@code [from, to]} inclusive;
 * or by calendar name, an ISO week ({@code 2025-W10}), a month ({@code 2025-03}) or a quarter ({@code 2025-Q1}),
 * in UTC. {@link #parse(String, String)} reads {@code --from}/{@code --to}: a date ({@code 2026-01-01}; as {@code
 * --to} it includes that whole day), a time ({@code 2026-01-01T12:00Z}, {@code 2026-01-01T12:00:00}, UTC unless an
 * offset is given), a height ({@code 1234} or {@code h1234}), or a calendar name (its first day as {@code --from},
 * its last as {@code --to}). {@link #parse(String)} reads one period: a calendar name or {@code FROM..TO}.
 */
public sealed interface PeriodSpec {
    /** Calendar names have four-digit years from this one on (times are milliseconds since 1970). */
    int MIN_YEAR = 1970;

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

    /** The kinds of calendar period, each a whole number of UTC days. */
    enum Unit {
        /** An ISO week: Monday to Sunday, numbered within its week-based year. */
        WEEK,
        MONTH,
        QUARTER,
        /** A calendar year: recognised in explicit dates ({@code 2025-01-01..2025-12-31}); a bare year is a height. */
        YEAR;

        LocalDate next(LocalDate first) {
            return switch (this) {
                case WEEK -> first.plusWeeks(1);
                case MONTH -> first.plusMonths(1);
                case QUARTER -> first.plusMonths(3);
                case YEAR -> first.plusYears(1);
            };
        }

        LocalDate before(LocalDate first) {
            return switch (this) {
                case WEEK -> first.minusWeeks(1);
                case MONTH -> first.minusMonths(1);
                case QUARTER -> first.minusMonths(3);
                case YEAR -> first.minusYears(1);
            };
        }

        boolean starts(LocalDate d) {
            return switch (this) {
                case WEEK -> d.getDayOfWeek() == DayOfWeek.MONDAY;
                case MONTH -> d.getDayOfMonth() == 1;
                case QUARTER -> d.getDayOfMonth() == 1 && (d.getMonthValue() - 1) % 3 == 0;
                case YEAR -> d.getDayOfYear() == 1;
            };
        }
    }

    /** A calendar period of {@code unit} that starts on {@code first} (UTC), e.g. the quarter from 2025-01-01. */
    record Named(Unit unit, LocalDate first) implements PeriodSpec {
        public Named {
            if (!unit.starts(first)) {
                throw new IllegalArgumentException(
                        first + " does not start a " + unit.name().toLowerCase(Locale.ROOT));
            }
        }

        /** The period's name: {@code 2025-W10}, {@code 2025-03}, {@code 2025-Q1}, or {@code 2025} for a year. */
        public String name() {
            return switch (unit) {
                case WEEK ->
                    String.format(
                            "%04d-W%02d",
                            first.get(IsoFields.WEEK_BASED_YEAR), first.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                case MONTH -> String.format("%04d-%02d", first.getYear(), first.getMonthValue());
                case QUARTER -> String.format("%04d-Q%d", first.getYear(), (first.getMonthValue() + 2) / 3);
                case YEAR -> String.format("%04d", first.getYear());
            };
        }

        /** The same period as {@code [start, end)} in UTC milliseconds. */
        public ByTime byTime() {
            return new ByTime(millis(first), millis(unit.next(first)));
        }

        /** The period of this kind right before: Q4 before Q1, February before March, week 9 before week 10. */
        public Named before() {
            return new Named(unit, unit.before(first));
        }

        /** The calendar period that {@code [startMillis, endMillis)} is exactly, if it is one (the largest kind). */
        static Optional<Named> exactly(long startMillis, long endMillis) {
            if (Math.floorMod(startMillis, DAY_MILLIS) != 0 || Math.floorMod(endMillis, DAY_MILLIS) != 0) {
                return Optional.empty();
            }
            LocalDate start = LocalDate.ofEpochDay(Math.floorDiv(startMillis, DAY_MILLIS));
            LocalDate end = LocalDate.ofEpochDay(Math.floorDiv(endMillis, DAY_MILLIS));
            for (Unit u : new Unit[] {Unit.YEAR, Unit.QUARTER, Unit.MONTH, Unit.WEEK}) {
                if (u.starts(start) && u.next(start).equals(end)) {
                    return Optional.of(new Named(u, start));
                }
            }
            return Optional.empty();
        }

        private static final Pattern WEEK = Pattern.compile("(\\d{4})-[Ww](\\d{2})");
        private static final Pattern MONTH = Pattern.compile("(\\d{4})-(\\d{2})");
        private static final Pattern QUARTER = Pattern.compile("(\\d{4})-[Qq](\\d)");

        /**
         * {@code 2025-W10}, {@code 2025-03} or {@code 2025-Q1} as a period; empty if {@code text} has none of these
         * shapes; an {@link IllegalArgumentException} if it has one but names no such period.
         */
        public static Optional<Named> parse(String text) {
            String t = text.strip();
            Matcher m;
            if ((m = WEEK.matcher(t)).matches()) {
                int year = year(m.group(1), t);
                int week = Integer.parseInt(m.group(2));
                LocalDate jan4 = LocalDate.of(year, 1, 4);
                long weeks =
                        IsoFields.WEEK_OF_WEEK_BASED_YEAR.rangeRefinedBy(jan4).getMaximum();
                if (week < 1 || week > weeks) {
                    throw new IllegalArgumentException(t + ": " + year + " has ISO weeks W01 to W" + weeks);
                }
                LocalDate monday =
                        jan4.with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week).with(DayOfWeek.MONDAY);
                return Optional.of(new Named(Unit.WEEK, monday));
            }
            if ((m = QUARTER.matcher(t)).matches()) {
                int year = year(m.group(1), t);
                int q = Integer.parseInt(m.group(2));
                if (q < 1 || q > 4) {
                    throw new IllegalArgumentException(t + ": a quarter is Q1 to Q4");
                }
                return Optional.of(new Named(Unit.QUARTER, LocalDate.of(year, 3 * q - 2, 1)));
            }
            if ((m = MONTH.matcher(t)).matches()) {
                int year = year(m.group(1), t);
                int month = Integer.parseInt(m.group(2));
                if (month < 1 || month > 12) {
                    throw new IllegalArgumentException(t + ": a month is 01 to 12");
                }
                return Optional.of(new Named(Unit.MONTH, LocalDate.of(year, month, 1)));
            }
            return Optional.empty();
        }

        private static int year(String digits, String text) {
            int y = Integer.parseInt(digits);
            if (y < MIN_YEAR) {
                throw new IllegalArgumentException(text + ": years run from " + MIN_YEAR);
            }
            return y;
        }

        private static long millis(LocalDate d) {
            return d.toEpochDay() * DAY_MILLIS;
        }
    }

    /** Milliseconds in a UTC day. */
    long DAY_MILLIS = 86_400_000L;

    /**
     * The period to compare this one with. A calendar period, named or given by dates that span exactly one (a
     * week, month, quarter or year), is compared with the calendar period of the same kind before it: 2025-Q1
     * with 2024-Q4, however many days each has. Any other period is compared with the period of the same length
     * that ends where it starts (heights clamped at 1).
     */
    default PeriodSpec previous() {
        return switch (this) {
            case Named n -> n.before();
            case ByTime t ->
                Named.exactly(t.startMillis(), t.endMillis())
                        .<PeriodSpec>map(Named::before)
                        .orElseGet(
                                () -> new ByTime(t.startMillis() - (t.endMillis() - t.startMillis()), t.startMillis()));
            case ByHeight h -> {
                long n = h.to() - h.from() + 1;
                if (h.from() <= 1) {
                    throw new IllegalArgumentException("the period starts at height 1: there is no previous period");
                }
                yield new ByHeight(Math.max(1, h.from() - n), h.from() - 1);
            }
        };
    }

    /** The period's calendar name, if it is named. */
    default Optional<String> calendarName() {
        return this instanceof Named n ? Optional.of(n.name()) : Optional.empty();
    }

    /** The period to compare {@code p} with: {@link #previous}, or null when {@code p} starts at genesis (height 1). */
    static PeriodSpec previousOrNone(PeriodSpec p) {
        return p instanceof ByHeight h && h.from() <= 1 ? null : p.previous();
    }

    /**
     * What {@code --compare} says to compare {@code period} with: {@code previous} ({@link #previousOrNone}), {@code
     * none} (null), or an explicit period as {@link #parse(String)} reads it ({@code 2024-Q4}, {@code
     * 2024-10-01..2024-12-31}). {@code option} names the option in messages.
     */
    static PeriodSpec comparison(PeriodSpec period, String compare, String option) {
        String c = compare == null ? "previous" : compare.strip();
        return switch (c) {
            case "previous" -> previousOrNone(period);
            case "none" -> null;
            default -> {
                try {
                    yield parse(c);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(option + ": " + e.getMessage()
                            + "; or previous (the calendar period before a named one, else the same length before),"
                            + " or none");
                }
            }
        };
    }

    /**
     * One period: a calendar name ({@code 2025-Q1}, {@code 2025-03}, {@code 2025-W10}) or {@code FROM..TO} with
     * the forms {@link #parse(String, String)} reads.
     */
    static PeriodSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a period is a calendar name (2025-Q1, 2025-03, 2025-W10) or FROM..TO");
        }
        String t = text.strip();
        int dots = t.indexOf("..");
        if (dots >= 0) {
            return parse(t.substring(0, dots), t.substring(dots + 2));
        }
        return Named.parse(t)
                .<PeriodSpec>map(n -> n)
                .orElseThrow(() -> new IllegalArgumentException("cannot read the period '" + t
                        + "': give a calendar name (2025-Q1, 2025-03, 2025-W10) or FROM..TO"
                        + " (2025-01-01..2025-03-31, h1..h1000)"));
    }

    /**
     * Reads {@code --period} or {@code --from} and {@code --to}: exactly one of the two ways must be given.
     * {@code period} as {@link #parse(String)} reads it, the others as {@link #parse(String, String)}.
     */
    static PeriodSpec of(String period, String from, String to) {
        if (period != null) {
            if (from != null || to != null) {
                throw new IllegalArgumentException("give --period, or --from and --to, not both");
            }
            return parse(period);
        }
        if (from == null && to == null) {
            throw new IllegalArgumentException(
                    "give --period (2025-Q1, 2025-03, 2025-W10, FROM..TO), or --from and --to");
        }
        return parse(from, to);
    }

    /** Reads {@code --from} and {@code --to}; both by time (dates, names) or both by height. */
    static PeriodSpec parse(String from, String to) {
        Object a = point(from, false, "--from");
        Object b = point(to, true, "--to");
        if (a instanceof Named na && b instanceof Named nb) {
            return na.equals(nb)
                    ? na
                    : new ByTime(na.byTime().startMillis(), nb.byTime().endMillis());
        }
        if (a instanceof Named na) {
            a = Instant.ofEpochMilli(na.byTime().startMillis());
        }
        if (b instanceof Named nb) {
            b = Instant.ofEpochMilli(nb.byTime().endMillis());
        }
        if (a instanceof Long ha && b instanceof Long hb) {
            return new ByHeight(ha, hb);
        }
        if (a instanceof Instant ta && b instanceof Instant tb) {
            return new ByTime(ta.toEpochMilli(), tb.toEpochMilli());
        }
        throw new IllegalArgumentException(
                "--from and --to are both times (dates) or both heights; got " + from + " and " + to);
    }

    /** A height (Long), a calendar period (Named) or an instant; a date as an end is the start of the next day. */
    private static Object point(String text, boolean end, String option) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(option
                    + " is required: a date (2026-01-01), a time (2026-01-01T12:00Z), a height (h1234)"
                    + " or a calendar period (2026-Q1, 2026-03, 2026-W10)");
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
        Optional<Named> named;
        try {
            named = Named.parse(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
        if (named.isPresent()) {
            return named.get();
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
                    + "': give a date (2026-01-01), a time (2026-01-01T12:00Z), a height (h1234)"
                    + " or a calendar period (2026-Q1, 2026-03, 2026-W10)");
        }
    }
}
