package dev.vyoma.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The attack every server with connection limits must withstand, as one scenario for all of them: one address
 * holding its cap gets 429 on the next connection (told why, then closed) while another address is served, the
 * total gives 503, a slowloris head (a byte every 100 ms) is closed after the head timeout while the others are still
 * served, and a request head past its size gets 431. The server is started with small limits so each is reached.
 */
public final class GuardedServerScenario {
    /**
     * The server under test: its port; a path it answers, and what a served answer looks like; its name as its 503
     * says it ("the dashboard"); its limits; and its guard's counters of open connections and slow heads closed.
     */
    public record Server(
            int port,
            String path,
            Predicate<RawHttp.Answer> served,
            String name,
            int total,
            int perClient,
            Duration headTimeout,
            int requestHeadBytes,
            IntSupplier open,
            LongSupplier slowHeadsClosed) {
        public Server {
            if (perClient < 2 || total <= perClient || total - perClient >= perClient) {
                throw new IllegalArgumentException("the scenario needs 2 <= perClient < total < 2 * perClient, got "
                        + perClient + " and " + total);
            }
        }
    }

    private GuardedServerScenario() {}

    /** Runs the scenario against {@code s}; closes every connection it opened. */
    public static void run(Server s) throws IOException, InterruptedException {
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < s.perClient(); i++) {
                RawHttp c = connect(held, "127.0.0.1", s.port());
                RawHttp.Answer a = c.get(s.path());
                assertTrue(s.served().test(a), "connection " + (i + 1) + " within the cap is served: " + a);
            }
            RawHttp over = connect(held, "127.0.0.1", s.port());
            String refused = over.get(s.path()).toString();
            assertTrue(
                    refused.startsWith("429 ")
                            && refused.contains("at most " + s.perClient() + " open connections from one client"),
                    "past the address's cap: " + refused);
            assertTrue(over.closedWithin(5_000), "the refused connection is closed");
            awaitOpen(s, s.perClient());

            // Another address is served while the first holds its cap; the total refuses a third address.
            List<RawHttp> others = new ArrayList<>();
            for (int i = 0; i < s.total() - s.perClient(); i++) {
                RawHttp other = connect(held, "127.0.0.2", s.port());
                others.add(other);
                assertEquals(200, other.get(s.path()).status(), "another address is served");
            }
            RawHttp third = connect(held, "127.0.0.3", s.port());
            String full = third.get(s.path()).toString();
            assertTrue(
                    full.startsWith("503 ")
                            && full.contains(s.name() + " serves at most " + s.total() + " open connections"),
                    "past the total: " + full);

            // A slowloris head: a byte every 100 ms, closed after the head timeout; the others still served.
            others.remove(others.size() - 1).close();
            RawHttp loris = connect(held, "127.0.0.2", s.port());
            loris.send("GET " + s.path() + " HTTP/1.1\r\nHost: x\r\n");
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                try {
                    loris.send("X");
                    closed = loris.closedWithin(100);
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertTrue(closed, "the slow head is closed");
            assertTrue(System.nanoTime() - start >= s.headTimeout().toNanos(), "not before the head timeout");
            assertEquals(1, s.slowHeadsClosed().getAsLong(), "one slow head closed");
            RawHttp still = others.isEmpty() ? connect(held, "127.0.0.2", s.port()) : others.get(0);
            assertEquals(200, still.get(s.path()).status(), "the others are still served");

            // A request head past its size is refused.
            assertEquals(
                    431,
                    still.get(s.path(), "X-Filler: " + "a".repeat(s.requestHeadBytes()))
                            .status(),
                    "a head past its size");
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
    }

    private static RawHttp connect(List<RawHttp> held, String from, int port) throws IOException {
        RawHttp c = RawHttp.connect(from, port);
        held.add(c);
        return c;
    }

    /** Waits (at most 10 s) until the server counts {@code n} open connections: a close reaches it a moment later. */
    private static void awaitOpen(Server s, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (s.open().getAsInt() != n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(n, s.open().getAsInt(), "open connections once the refused one is closed");
    }
}
