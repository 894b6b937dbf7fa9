/**
 * The metrics: each defined once ({@link dev.vyoma.stats.metrics.Metric}, documented in docs/metrics.md), computed
 * per UTC day (or hour) and per period from the indexed tables ({@link dev.vyoma.stats.metrics.MetricsQuery}, with
 * the providers' capacity read by {@code CapacityQuery} and buckets summed into figures by {@code BucketFigures}),
 * and compared with a previous period ({@link dev.vyoma.stats.metrics.Report}).
 */
package dev.vyoma.stats.metrics;
