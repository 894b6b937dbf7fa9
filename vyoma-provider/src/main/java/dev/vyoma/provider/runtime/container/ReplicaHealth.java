package dev.vyoma.provider.runtime.container;

import java.time.Instant;

/**
 * What the reconcile loop knows of one replica: how often it was restarted, why it last stopped ({@code OOMKilled},
 * {@code Error (exit code 1)}, {@code Completed}; empty if never), its exits in a row (for the backoff), when it
 * may start again ({@code null}: not waiting) and since when it runs ({@code null}: not running).
 */
public record ReplicaHealth(int restarts, String lastExit, int crashes, Instant restartAt, Instant runningSince) {
    /** A replica that has not stopped yet. */
    public static final ReplicaHealth NEW = new ReplicaHealth(0, "", 0, null, null);

    /** It was seen stopped for {@code reason}; it starts again at {@code at}. */
    ReplicaHealth exited(String reason, Instant at) {
        return new ReplicaHealth(restarts, reason, crashes, at, null);
    }

    /**
     * Its container was lost for {@code reason} (not an exit of the tenant's) and is created again now: a restart,
     * but not one in a row for the backoff.
     */
    ReplicaHealth replaced(String reason) {
        return new ReplicaHealth(restarts + 1, reason, crashes, null, null);
    }

    /** It was started again. */
    ReplicaHealth restarted() {
        return new ReplicaHealth(restarts + 1, lastExit, crashes + 1, null, null);
    }

    /** It is running at {@code now}; after {@code backoff}'s reset time its exits in a row are forgotten. */
    ReplicaHealth running(Instant now, Backoff backoff) {
        if (runningSince == null) {
            return new ReplicaHealth(restarts, lastExit, crashes, null, now);
        }
        boolean reset = crashes > 0 && !now.isBefore(runningSince.plus(backoff.resetAfter()));
        return reset ? new ReplicaHealth(restarts, lastExit, 0, null, runningSince) : this;
    }
}
