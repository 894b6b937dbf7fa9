package dev.vyoma.sdl.yaml;

/**
 * The lexical side of {@link BlockYaml}: the text, the position in it with its line and column, and the tokens
 * that do not depend on the tree around them (spaces, comments and line breaks, simple keys, quoted scalars).
 * Anything outside the subset {@code BlockYaml} reads throws {@link Outside}.
 */
abstract class YamlCursor {
    /** Longest simple key SnakeYAML accepts is 1024 characters; stay well inside it. */
    static final int MAX_KEY = 1000;

    final String s;
    final int n;
    int pos;
    int line;
    int lineStart;

    YamlCursor(String s) {
        this.s = s;
        this.n = s.length();
    }

    /** Thrown to leave the subset; it carries no stack trace, as it is control flow. */
    static final class Outside extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Outside() {
            super(null, null, false, false);
        }
    }

    /**
     * The text with each CR LF line break as LF, or null where it has anything but line feeds, CR LF pairs and
     * printable characters without special line-break meaning: no tabs, no lone carriage returns, no byte order
     * marks, no characters outside the basic plane (SnakeYAML counts their columns in code points). SnakeYAML
     * reads CR LF as one line break: the lines, the columns before it and the values are the same as with LF.
     */
    static String plainText(String text) {
        if (text.isEmpty()) {
            return null;
        }
        boolean crlf = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x7F) {
                if (c < 0x20 && c != '\n') {
                    if (c != '\r' || i + 1 >= n || text.charAt(i + 1) != '\n') {
                        return null;
                    }
                    crlf = true;
                }
            } else if (c < 0xA0
                    || c == 0x2028
                    || c == 0x2029
                    || c == 0xFEFF
                    || (c >= 0xD800 && c < 0xE000)
                    || c >= 0xFFFE) {
                return null;
            }
        }
        return crlf ? text.replace("\r\n", "\n") : text;
    }

    static Outside outside() {
        return new Outside();
    }

    final int col() {
        return pos - lineStart;
    }

    final Mark mark() {
        return new Mark(line + 1, pos - lineStart + 1);
    }

    final char at(int i) {
        return i < n ? s.charAt(i) : '\0';
    }

    static boolean blank(char c) {
        return c == ' ' || c == '\n' || c == '\0';
    }

    final void newline() {
        pos++;
        line++;
        lineStart = pos;
    }

    /**
     * Skips spaces, comments and line breaks to the next token. A line that starts with a document marker or a
     * directive leaves the subset.
     */
    final void skipToToken() {
        skipToToken(true);
    }

    final void skipToToken(boolean markers) {
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == ' ') {
                pos++;
            } else if (c == '\n') {
                newline();
            } else if (c == '#') {
                int end = s.indexOf('\n', pos);
                pos = end < 0 ? n : end;
            } else {
                break;
            }
        }
        if (markers && pos < n && pos == lineStart) {
            char c = s.charAt(pos);
            if (c == '%' || s.startsWith("---", pos) || s.startsWith("...", pos)) {
                throw outside();
            }
        }
    }

    /**
     * After a token: only spaces, then a comment (after at least one space, unless {@code spaced} says one came
     * before) or the end of the line. Leaves {@code pos} at the line break or the end.
     */
    final void endOfLine(boolean spaced) {
        while (pos < n && s.charAt(pos) == ' ') {
            pos++;
            spaced = true;
        }
        if (pos >= n || s.charAt(pos) == '\n') {
            return;
        }
        if (s.charAt(pos) == '#' && spaced) {
            int end = s.indexOf('\n', pos);
            pos = end < 0 ? n : end;
            return;
        }
        throw outside();
    }

    /**
     * If the token at {@code pos} is a simple key, the index of its colon; -1 if it is a scalar that is not a key.
     * Leaves the subset on anything else.
     */
    final int keyColon() {
        char c = s.charAt(pos);
        if (c == '\'' || c == '"') {
            int close = closingQuote(pos);
            if (at(close + 1) == ':' && blank(at(close + 2))) {
                if (close + 1 - pos > MAX_KEY) {
                    throw outside();
                }
                return close + 1;
            }
            return -1;
        }
        if (!plainStart(pos)) {
            throw outside();
        }
        for (int i = pos + 1; i < n; i++) {
            char d = s.charAt(i);
            if (d == '\n') {
                return -1;
            }
            if (d == ':' && blank(at(i + 1))) {
                if (i - pos > MAX_KEY) {
                    throw outside();
                }
                return i;
            }
            if (d == '#' && s.charAt(i - 1) == ' ') {
                return -1;
            }
        }
        return -1;
    }

    /** Whether the token at {@code pos} is a simple key (a scalar followed by a colon on its line). */
    final boolean isKey() {
        char c = s.charAt(pos);
        return c != '|' && c != '>' && c != '[' && c != '{' && keyColon() >= 0;
    }

    /** Whether a plain scalar may start at {@code i} in block context (indicators leave the subset). */
    final boolean plainStart(int i) {
        char c = s.charAt(i);
        return switch (c) {
            case '-' -> !blank(at(i + 1));
            case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' -> false;
            default -> true;
        };
    }

    /** The index of the quote that closes the one-line quoted scalar opening at {@code open}. */
    final int closingQuote(int open) {
        char q = s.charAt(open);
        for (int i = open + 1; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                throw outside();
            }
            if (q == '\'') {
                if (c == '\'') {
                    if (at(i + 1) == '\'') {
                        i++;
                    } else {
                        return i;
                    }
                }
            } else if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        throw outside();
    }

    final void skipSpaces() {
        while (pos < n && s.charAt(pos) == ' ') {
            pos++;
        }
    }

    /** The text of the quoted scalar between {@code open} and {@code close}, unescaped. */
    final String unquote(int open, int close) {
        char q = s.charAt(open);
        int from = open + 1;
        int special = s.indexOf(q == '\'' ? '\'' : '\\', from);
        if (special < 0 || special >= close) {
            return s.substring(from, close);
        }
        StringBuilder b = new StringBuilder(close - from);
        for (int i = from; i < close; i++) {
            char c = s.charAt(i);
            if (q == '\'') {
                b.append(c);
                if (c == '\'') {
                    i++;
                }
            } else if (c == '\\') {
                char e = s.charAt(++i);
                b.append(
                        switch (e) {
                            case '\\', '"' -> e;
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            case '0' -> '\0';
                            case 'a' -> '\u0007';
                            case 'b' -> '\b';
                            case 'v' -> '\u000B';
                            case 'f' -> '\f';
                            case 'e' -> '\u001B';
                            default -> throw outside();
                        });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
