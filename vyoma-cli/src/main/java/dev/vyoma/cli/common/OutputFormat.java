package dev.vyoma.cli.common;

/**
 * How commands print their results: tables for people (aligned text, or a markdown or HTML table to paste
 * into a document), JSON or YAML for scripts.
 */
public enum OutputFormat {
    table,
    json,
    yaml,
    markdown,
    html;

    /** Whether records print as a table (aligned, markdown or HTML) rather than as a JSON or YAML tree. */
    public boolean tabular() {
        return this == table || this == markdown || this == html;
    }
}
