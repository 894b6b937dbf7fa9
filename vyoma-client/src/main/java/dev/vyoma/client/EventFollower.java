package dev.vyoma.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows a node's event stream ({@code /v1/events}) from a height, and keeps following through
 * disconnects: it reconnects with {@code Last-Event-ID} set to the last event it handed on, so the handler
 * sees every event exactly once and in order, whatever happens to the connection or the node. The handler
 * runs on the follower's thread; {@link #position()} says where to resume after a restart of the follower
 * itself (persist it, and pass it to {@link #resumeAfter}).
 */
public final class EventFollower implements AutoCloseable {
    /** One event: its id ({@code HEIGHT:INDEX}), type, block height and JSON (with {@code type} and {@code height}). */
    public record ChainEvent(String id, String type, long height, JsonNode data) {}

    /** Receives the events. An exception stops the follower (see {@link #failure()}). */
    public interface Handler {
        void accept(ChainEvent event) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final Set<String> types;
    private final Handler handler;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Thread thread;
    private volatile String lastId;
    private final long fromHeight;
    private volatile boolean running = true;
    private volatile InputStream current;
    private volatile Exception failure;
    private final AtomicInteger connections = new AtomicInteger();

    private EventFollower(String nodeUrl, long fromHeight, String lastId, Set<String> types, Handler handler) {
        String url = nodeUrl.endsWith("/") ? nodeUrl.substring(0, nodeUrl.length() - 1) : nodeUrl;
        this.base = URI.create(url + "/v1/events");
        this.fromHeight = fromHeight;
        this.lastId = lastId;
        this.types = Set.copyOf(types);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.thread = Thread.ofPlatform().daemon().name("event-follower").unstarted(this::run);
    }

    /** Follows from the first event of block {@code height}; {@code types} empty means every type. */
    public static EventFollower fromHeight(String nodeUrl, long height, Set<String> types, Handler handler) {
        EventFollower f = new EventFollower(nodeUrl, height, null, types, handler);
        f.thread.start();
        return f;
    }

    /** Follows from right after the event with id {@code lastId} (a {@link #position()} saved earlier). */
    public static EventFollower resumeAfter(String nodeUrl, String lastId, Set<String> types, Handler handler) {
        EventFollower f = new EventFollower(nodeUrl, 0, Objects.requireNonNull(lastId, "lastId"), types, handler);
        f.thread.start();
        return f;
    }

    /** The id of the last event handed to the handler (block markers included), or null before the first. */
    public String position() {
        return lastId;
    }

    /** How many times the follower has connected (1 without any disconnect). */
    public int connections() {
        return connections.get();
    }

    /** What stopped the follower, if its handler threw. */
    public Exception failure() {
        return failure;
    }

    private void run() {
        Duration backoff = Duration.ofMillis(100);
        while (running) {
            try {
                follow();
                backoff = Duration.ofMillis(100);
            } catch (HandlerFailed e) {
                failure = (Exception) e.getCause();
                LOG.warn("event handler failed at {}; the follower stops", lastId, e.getCause());
                return;
            } catch (IOException e) {
                if (running) {
                    LOG.debug("event stream interrupted ({}); reconnecting in {} ms", e.toString(), backoff.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                return;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                    ? Duration.ofSeconds(5)
                    : backoff.multipliedBy(2);
        }
    }

    private static final class HandlerFailed extends RuntimeException {
        HandlerFailed(Exception cause) {
            super(cause);
        }
    }

    private void follow() throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder();
        if (lastId == null) {
            query.append("?from=").append(fromHeight);
        }
        if (!types.isEmpty()) {
            query.append(query.isEmpty() ? "?" : "&").append("types=").append(String.join(",", types));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + query.toString()))
                .header("Accept", "text/event-stream")
                .GET();
        if (lastId != null) {
            request.header("Last-Event-ID", lastId);
        }
        HttpResponse<InputStream> r = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("the node answered HTTP " + r.statusCode());
        }
        connections.incrementAndGet();
        current = r.body();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (running && (line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        deliver(id, event, data.toString());
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
        }
        throw new IOException("the stream ended");
    }

    private void deliver(String id, String event, String data) throws IOException {
        if (event == null || id == null) {
            return;
        }
        if (event.equals("error")) {
            throw new IOException("the node refused the stream: " + data);
        }
        JsonNode n = JSON.readTree(data);
        if (!event.equals("block")) {
            try {
                handler.accept(new ChainEvent(id, event, n.path("height").asLong(), n));
            } catch (Exception e) {
                throw new HandlerFailed(e);
            }
        }
        lastId = id;
    }

    /** Stops following and waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        InputStream in = current;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        thread.interrupt();
        thread.join(5_000);
    }
}
