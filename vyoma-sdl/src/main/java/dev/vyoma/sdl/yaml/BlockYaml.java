package dev.vyoma.sdl.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * A reader for the block-style YAML that SDL files are written in: block mappings and lists, plain and quoted
 * one-line scalars, literal and folded block scalars, comments, and one-line flow lists of scalars. It builds the
 * same tree, with the same positions, as {@link YamlReader} builds from SnakeYAML Engine's events, in a fraction
 * of the time.
 *
 * <p>It never reports an error. Anything outside that subset, or anything it is not sure it reads exactly as
 * SnakeYAML Engine does (anchors, aliases, tags, merge keys, several documents, directives, tabs, carriage
 * returns, multi-line plain or quoted scalars, escapes other than the common ones, odd indentation, an invalid
 * file, or a file past the depth or node limits), makes {@link #read} return {@code null}, and the caller reads
 * the text with SnakeYAML Engine, so messages, positions and limits stay exactly as they were.
 */
final class BlockYaml extends YamlCursor {
    private final int maxDepth;
    private final long maxNodes;
    private int depth;

    private BlockYaml(String s, int maxDepth, long maxNodes) {
        super(s);
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
    }

    /**
     * The tree of {@code text}, or {@code null} when the text is outside the subset this reader handles (the
     * caller then reads it with SnakeYAML Engine).
     */
    static YNode read(String text, int maxDepth, long maxNodes) {
        text = plainText(text);
        if (text == null) {
            return null;
        }
        try {
            YNode root = new BlockYaml(text, maxDepth, maxNodes).document();
            return root.weight() > maxNodes ? null : root;
        } catch (Outside e) {
            return null;
        }
    }

    private YNode document() {
        skipToToken(false);
        if (pos < n && col() == 0 && s.startsWith("...", pos)) {
            // A document end marker before any content: SnakeYAML refuses it, with its own message.
            throw outside();
        }
        if (pos < n && col() == 0 && s.startsWith("---", pos)) {
            int after = pos + 3;
            if (after < n && s.charAt(after) != ' ' && s.charAt(after) != '\n') {
                throw outside();
            }
            pos = after;
            endOfLine(false);
            skipToToken();
        }
        if (pos >= n || keyColon() < 0) {
            throw outside();
        }
        YNode root = mapping(col());
        skipToToken();
        if (pos < n) {
            throw outside();
        }
        return root;
    }

    private void enter() {
        if (depth >= maxDepth) {
            throw outside();
        }
        depth++;
    }

    /** Whether a list entry starts at {@code pos}: a dash followed by a space, a line break or the end. */
    private boolean entry() {
        return at(pos) == '-' && blank(at(pos + 1));
    }

    /** A block mapping whose keys sit at column {@code col}; {@code pos} is at its first key. */
    private YMapping mapping(int col) {
        enter();
        Mark start = mark();
        List<YMapping.Entry> entries = new ArrayList<>();
        long weight = 1;
        while (true) {
            int colon = keyColon();
            if (colon < 0) {
                throw outside();
            }
            YScalar key = key(colon);
            pos = colon + 1;
            Mark empty = mark();
            YNode value;
            if (pos < n && s.charAt(pos) == ' ') {
                skipSpaces();
            }
            if (pos >= n || s.charAt(pos) == '\n' || s.charAt(pos) == '#') {
                value = belowKey(col, empty);
            } else {
                value = sameLine(col, false);
            }
            entries.add(new YMapping.Entry(key, value));
            weight += 1 + value.weight();
            if (weight > maxNodes) {
                throw outside();
            }
            skipToToken();
            if (pos >= n || col() < col) {
                break;
            }
            if (col() > col) {
                throw outside();
            }
        }
        depth--;
        return new YMapping(entries, start, weight);
    }

    /** The key that ends at {@code colon}, starting at {@code pos}. */
    private YScalar key(int colon) {
        Mark m = mark();
        char c = s.charAt(pos);
        if (c == '\'' || c == '"') {
            return new YScalar(unquote(pos, colon - 1), null, false, m);
        }
        int end = colon;
        while (s.charAt(end - 1) == ' ') {
            end--; // "key :" is the key "key"
        }
        String k = s.substring(pos, end);
        if (k.equals("<<")) {
            throw outside();
        }
        return new YScalar(k, null, true, m);
    }

    /** The value of a key whose line ends after the colon: on the lines below, or empty. */
    private YNode belowKey(int col, Mark empty) {
        skipToToken();
        if (pos >= n || col() < col) {
            return emptyScalar(empty);
        }
        if (col() == col) {
            return entry() ? sequence(col) : emptyScalar(empty);
        }
        return ownLine(col);
    }

    /** The value of a list entry whose line ends after the dash. */
    private YNode belowEntry(int col, Mark empty) {
        skipToToken();
        if (pos >= n || col() <= col) {
            return emptyScalar(empty);
        }
        return ownLine(col);
    }

    private static YScalar emptyScalar(Mark m) {
        return new YScalar("", null, true, m);
    }

    /** A node that starts a line, deeper than the collection at {@code outer} it belongs to. */
    private YNode ownLine(int outer) {
        if (entry()) {
            return sequence(col());
        }
        if (isKey()) {
            return mapping(col());
        }
        return scalarOrFlow(outer);
    }

    /**
     * A value on the line of its key ({@code afterDash} false) or of its list dash: a scalar, a flow list, or,
     * after a dash, a nested mapping or list.
     */
    private YNode sameLine(int outer, boolean afterDash) {
        if (entry()) {
            if (!afterDash) {
                throw outside();
            }
            return sequence(col());
        }
        if (isKey()) {
            if (!afterDash) {
                throw outside();
            }
            return mapping(col());
        }
        return scalarOrFlow(outer);
    }

    /** A scalar or a flow collection at {@code pos}, in a block collection whose column is {@code outer}. */
    private YNode scalarOrFlow(int outer) {
        char c = s.charAt(pos);
        switch (c) {
            case '|', '>' -> {
                return blockScalar(outer);
            }
            case '[' -> {
                return flowSequence();
            }
            case '{' -> {
                return flowMapping();
            }
            case '\'', '"' -> {
                Mark m = mark();
                int close = closingQuote(pos);
                YScalar v = new YScalar(unquote(pos, close), null, false, m);
                pos = close + 1;
                endOfLine(false);
                return v;
            }
            default -> {
                return plain(outer);
            }
        }
    }

    /** A one-line plain scalar in block context, where the block collection around it sits at {@code outer}. */
    private YScalar plain(int outer) {
        if (!plainStart(pos)) {
            throw outside();
        }
        Mark m = mark();
        int start = pos;
        int end = pos;
        int i = pos;
        boolean comment = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                break;
            }
            if (c == ' ') {
                if (at(i + 1) == '#') {
                    comment = true;
                    break;
                }
                continue;
            }
            if (c == ':' && blank(at(i + 1))) {
                throw outside();
            }
            end = i + 1;
        }
        pos = i;
        if (comment) {
            endOfLine(true);
        } else if (continues(outer)) {
            throw outside();
        }
        return new YScalar(s.substring(start, end), null, true, m);
    }

    /**
     * Whether SnakeYAML would fold the next line into the plain scalar that ends this line: the next line that
     * is not blank starts deeper than the collection around the scalar, and not with a comment.
     */
    private boolean continues(int outer) {
        int i = pos;
        while (i < n) {
            // i is at a line break (or the end); look at the next line.
            int lineStartAt = i + 1;
            int j = lineStartAt;
            while (j < n && s.charAt(j) == ' ') {
                j++;
            }
            if (j >= n) {
                return false;
            }
            char c = s.charAt(j);
            if (c == '\n') {
                i = j;
                continue;
            }
            return c != '#' && j - lineStartAt > outer;
        }
        return false;
    }

    /** A block list whose dashes sit at column {@code col}; {@code pos} is at its first dash. */
    private YSequence sequence(int col) {
        enter();
        Mark start = mark();
        List<YNode> items = new ArrayList<>();
        long weight = 1;
        while (true) {
            pos++;
            Mark empty = mark();
            skipSpaces();
            YNode item;
            if (pos >= n || s.charAt(pos) == '\n' || s.charAt(pos) == '#') {
                item = belowEntry(col, empty);
            } else {
                item = sameLine(col, true);
            }
            items.add(item);
            weight += item.weight();
            if (weight > maxNodes) {
                throw outside();
            }
            skipToToken();
            if (pos >= n || col() < col) {
                break;
            }
            if (col() > col) {
                throw outside();
            }
            if (!entry()) {
                break;
            }
        }
        depth--;
        return new YSequence(items, start, weight);
    }

    /**
     * A literal ({@code |}) or folded ({@code >}) block scalar, with optional chomping indicator, read as
     * SnakeYAML Engine's scanner reads it. An explicit indentation indicator leaves the subset.
     */
    private YScalar blockScalar(int outer) {
        Mark m = mark();
        boolean folded = s.charAt(pos) == '>';
        pos++;
        int chomping = 0; // 0 clip, 1 keep, -1 strip
        char c = at(pos);
        if (c == '+' || c == '-') {
            chomping = c == '+' ? 1 : -1;
            pos++;
        }
        if (!blank(at(pos))) {
            // An indentation indicator, or anything SnakeYAML would reject.
            throw outside();
        }
        skipSpaces();
        if (at(pos) == '#') {
            int end = s.indexOf('\n', pos);
            pos = end < 0 ? n : end;
        }
        if (pos < n) {
            if (s.charAt(pos) != '\n') {
                throw outside();
            }
            newline();
        }
        int minIndent = Math.max(outer + 1, 1);
        int maxIndent = 0;
        int breaks = 0;
        while (pos < n && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n')) {
            if (s.charAt(pos) == '\n') {
                breaks++;
                newline();
            } else {
                pos++;
                maxIndent = Math.max(maxIndent, col());
            }
        }
        int indent = Math.max(minIndent, maxIndent);
        StringBuilder text = new StringBuilder();
        boolean lineBreak = false;
        while (col() == indent && pos < n) {
            text.repeat('\n', breaks);
            boolean leadingNonSpace = s.charAt(pos) != ' ';
            int end = s.indexOf('\n', pos);
            if (end < 0) {
                // SnakeYAML reads a last line without a line break as if it had one; leave that case to it.
                throw outside();
            }
            text.append(s, pos, end);
            pos = end;
            lineBreak = pos < n;
            if (lineBreak) {
                newline();
            }
            breaks = 0;
            while (col() < indent && pos < n && s.charAt(pos) == ' ') {
                pos++;
            }
            while (pos < n && s.charAt(pos) == '\n') {
                breaks++;
                newline();
                while (col() < indent && pos < n && s.charAt(pos) == ' ') {
                    pos++;
                }
            }
            if (col() == indent && pos < n) {
                if (folded && lineBreak && leadingNonSpace && s.charAt(pos) != ' ') {
                    if (breaks == 0) {
                        text.append(' ');
                    }
                } else if (lineBreak) {
                    text.append('\n');
                }
            } else {
                break;
            }
        }
        if (chomping >= 0 && lineBreak) {
            text.append('\n');
        }
        if (chomping > 0) {
            text.repeat('\n', breaks);
        }
        return new YScalar(text.toString(), null, false, m);
    }

    /** A one-line flow list of scalars: {@code [a, "b"]} or {@code []}. */
    private YSequence flowSequence() {
        enter();
        Mark start = mark();
        pos++;
        List<YNode> items = new ArrayList<>();
        skipSpaces();
        if (at(pos) != ']') {
            while (true) {
                YScalar item = flowScalar();
                items.add(item);
                skipSpaces();
                char c = at(pos);
                if (c == ']') {
                    break;
                }
                if (c != ',') {
                    throw outside();
                }
                pos++;
                skipSpaces();
                if (at(pos) == ']') {
                    throw outside();
                }
            }
        }
        pos++;
        endOfLine(false);
        depth--;
        return new YSequence(items, start, 1 + items.size());
    }

    /** A scalar inside a flow list: quoted, or plain without any character that could mean structure. */
    private YScalar flowScalar() {
        Mark m = mark();
        char c = at(pos);
        if (c == '\'' || c == '"') {
            int close = closingQuote(pos);
            YScalar v = new YScalar(unquote(pos, close), null, false, m);
            pos = close + 1;
            return v;
        }
        if (c == '\0' || c == ' ' || c == '\n' || c == '-' || !plainStart(pos)) {
            throw outside();
        }
        int start = pos;
        int end = pos;
        for (; pos < n; pos++) {
            char d = s.charAt(pos);
            if (d == ',' || d == ']') {
                break;
            }
            switch (d) {
                case '\n', '[', '{', '}', ':', '#', '?', '\'', '"' -> throw outside();
                default -> {}
            }
            if (d != ' ') {
                end = pos + 1;
            }
        }
        return new YScalar(s.substring(start, end), null, true, m);
    }

    /** An empty flow mapping, {@code {}}; any content leaves the subset. */
    private YMapping flowMapping() {
        enter();
        Mark start = mark();
        pos++;
        skipSpaces();
        if (at(pos) != '}') {
            throw outside();
        }
        pos++;
        endOfLine(false);
        depth--;
        return new YMapping(List.of(), start, 1);
    }
}
