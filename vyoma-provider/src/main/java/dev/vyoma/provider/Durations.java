package dev.vyoma.provider;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as provider.yaml and the provider's logs write them: whole numbers each with a unit, largest unit
 * first, such as {@code 90s}, {@code 5m}, {@code 1h30m} or {@code 1500ms} (Akash's provider flags read the same
 * spelling). Nothing else is accepted: no sign, no fraction, no unit missing.
 */
final class Durations {
    private static final Pattern WHOLE =
            Pattern.compile("(?:\\d{1,9}h)?(?:\\d{1,9}m(?!s))?(?:\\d{1,9}s)?(?:\\d{1,9}ms)?");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|h|m|s)");

    private Durations() {}

    /** The duration {@code text} spells, or an error that shows the spelling to use. */
    static Duration parse(String text) {
        String t = text.strip();
        if (t.isEmpty() || !WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException(
                    "write a duration as whole numbers with units h, m, s or ms, such as 90s, 5m or 1h30m; got \""
                            + text + "\"");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "h" -> Duration.ofHours(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "s" -> Duration.ofSeconds(n);
                        default -> Duration.ofMillis(n);
                    });
        }
        return total;
    }

    /** {@code d} in the same spelling: {@code 5m}, {@code 1h30m}, {@code 2s}, {@code 1500ms}; {@code 0s} for zero. */
    static String shown(Duration d) {
        if (d.isNegative()) {
            return "-" + shown(d.negated());
        }
        StringBuilder out = new StringBuilder();
        long h = d.toHours();
        int min = d.toMinutesPart();
        int s = d.toSecondsPart();
        int ms = d.toMillisPart();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (min > 0) {
            out.append(min).append('m');
        }
        if (s > 0) {
            out.append(s).append('s');
        }
        if (ms > 0) {
            out.append(ms).append("ms");
        }
        return out.isEmpty() ? "0s" : out.toString();
    }
}
