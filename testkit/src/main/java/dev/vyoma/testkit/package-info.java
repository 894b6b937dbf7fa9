/**
 * Helpers shared by the tests of every module: where the shared conformance fixtures are, and seeded
 * randomness that prints its seed on failure so any run can be replayed.
 */
package dev.vyoma.testkit;
