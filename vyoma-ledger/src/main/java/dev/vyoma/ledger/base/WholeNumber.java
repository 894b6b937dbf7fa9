package dev.vyoma.ledger.base;

/**
 * The one way a whole number arrives as text from outside (a sequence number in an id, a height or an offset in
 * a query): ASCII digits only, no sign, no leading zero (but {@code 0} itself where the range allows it), at most
 * {@value #MAX_DIGITS} digits, inside a range. Each value has exactly one spelling, so two different strings
 * never name the same entity ({@code 070} and {@code +70} are refused, not read as 70).
 */
public final class WholeNumber {
    /** The most digits a whole number may have: enough for any {@code long}. */
    public static final int MAX_DIGITS = 19;

    /** How much of a refused input an error message repeats. */
    private static final int SHOWN_CHARS = 40;

    private WholeNumber() {}

    /**
     * The value of {@code text}, which must be the plain decimal spelling of a number from {@code min} to
     * {@code max}; otherwise an {@link IllegalArgumentException} whose message names {@code name} and says what the
     * number must look like.
     */
    public static long parse(String text, String name, long min, long max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("range " + min + " to " + max + " for " + name);
        }
        if (text == null || text.isEmpty() || text.length() > MAX_DIGITS) {
            throw refused(text, name, min, max);
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || (i == 0 && c == '0' && text.length() > 1)) {
                throw refused(text, name, min, max);
            }
            // A value above Long.MAX_VALUE cannot be in range: refuse it rather than wrap.
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw refused(text, name, min, max);
            }
            value = value * 10 + (c - '0');
        }
        if (value < min || value > max) {
            throw refused(text, name, min, max);
        }
        return value;
    }

    private static IllegalArgumentException refused(String text, String name, long min, long max) {
        return new IllegalArgumentException(name + " is a whole number from " + min + " to " + max
                + " in plain digits (no sign, no leading zero), got " + shown(text));
    }

    /**
     * {@code text} as an error message may repeat it: quoted, cut to {@value #SHOWN_CHARS} characters, with anything
     * outside printable ASCII replaced by {@code ?}, so a refusal can neither grow without bound nor forge a line.
     */
    public static String shown(String text) {
        if (text == null) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < Math.min(text.length(), SHOWN_CHARS); i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.append(text.length() > SHOWN_CHARS ? "…\"" : "\"").toString();
    }
}
