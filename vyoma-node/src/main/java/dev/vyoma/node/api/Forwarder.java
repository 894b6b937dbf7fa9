package dev.vyoma.node.api;

import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.Node;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a follower's pending transactions to the leader, which alone builds blocks: as soon as they are
 * admitted, in batches, and again at an interval for whatever is still pending. Each is sent once per
 * leader; when leadership moves, what is still pending goes to the new leader, so a transaction a follower
 * admitted is not lost with the leader it was sent to. The follower keeps its own copy until a block
 * includes it.
 */
final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int MAX_PER_ROUND = 10_000;

    /** Raw bytes per batch, so that its base64 stays under the API's request limit. */
    private static final long BATCH_BYTES = Api.MAX_REQUEST_BYTES / 2;

    private final Node node;
    private final Map<String, String> apiAddresses;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tx-forwarder").factory());
    private final Set<String> sent = new HashSet<>();
    private String sentTo;
    private final java.util.concurrent.atomic.AtomicBoolean nudged = new java.util.concurrent.atomic.AtomicBoolean();

    Forwarder(Node node, Map<String, String> apiAddresses, Duration every) {
        this.node = node;
        this.apiAddresses = Map.copyOf(apiAddresses);
        timer.scheduleWithFixedDelay(this::round, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
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
                    round();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void round() {
        try {
            if (node.isLeader()) {
                sent.clear();
                sentTo = null;
                return;
            }
            String leader = node.leaderId().orElse(null);
            String address = leader == null ? null : apiAddresses.get(leader);
            if (address == null) {
                return;
            }
            if (!leader.equals(sentTo)) {
                sent.clear();
                sentTo = leader;
            }
            List<SignedTx> pending = node.mempool().reap(MAX_PER_ROUND, Long.MAX_VALUE);
            sent.retainAll(pending.stream().map(SignedTx::hashHex).collect(java.util.stream.Collectors.toSet()));
            List<SignedTx> batch = new java.util.ArrayList<>();
            long batchBytes = 0;
            for (SignedTx tx : pending) {
                if (sent.contains(tx.hashHex())) {
                    continue;
                }
                if (batch.size() == Api.MAX_BATCH || batchBytes + tx.wireLength() > BATCH_BYTES) {
                    if (!send(address, batch)) {
                        return;
                    }
                    batch.clear();
                    batchBytes = 0;
                }
                batch.add(tx);
                batchBytes += tx.wireLength();
            }
            if (!batch.isEmpty()) {
                send(address, batch);
            }
        } catch (java.io.IOException e) {
            LOG.debug("cannot reach the leader: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("forwarding failed", e);
        }
    }

    /**
     * Sends one batch; every transaction in it counts as sent (the leader admitted it, or refused it because
     * its state is ahead of ours, and our next block evicts it too). False if the leader could not take it.
     */
    private boolean send(String address, List<SignedTx> batch) throws java.io.IOException, InterruptedException {
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
        for (SignedTx tx : batch) {
            sent.add(tx.hashHex());
        }
        return true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
