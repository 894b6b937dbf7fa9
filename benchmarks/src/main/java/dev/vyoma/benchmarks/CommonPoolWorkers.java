package dev.vyoma.benchmarks;

import dev.vyoma.ledger.state.Workers;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * {@link Workers} on the JVM's common fork/join pool, the calling thread included: on the two-core
 * machines here that is two workers. The shape a node would pass the ledger.
 */
final class CommonPoolWorkers implements Workers {
    @Override
    public int parallelism() {
        return ForkJoinPool.getCommonPoolParallelism() + 1;
    }

    @Override
    public void run(int count, IntConsumer task) {
        IntStream.range(0, count).parallel().forEach(task);
    }

    @Override
    public Handle submit(Runnable task) {
        ForkJoinTask<?> submitted = ForkJoinPool.commonPool().submit(task);
        return submitted::join;
    }
}
