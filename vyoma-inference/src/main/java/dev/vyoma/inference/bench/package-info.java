/** Measurements of the gateway against calling a worker directly, in one run. */
package dev.vyoma.inference.bench;
