package dev.vyoma.node.api;

import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.node.chain.Node;
import io.javalin.http.sse.SseClient;
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
 * its own, reading the block store; a slow client delays only itself. Subscribers are admitted only under the
 * caps of {@link Api.Limits} (per client: 429; in all: 503), and a stream with nothing to say writes a comment every
 * {@link Api.Limits#keepAlive}, which finds a subscriber that left and gives its place back.
 */
final class EventStream {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final Node node;
    private final JsonMapper json;
    private final Api.Limits limits;
    private final Set<Thread> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<java.net.InetAddress, Integer> byClient = new java.util.HashMap<>();
    private int subscribers;
    private volatile boolean closed;

    EventStream(Node node, JsonMapper json, Api.Limits limits) {
        this.node = node;
        this.json = json;
        this.limits = limits;
    }

    /** A subscriber's place; closing it gives the place back (once, however often it is closed). */
    final class Subscription implements AutoCloseable {
        private final java.net.InetAddress client;
        private boolean released;

        private Subscription(java.net.InetAddress client) {
            this.client = client;
        }

        @Override
        public void close() {
            synchronized (EventStream.this) {
                if (!released) {
                    released = true;
                    subscribers--;
                    byClient.computeIfPresent(client, (c, n) -> n == 1 ? null : n - 1);
                }
            }
        }
    }

    /**
     * A place for a subscriber from {@code client}, or a 429 (its client has {@link Api.Limits#subscribersPerClient})
     * or a 503 (the node has {@link Api.Limits#subscribers}) with a message.
     */
    synchronized Subscription admit(java.net.InetAddress client) {
        if (byClient.getOrDefault(client, 0) >= limits.subscribersPerClient()) {
            throw new io.javalin.http.HttpResponseException(
                    429,
                    "at most " + limits.subscribersPerClient()
                            + " event streams from one client; close one (one stream can carry every type)");
        }
        if (subscribers >= limits.subscribers()) {
            throw new io.javalin.http.HttpResponseException(
                    503, "the node serves at most " + limits.subscribers() + " event streams; retry later");
        }
        byClient.merge(client, 1, Integer::sum);
        subscribers++;
        return new Subscription(client);
    }

    /** How many subscribers are being served. */
    synchronized int subscribers() {
        return subscribers;
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
                        + dev.vyoma.ledger.base.WholeNumber.shown(lastEventId));
            }
            long h = dev.vyoma.ledger.base.WholeNumber.parse(p[0], "the height in Last-Event-ID", 1, Long.MAX_VALUE);
            int i = (int)
                    dev.vyoma.ledger.base.WholeNumber.parse(p[1], "the index in Last-Event-ID", 0, Integer.MAX_VALUE);
            return new Position(h, i);
        }
        if (from != null) {
            return new Position(
                    dev.vyoma.ledger.base.WholeNumber.parse(from, "from (a height)", 1, Long.MAX_VALUE), -1);
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
                        + " OrderCreated,LeaseClosed; " + dev.vyoma.ledger.base.WholeNumber.shown(t) + " is not one");
            }
        }
        return Set.of(java.util.Arrays.stream(names).distinct().toArray(String[]::new));
    }

    /** Streams to {@code client} on a thread of its own; the subscription is given back when the stream ends. */
    void serve(SseClient client, Position start, Set<String> types, Subscription subscription) {
        client.keepAlive();
        Thread.ofVirtual().name("events-" + start.height()).start(() -> {
            streams.add(Thread.currentThread());
            try (subscription) {
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
                if (node.awaitHeightAbove(h - 1, limits.keepAlive()) < h) {
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
