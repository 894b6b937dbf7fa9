package dev.vyoma.sim;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The scenario's calendar: blocks and days (a warm-up before the quarter's first day), the tenants' arrival
 * rates with their ramps and surges, the gaps between a provider's failures, and the queue of actions due at a
 * height, in the order they were scheduled.
 */
final class ScenarioCalendar {
    /** What an action due at a height does. */
    enum ActionKind {
        CLOSE,
        PATIENCE,
        RETRY,
        JOIN,
        FAIL,
        RECOVER,
        LEAVE,
        DELETE,
        PRICE
    }

    /** An action due at {@code height}; {@code seq} keeps the actions of one height in the order scheduled. */
    record Action(long height, long seq, ActionKind kind, Object subject) {}

    private final Scenario sc;
    final long blockMillis;
    final long blocksPerDay;
    private final PriorityQueue<Action> actions =
            new PriorityQueue<>(Comparator.comparingLong(Action::height).thenComparingLong(Action::seq));
    private long actionSeq;

    ScenarioCalendar(Scenario scenario) {
        this.sc = scenario;
        this.blockMillis = scenario.blockSeconds() * 1000L;
        this.blocksPerDay = 86_400L / scenario.blockSeconds();
    }

    /** The first block at or after {@code day} (days from the quarter's start). */
    long heightOfDay(double day) {
        long h = (long) Math.ceil((day + sc.warmupDays()) * blocksPerDay);
        return Math.max(1, h);
    }

    /** Days from the quarter's start at block {@code h}. */
    double dayOf(long h) {
        return (double) h / blocksPerDay - sc.warmupDays();
    }

    /** The day (from the quarter's start, negative in the warm-up) that block {@code h} is in. */
    int dayIndex(long h) {
        return (int) Math.floorDiv(h, blocksPerDay) - sc.warmupDays();
    }

    /** Blocks until a provider's next failure, drawn from {@code random}. */
    long failureGap(Scenario.Failure f, SplittableRandom random) {
        return 1 + (long) (-Math.log(1 - random.nextDouble()) * f.mtbfDays() * blocksPerDay);
    }

    /** The largest factor the surges can multiply kind {@code t}'s arrivals by (1 without surges). */
    double surgeFactor(Scenario.TenantKind t) {
        double surge = 1;
        for (Scenario.Event e : sc.events()) {
            if (e instanceof Scenario.Surge s && appliesTo(s, t)) {
                surge = Math.max(surge, surge * s.factor());
            }
        }
        return surge;
    }

    private static boolean appliesTo(Scenario.Surge s, Scenario.TenantKind t) {
        return t.gpu() && (s.model().equals("*") || s.model().equals(t.gpuModel()));
    }

    /** Arrivals per block of kind {@code t} at block {@code h} without surges: the ramp. */
    double baseRate(Scenario.TenantKind t, long h) {
        double day = dayOf(h);
        double f = day <= 0 ? 0 : Math.min(1, day / sc.days());
        return (t.arrivalsPerDay() + (t.arrivalsPerDayEnd() - t.arrivalsPerDay()) * f) / blocksPerDay;
    }

    /** Arrivals per block of kind {@code t} at block {@code h}: the ramp times any surge then. */
    double rate(Scenario.TenantKind t, long h) {
        double day = dayOf(h);
        double r = baseRate(t, h) * blocksPerDay;
        for (Scenario.Event e : sc.events()) {
            if (e instanceof Scenario.Surge s && appliesTo(s, t) && day >= s.fromDay() && day < s.toDay()) {
                r *= s.factor();
            }
        }
        return r / blocksPerDay;
    }

    /** Blocks to the next arrival of a Poisson process of {@code rate} arrivals per block. */
    static double draw(SplittableRandom r, double rate) {
        return -Math.log(1 - r.nextDouble()) / rate;
    }

    void schedule(long h, ActionKind kind, Object subject) {
        actions.add(new Action(h, actionSeq++, kind, subject));
    }

    /** The next action due at or before {@code height}, or null when none is. */
    Action nextDue(long height) {
        return !actions.isEmpty() && actions.peek().height() <= height ? actions.poll() : null;
    }
}
