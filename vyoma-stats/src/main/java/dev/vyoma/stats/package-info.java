/**
 * Network statistics: an indexer that follows the chain into SQL, the metric definitions (one place,
 * {@link dev.vyoma.stats.metrics.Metric}), period reports with charts, and a dashboard. See docs/metrics.md.
 */
package dev.vyoma.stats;
