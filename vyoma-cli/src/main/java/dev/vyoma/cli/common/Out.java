package dev.vyoma.cli.common;

import dev.vyoma.sdl.json.JsonWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/** Printing helpers: aligned tables, and JSON or YAML of plain map/list trees. */
public final class Out {
    private Out() {}

    /** Prints {@code tree} as indented JSON or block YAML. */
    public static void tree(PrintWriter out, OutputFormat format, Object tree) {
        switch (format) {
            case json, table, markdown, html -> out.println(JsonWriter.pretty(tree));
            case yaml ->
                out.print(new Dump(DumpSettings.builder()
                                .setDefaultFlowStyle(FlowStyle.BLOCK)
                                .setIndent(2)
                                .setIndicatorIndent(0)
                                .build())
                        .dumpToString(tree));
        }
        out.flush();
    }

    /**
     * Prints records (a map, a list of maps, or a page {@code {"items", "offset", "more"}}) as an aligned
     * table in the table format (a map as key/value rows), and as {@link #tree} otherwise. Nested ids print
     * as Akash writes them ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}), coins as {@code 100uusd}.
     */
    public static void records(PrintWriter out, OutputFormat format, Object tree) {
        if (!format.tabular()) {
            tree(out, format, tree);
            return;
        }
        if (tree instanceof Map<?, ?> m && m.get("items") instanceof List<?> items && m.containsKey("more")) {
            rows(out, format, items);
            if (Boolean.TRUE.equals(m.get("more"))) {
                out.println("(more: --offset " + (toLong(m.get("offset")) + items.size()) + ")");
            }
        } else if (tree instanceof List<?> list) {
            rows(out, format, list);
        } else if (tree instanceof Map<?, ?> m) {
            Table t = new Table("FIELD", "VALUE");
            flatten("", m, t);
            t.print(out, format);
        } else {
            out.println(String.valueOf(tree));
        }
        out.flush();
    }

    private static long toLong(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    private static void rows(PrintWriter out, OutputFormat format, List<?> list) {
        if (list.isEmpty()) {
            out.println("(none)");
            return;
        }
        java.util.LinkedHashSet<String> columns = new java.util.LinkedHashSet<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> m) {
                for (Object k : m.keySet()) {
                    columns.add(String.valueOf(k));
                }
            }
        }
        Table t = new Table(
                columns.stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new));
        for (Object o : list) {
            Map<?, ?> m = o instanceof Map<?, ?> map ? map : Map.of();
            t.row(columns.stream().map(c -> cell(m.get(c))).toArray());
        }
        t.print(out, format);
    }

    private static void flatten(String prefix, Map<?, ?> m, Table t) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested && !isId(nested) && !isCoin(nested)) {
                flatten(key + ".", nested, t);
            } else {
                t.row(key, cell(v));
            }
        }
    }

    private static boolean isId(Map<?, ?> m) {
        return m.containsKey("owner")
                && m.containsKey("dseq")
                && m.keySet().stream()
                        .allMatch(k -> List.of("owner", "dseq", "gseq", "oseq", "provider")
                                .contains(String.valueOf(k)));
    }

    private static boolean isCoin(Map<?, ?> m) {
        return m.size() == 2 && m.containsKey("denom") && m.containsKey("amount");
    }

    /** One cell: ids as paths, coins as amount+denom, other nesting as compact JSON. */
    public static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Map<?, ?> m && isId(m)) {
            StringBuilder b = new StringBuilder();
            for (String k : List.of("owner", "dseq", "gseq", "oseq", "provider")) {
                if (m.containsKey(k)) {
                    b.append(b.isEmpty() ? "" : "/").append(m.get(k));
                }
            }
            return b.toString();
        }
        if (v instanceof Map<?, ?> m && isCoin(m)) {
            return m.get("amount") + String.valueOf(m.get("denom"));
        }
        if (v instanceof List<?> l && l.stream().allMatch(o -> o instanceof Map<?, ?> c && isCoin(c))) {
            return String.join(",", l.stream().map(Out::cell).toList());
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return JsonWriter.compact(v);
        }
        return String.valueOf(v);
    }

    /** A table with a header row; columns padded to their widest cell. */
    public static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        public Table(String... header) {
            columns = header.length;
            rows.add(header);
        }

        public Table row(Object... cells) {
            String[] r = new String[columns];
            for (int i = 0; i < columns; i++) {
                r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
            }
            rows.add(r);
            return this;
        }

        public void print(PrintWriter out) {
            print(out, OutputFormat.table);
        }

        /** Aligned text, a markdown table ({@code markdown}) or an HTML table ({@code html}). */
        public void print(PrintWriter out, OutputFormat format) {
            if (format == OutputFormat.markdown) {
                for (int r = 0; r < rows.size(); r++) {
                    out.println("| "
                            + String.join(
                                    " | ",
                                    java.util.Arrays.stream(rows.get(r))
                                            .map(c -> c.replace("|", "\\|"))
                                            .toList())
                            + " |");
                    if (r == 0) {
                        out.println("|" + " --- |".repeat(columns));
                    }
                }
                out.flush();
                return;
            }
            if (format == OutputFormat.html) {
                out.println("<table>");
                for (int r = 0; r < rows.size(); r++) {
                    String tag = r == 0 ? "th" : "td";
                    StringBuilder line = new StringBuilder("<tr>");
                    for (String c : rows.get(r)) {
                        line.append('<')
                                .append(tag)
                                .append('>')
                                .append(escapeHtml(c))
                                .append("</")
                                .append(tag)
                                .append('>');
                    }
                    out.println(line.append("</tr>"));
                }
                out.println("</table>");
                out.flush();
                return;
            }
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(r[i]);
                    if (i < columns - 1) {
                        line.append(" ".repeat(width[i] - r[i].length() + 2));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }

    public static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Bytes as the largest binary unit that divides them (512Mi, 1Gi), else decimal units or bytes. */
    public static String bytes(long bytes) {
        String[] binary = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
        for (int i = 0; i < binary.length; i++) {
            long unit = 1L << (10 * (6 - i));
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + binary[i];
            }
        }
        String[] decimal = {"E", "P", "T", "G", "M", "k"};
        long unit = 1_000_000_000_000_000_000L;
        for (String suffix : decimal) {
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + suffix;
            }
            unit /= 1000;
        }
        return Long.toString(bytes);
    }

    /** Millicores as cores: 1000 → 1, 500 → 0.5, 1250 → 1.25. */
    public static String cores(long millicores) {
        return java.math.BigDecimal.valueOf(millicores, 3).stripTrailingZeros().toPlainString();
    }
}
