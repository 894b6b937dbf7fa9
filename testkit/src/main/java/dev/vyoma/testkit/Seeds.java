package dev.vyoma.testkit;

import java.util.SplittableRandom;

/**
 * Seeds for randomized tests. A test takes its seed from {@link #seed(String)}: the value of system
 * property {@code test.seed} when set (to replay a failure), otherwise a fixed default per test so CI is
 * repeatable; {@code -Dtest.seed=random} picks a fresh one. Failures must print the seed with
 * {@link #replay(String, long)}.
 */
public final class Seeds {
    private Seeds() {}

    /** The seed to use for {@code test}. */
    public static long seed(String test) {
        String configured = System.getProperty("test.seed");
        if (configured == null || configured.isBlank()) {
            return test.hashCode() * 0x9E3779B97F4A7C15L;
        }
        if (configured.equals("random")) {
            return System.nanoTime() ^ Thread.currentThread().threadId();
        }
        return Long.parseLong(configured);
    }

    /** A generator for {@code seed}. */
    public static SplittableRandom random(long seed) {
        return new SplittableRandom(seed);
    }

    /** The line a failing randomized test adds to its message. */
    public static String replay(String test, long seed) {
        return test + " failed with seed " + seed + "; replay with -Dtest.seed=" + seed;
    }
}
