package dev.vyoma.node.api;

import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.node.Node;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/events}: the chain's events as Server-Sent Events, from a height or from where a client
 * left off, then live. Every event has the id {@code HEIGHT:INDEX} (its place in the block's event list),
 * and each block ends with an event of type {@code block} whose index is one past its last event, so that a
 * client reconnecting with {@code Last-Event-ID} gets exactly what it has not seen. {@code types=A,B}
 * keeps only those event types (block markers always come). Each client is served by a virtual thread of
 * its own, reading the block store; a slow client delays only itself.
 */
final class EventStream {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final Node node;
    private final JsonMapper json;
    private final Set<Thread> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventStream(Node node, JsonMapper json) {
        this.node = node;
        this.json = json;
    }

    /** Where to start: {@code height} and the last index already seen there (-1: none). */
    record Position(long height, int seen) {}

    /** What a subscriber asked for: where to start, and the event types to keep (empty: all). */
    record Request(Position start, Set<String> types) {}

    /** The name of every event type, as streams name them. */
    static final Set<String> TYPES = java.util.Arrays.stream(Event.class.getPermittedSubclasses())
            .map(Class::getSimpleName)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * Parses a subscription: the start from {@code Last-Event-ID} (resume) or {@code ?from=H} (the next block by
     * default), and {@code ?types=A,B}, each a known event type. An {@link IllegalArgumentException} says what is
     * wrong; every number has its one canonical spelling.
     */
    static Request request(String lastEventId, String from, String types, long latest) {
        return new Request(position(lastEventId, from, latest), types(types));
    }

    static Position position(String lastEventId, String from, long latest) {
        if (lastEventId != null && !lastEventId.isEmpty()) {
            String[] p = lastEventId.split(":", -1);
            if (p.length != 2) {
                throw new IllegalArgumentException("Last-Event-ID is HEIGHT:INDEX as this stream sent it, got "
                        + dev.vyoma.ledger.WholeNumber.shown(lastEventId));
            }
            long h = dev.vyoma.ledger.WholeNumber.parse(p[0], "the height in Last-Event-ID", 1, Long.MAX_VALUE);
            int i = (int) dev.vyoma.ledger.WholeNumber.parse(p[1], "the index in Last-Event-ID", 0, Integer.MAX_VALUE);
            return new Position(h, i);
        }
        if (from != null) {
            return new Position(dev.vyoma.ledger.WholeNumber.parse(from, "from (a height)", 1, Long.MAX_VALUE), -1);
        }
        return new Position(latest + 1, -1);
    }

    private static Set<String> types(String types) {
        if (types == null || types.isEmpty()) {
            return Set.of();
        }
        String[] names = types.split(",", -1);
        if (names.length > TYPES.size()) {
            throw new IllegalArgumentException("types names at most " + TYPES.size() + " event types");
        }
        for (String t : names) {
            if (!TYPES.contains(t)) {
                throw new IllegalArgumentException("types is a comma-separated list of event types such as"
                        + " OrderCreated,LeaseClosed; " + dev.vyoma.ledger.WholeNumber.shown(t) + " is not one");
            }
        }
        return Set.of(java.util.Arrays.stream(names).distinct().toArray(String[]::new));
    }

    void serve(SseClient client, Position start, Set<String> types) {
        client.keepAlive();
        Thread.ofVirtual().name("events-" + start.height()).start(() -> {
            streams.add(Thread.currentThread());
            try {
                stream(client, start, types);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!client.terminated()) {
                    LOG.debug("event stream ended: {}", e.toString());
                }
            } finally {
                streams.remove(Thread.currentThread());
                if (!closed) {
                    client.close();
                }
            }
        });
    }

    /** Ends every stream (the API is stopping): their threads stop before the server recycles them. */
    void close() {
        closed = true;
        for (Thread t : streams) {
            t.interrupt();
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        while (!streams.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private void stream(SseClient client, Position start, Set<String> types) throws InterruptedException {
        long h = start.height();
        int seen = start.seen();
        while (!closed && !client.terminated()) {
            if (h > node.blocks().latestHeight()) {
                if (node.awaitHeightAbove(h - 1, KEEP_ALIVE) < h) {
                    client.sendComment("keep-alive");
                }
                continue;
            }
            Optional<BlockResult> stored = node.blocks().result(h);
            if (stored.isEmpty()) {
                return;
            }
            BlockResult r = stored.get();
            List<Event> events = r.events();
            for (int i = seen + 1; i < events.size() && !closed && !client.terminated(); i++) {
                Event e = events.get(i);
                String type = e.getClass().getSimpleName();
                if (types.isEmpty() || types.contains(type)) {
                    ObjectNode n = json.createObjectNode();
                    n.put("height", h);
                    n.setAll(ApiJson.events(List.of(e)).get(0));
                    client.sendEvent(type, json.writeValueAsString(n), h + ":" + i);
                }
            }
            if (seen < events.size()) {
                Map<String, Object> marker = new LinkedHashMap<>();
                marker.put("height", h);
                marker.put("hash", r.blockHashHex());
                marker.put("state", r.stateHex());
                marker.put("txs", r.txs().size());
                marker.put("events", events.size());
                client.sendEvent("block", json.writeValueAsString(marker), h + ":" + events.size());
            }
            h++;
            seen = -1;
        }
    }
}
