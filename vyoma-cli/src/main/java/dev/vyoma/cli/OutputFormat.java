package dev.vyoma.cli;

/** How commands print their results: tables for people, JSON or YAML for scripts. */
public enum OutputFormat {
    table,
    json,
    yaml
}
