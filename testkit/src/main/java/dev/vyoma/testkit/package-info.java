/**
 * Helpers shared by the tests of every module: where the shared conformance fixtures are, seeded randomness that
 * prints its seed on failure so any run can be replayed, and container images made locally for the tests that run
 * real containers.
 */
package dev.vyoma.testkit;
