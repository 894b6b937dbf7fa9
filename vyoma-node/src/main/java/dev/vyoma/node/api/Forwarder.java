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
 * Sends a follower's pending transactions to the leader, which alone builds blocks. Each is sent once per
 * leader; when leadership moves, what is still pending goes to the new leader, so a transaction a follower
 * admitted is not lost with the leader it was sent to. The follower keeps its own copy until a block
 * includes it.
 */
final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int MAX_PER_ROUND = 2_000;

    private final Node node;
    private final Map<String, String> apiAddresses;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tx-forwarder").factory());
    private final Set<String> sent = new HashSet<>();
    private String sentTo;

    Forwarder(Node node, Map<String, String> apiAddresses, Duration every) {
        this.node = node;
        this.apiAddresses = Map.copyOf(apiAddresses);
        timer.scheduleWithFixedDelay(this::round, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
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
            for (SignedTx tx : pending) {
                if (sent.contains(tx.hashHex())) {
                    continue;
                }
                String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(tx.encode()) + "\"}";
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/v1/txs"))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202 || r.statusCode() == 200 || r.statusCode() == 409) {
                    sent.add(tx.hashHex());
                } else if (r.statusCode() >= 500) {
                    return; // the leader is busy or going; try again next round
                } else {
                    // The leader refuses it (its state is ahead of ours): the next block here evicts it too.
                    sent.add(tx.hashHex());
                    LOG.debug("leader {} refused {}: {}", leader, tx.hashHex(), r.body());
                }
            }
        } catch (java.io.IOException e) {
            LOG.debug("cannot reach the leader: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("forwarding failed", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
