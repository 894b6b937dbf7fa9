/**
 * The statistics database: DuckDB in a file (the embedded default) or PostgreSQL (shared), opened from one
 * {@code --db} string, with the schema migrated on open (Flyway for PostgreSQL, the same SQL files for DuckDB).
 */
package dev.vyoma.stats.store;
