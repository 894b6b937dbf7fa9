package dev.vyoma.cli;

import dev.vyoma.sdl.json.JsonWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/** Printing helpers: aligned tables, and JSON or YAML of plain map/list trees. */
final class Out {
    private Out() {}

    /** Prints {@code tree} as indented JSON or block YAML. */
    static void tree(PrintWriter out, OutputFormat format, Object tree) {
        switch (format) {
            case json, table -> out.println(JsonWriter.pretty(tree));
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

    /** A table with a header row; columns padded to their widest cell. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(String... header) {
            columns = header.length;
            rows.add(header);
        }

        Table row(Object... cells) {
            String[] r = new String[columns];
            for (int i = 0; i < columns; i++) {
                r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
            }
            rows.add(r);
            return this;
        }

        void print(PrintWriter out) {
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

    /** Bytes as the largest binary unit that divides them (512Mi, 1Gi), else decimal units or bytes. */
    static String bytes(long bytes) {
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
    static String cores(long millicores) {
        return java.math.BigDecimal.valueOf(millicores, 3).stripTrailingZeros().toPlainString();
    }
}
