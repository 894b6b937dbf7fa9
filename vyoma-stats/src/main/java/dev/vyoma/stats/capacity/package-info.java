/**
 * Provider capacity: snapshots of each registered provider's status endpoint (CPU, memory, storage, GPUs by
 * model: total, allocatable, allocated), polled at an interval as Akash's indexer does, and stored beside the
 * chain's data.
 */
package dev.vyoma.stats.capacity;
