package dev.vyoma.ledger.codec;

/** Bytes that are not a canonical encoding of the expected type, or a type the codec cannot encode. */
public final class CodecException extends RuntimeException {
    /**
     * Longest message. A refusal may quote what it read (a denomination, a variant's name), and what it read is
     * a stranger's bytes: the message stays one bounded line, so a refusal can neither grow with the input nor
     * forge a line in a log or an answer.
     */
    public static final int MAX_MESSAGE_CHARS = 500;

    public CodecException(String message) {
        super(oneLine(message));
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "not a canonical encoding";
        }
        int n = Math.min(message.length(), MAX_MESSAGE_CHARS);
        StringBuilder out = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = message.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return message.length() > MAX_MESSAGE_CHARS ? out.append('…').toString() : out.toString();
    }
}
