package dev.vyoma.node.chain;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.TxResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * The node's Prometheus metrics, served at {@code /metrics}: height, blocks, transactions by outcome (their
 * rate is the chain's transactions per second), block apply time and size, mempool size, Raft term and role,
 * and the JVM's memory, collections and threads.
 */
public final class NodeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter blocks;
    private final Counter txsOk;
    private final Counter txsFailed;
    private final Counter txsRefused;
    private final Timer apply;
    private final DistributionSummary blockTxs;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    NodeMetrics(Node node) {
        Gauge.builder("vyoma.block.height", node.blocks(), b -> b.latestHeight())
                .description("height of the last block applied and stored")
                .register(registry);
        Gauge.builder("vyoma.mempool.transactions", node, n -> n.mempool().size())
                .description("transactions waiting in the mempool")
                .register(registry);
        Gauge.builder("vyoma.mempool.bytes", node, n -> n.mempool().bytes())
                .description("wire bytes of the transactions in the mempool")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("vyoma.raft.term", node, Node::term)
                .description("current Raft term")
                .register(registry);
        Gauge.builder("vyoma.raft.leader", node, n -> n.isLeader() ? 1 : 0)
                .description("1 while this node leads the group")
                .register(registry);
        blocks = Counter.builder("vyoma.blocks").description("blocks applied").register(registry);
        txsOk = Counter.builder("vyoma.transactions")
                .tag("result", "ok")
                .description("transactions in blocks, by outcome")
                .register(registry);
        txsFailed =
                Counter.builder("vyoma.transactions").tag("result", "failed").register(registry);
        txsRefused =
                Counter.builder("vyoma.transactions").tag("result", "refused").register(registry);
        apply = Timer.builder("vyoma.block.apply")
                .description("time to apply a block through the ledger and store it")
                .publishPercentileHistogram()
                .register(registry);
        blockTxs = DistributionSummary.builder("vyoma.block.transactions")
                .description("transactions per block")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    void applied(Block block, BlockResult result, long applyNanos) {
        blocks.increment();
        apply.record(applyNanos, TimeUnit.NANOSECONDS);
        blockTxs.record(block.txs().size());
        for (TxResult r : result.txs()) {
            if (r.ok()) {
                txsOk.increment();
            } else if (r.charged()) {
                txsFailed.increment();
            } else {
                txsRefused.increment();
            }
        }
    }

    /** The metrics in Prometheus's text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
