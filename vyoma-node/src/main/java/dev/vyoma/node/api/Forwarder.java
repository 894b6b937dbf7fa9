package dev.vyoma.node.api;

import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.chain.TxForwarder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime of a follower's {@link TxForwarder}: one timer thread that ticks it when a round is due and at
 * once when a transaction was admitted, and the transport, which posts a batch to the leader's
 * {@code /v1/txs/batch}.
 */
final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    /** Raw bytes per batch, so that its base64 stays under the API's request limit. */
    private static final long BATCH_BYTES = Api.MAX_REQUEST_BYTES / 2;

    private final Map<String, String> apiAddresses;
    private final Node node;
    private final Clock clock;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tx-forwarder").factory());
    private final TxForwarder forwarder;
    private final AtomicBoolean nudged = new AtomicBoolean();

    Forwarder(Node node, Map<String, String> apiAddresses, Duration every) {
        this.apiAddresses = Map.copyOf(apiAddresses);
        this.node = node;
        this.clock = Clock.systemUTC();
        TxForwarder.Leadership leadership = new TxForwarder.Leadership() {
            @Override
            public boolean isLeader() {
                return node.isLeader();
            }

            @Override
            public Optional<String> leaderId() {
                return node.leaderId();
            }
        };
        this.forwarder = new TxForwarder(node.mempool(), leadership, this::send, every, Api.MAX_BATCH, BATCH_BYTES);
        // Each round schedules the next itself (scheduled() never throws); close() ends the chain by shutting the
        // timer, so no future needs keeping.
        var unused = timer.schedule(this::scheduled, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Asks for a round now (a transaction was just admitted): at most one waits at a time, so a stream of
     * admissions becomes a stream of batches, each carrying what arrived while the last was in flight.
     */
    void nudge() {
        if (nudged.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    nudged.set(false);
                    forwarder.nudge();
                    tick();
                });
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** One round, then the next one's schedule: a failure here is logged, never thrown, or the chain would end. */
    private void scheduled() {
        long delayMs = 200;
        try {
            Instant next = tick();
            delayMs = Math.max(1, Duration.between(clock.instant(), next).toMillis());
        } catch (RuntimeException e) {
            LOG.warn("forwarding round failed; the next one runs in {} ms", delayMs, e);
        }
        try {
            var unused = timer.schedule(this::scheduled, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private Instant tick() {
        Instant now = clock.instant();
        try {
            return forwarder.tick(now);
        } catch (IOException e) {
            LOG.debug("cannot reach the leader: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("forwarding failed", e);
        }
        return now.plusMillis(200);
    }

    /** Posts one batch to the leader's API; false if it did not take it. */
    private boolean send(String leaderId, List<SignedTx> batch) throws IOException, InterruptedException {
        // A leader added after this node started is found through the API address in its Raft entry.
        String address = node.validators().apiAddress(leaderId).orElseGet(() -> apiAddresses.get(leaderId));
        if (address == null) {
            return false;
        }
        StringBuilder body = new StringBuilder("{\"txs\":[");
        for (int i = 0; i < batch.size(); i++) {
            body.append(i == 0 ? "\"" : ",\"")
                    .append(Base64.getEncoder().encodeToString(batch.get(i).encode()))
                    .append('"');
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/v1/txs/batch"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            LOG.debug("leader at {} did not take a batch: HTTP {} {}", address, r.statusCode(), r.body());
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
