package dev.vyoma.http;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes a connection whose request head (request line and headers) is not complete within {@code headTimeout} of
 * its first byte: the slowloris client, which keeps a connection by sending a header byte now and then, each byte
 * resetting the idle timeout. A connection that sends nothing is the idle timeout's; a slow body is the handler's.
 * Added to a connector both as a bean (it starts and stops with it) and as an event listener; a daemon thread looks at
 * the open HTTP/1 connections' parsers every {@link #period} and closes those in one head for too long.
 */
public final class SlowHeads extends AbstractLifeCycle implements Connection.Listener {
    private static final System.Logger LOG = System.getLogger(SlowHeads.class.getName());

    private final Duration headTimeout;
    private final Duration period;
    private final Map<HttpConnection, Head> open = new ConcurrentHashMap<>();
    private final AtomicLong closed = new AtomicLong();
    private ScheduledExecutorService sweeper;

    /** Where a connection's current head began: its request count then, and the time it was first seen. */
    private record Head(long messagesIn, long sinceNanos) {}

    private static final Head NONE = new Head(-1, 0);

    /** Closes connections whose request head takes longer than {@code headTimeout} to arrive. */
    public SlowHeads(Duration headTimeout) {
        if (headTimeout.isNegative() || headTimeout.isZero()) {
            throw new IllegalArgumentException("the request head timeout must be positive");
        }
        this.headTimeout = headTimeout;
        long quarter = headTimeout.toMillis() / 4;
        this.period = Duration.ofMillis(Math.max(20, Math.min(1_000, quarter)));
    }

    @Override
    protected void doStart() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "slow-heads");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        // Kept only by the executor: sweepSafely never throws, so the schedule cannot end by a failure, and
        // doStop ends it with the executor.
        var unused = s.scheduleWithFixedDelay(
                this::sweepSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        sweeper = s;
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
        open.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.put(http, NONE);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.remove(http);
        }
    }

    /** How many connections were closed for a slow head since start. */
    public long closed() {
        return closed.get();
    }

    /** One sweep; a failure is logged and the next sweep still runs (a thrown exception would end the schedule). */
    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "slow-head sweep failed; the next one runs as scheduled", e);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<HttpConnection, Head>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<HttpConnection, Head> e = it.next();
            HttpConnection c = e.getKey();
            if (!inHead(c.getParser())) {
                e.setValue(NONE);
                continue;
            }
            Head head = e.getValue();
            long messages = c.getMessagesIn();
            if (head == NONE || head.messagesIn() != messages) {
                e.setValue(new Head(messages, now));
            } else if (now - head.sinceNanos() > headTimeout.toNanos()) {
                it.remove();
                closed.incrementAndGet();
                c.getEndPoint().close();
            }
        }
    }

    /** Between the first byte of a request and the end of its headers. */
    private static boolean inHead(HttpParser parser) {
        HttpParser.State s = parser.getState();
        return s.compareTo(HttpParser.State.START) > 0 && s.compareTo(HttpParser.State.CONTENT) < 0;
    }
}
