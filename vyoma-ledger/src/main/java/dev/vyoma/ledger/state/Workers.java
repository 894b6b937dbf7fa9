package dev.vyoma.ledger.state;

import java.util.function.IntConsumer;

/**
 * Where the ledger's independent pieces of work run. The ledger starts no threads: the host (the node,
 * a benchmark) passes the workers it wants, and {@link #inline()} runs everything on the calling thread.
 * The state commitment is the only user so far: the elements a block changed are digested and expanded,
 * while the block goes on ({@link #submit}) and in chunks at its end ({@link #run}), each piece of work
 * into its own partial sum, and the sums are added up at the end of the block. Addition commutes, so the
 * commitment is the same whichever worker ran which piece, and in whatever order.
 */
public interface Workers {
    /** How many tasks can usefully run at once. */
    int parallelism();

    /**
     * Runs {@code task.accept(i)} for every {@code i} in {@code [0, count)}, in any order and on any threads,
     * and returns once all have finished, with their writes visible to the caller. A task's exception is
     * rethrown to the caller.
     */
    void run(int count, IntConsumer task);

    /**
     * Starts {@code task}, which may run on another thread, now or later, and returns a handle to wait for
     * it with. The ledger submits work it can overlap with applying the rest of a block.
     */
    Handle submit(Runnable task);

    /** A submitted task. */
    interface Handle {
        /** Returns once the task has finished, with its writes visible; rethrows its exception. */
        void await();
    }

    /** Everything on the calling thread, one task after another. */
    static Workers inline() {
        return Inline.INSTANCE;
    }

    /** The {@link #inline()} workers. */
    enum Inline implements Workers {
        INSTANCE;

        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public void run(int count, IntConsumer task) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
        }

        @Override
        public Handle submit(Runnable task) {
            task.run();
            return () -> {};
        }
    }
}
