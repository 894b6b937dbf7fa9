/**
 * A report's presentations: a JSON tree, an aligned table, markdown and HTML ({@link
 * dev.vyoma.stats.report.ReportView}), the tables beyond the summary ({@link dev.vyoma.stats.report.ReportSections}),
 * the quarterly report, and PNG charts (XChart).
 */
package dev.vyoma.stats.report;
