package dev.vyoma.ledger.base;

/**
 * The text form of the market's ids, as Akash writes them: parts joined by {@code /}, such as
 * {@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}. Splitting is strict: exactly the expected number of parts, none empty,
 * and the whole at most {@value #MAX_CHARS} characters; each part is then parsed by its own rule.
 */
public final class IdText {
    /** The longest id text: two addresses (bech32 allows 90 characters) and three sequence numbers, with room. */
    public static final int MAX_CHARS = 256;

    private IdText() {}

    /** The {@code parts} parts of {@code text}, which has the form {@code form}; otherwise why not. */
    public static String[] split(String text, int parts, String form) {
        if (text == null || text.length() > MAX_CHARS) {
            throw new IllegalArgumentException(
                    "an id is " + form + " (at most " + MAX_CHARS + " characters), got " + WholeNumber.shown(text));
        }
        String[] p = text.split("/", -1);
        if (p.length != parts) {
            throw new IllegalArgumentException("an id is " + form + ", got " + WholeNumber.shown(text));
        }
        return p;
    }
}
