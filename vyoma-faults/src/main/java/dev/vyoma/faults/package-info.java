/**
 * The fault campaign: validators as separate processes, each in a network namespace of its own with its own address,
 * a client workload through several of them, faults chosen from a seed (partitions, pauses, kills, full disks, wiped
 * data), and the checks of the history afterwards. See docs/faults.md.
 */
package dev.vyoma.faults;
