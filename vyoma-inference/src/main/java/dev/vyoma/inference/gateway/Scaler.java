package dev.vyoma.inference.gateway;

/**
 * How many replicas a model should have, from what the gateway sees: below the minimum, one more (a dead
 * replica is replaced this way); above a target of requests per replica (running plus queued) or a target
 * time to first token, one more up to the maximum, at most one per cool-down; with nothing running for the
 * idle period and above the minimum, one fewer. Pure: time comes in as an argument.
 */
public final class Scaler {
    /** What the gateway sees of one model now. */
    public record Observation(int healthy, int starting, int load, double ttftMs) {}

    private final int min;
    private final int max;
    private final double targetLoadPerReplica;
    private final double targetTtftMs;
    private final long coolDownMs;
    private final long idleMs;
    private long lastUpMs = Long.MIN_VALUE / 2;
    private long busySinceMs = Long.MIN_VALUE / 2;
    private long lastBusyMs;

    public Scaler(int min, int max, double targetLoadPerReplica, double targetTtftMs, long coolDownMs, long idleMs) {
        this.min = min;
        this.max = max;
        this.targetLoadPerReplica = targetLoadPerReplica;
        this.targetTtftMs = targetTtftMs;
        this.coolDownMs = coolDownMs;
        this.idleMs = idleMs;
    }

    /** +1 to lease a replica, -1 to release one, 0 to stay. */
    public int decide(Observation o, long nowMs) {
        int replicas = o.healthy() + o.starting();
        if (o.load() > 0) {
            lastBusyMs = nowMs;
        }
        if (replicas < min) {
            lastUpMs = nowMs;
            return +1;
        }
        if (o.starting() > 0) {
            return 0;
        }
        boolean overloaded = o.healthy() > 0
                && ((double) o.load() / o.healthy() > targetLoadPerReplica
                        || (o.ttftMs() >= 0 && o.ttftMs() > targetTtftMs && o.load() > 0));
        if (overloaded && replicas < max && nowMs - lastUpMs >= coolDownMs) {
            lastUpMs = nowMs;
            busySinceMs = nowMs;
            return +1;
        }
        if (o.healthy() > min && o.load() == 0 && nowMs - lastBusyMs >= idleMs && nowMs - busySinceMs >= idleMs) {
            return -1;
        }
        return 0;
    }
}
