/**
 * The process runtime: a lease's services as local processes, with the image table, re-adoption after restarts,
 * and {@link dev.vyoma.provider.runtime.LeaseDirs}, the one place that turns lease ids and names into paths.
 */
package dev.vyoma.provider.runtime;
