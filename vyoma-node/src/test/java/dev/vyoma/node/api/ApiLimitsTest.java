package dev.vyoma.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Held connections and event subscriptions cannot halt a node: past each cap (per client and in all, each tested
 * at its value and one past it) the API answers 429 or 503 with a reason and closes the connection, silent
 * connections past a cap are closed, places come back when clients leave, and all the while the chain produces
 * blocks. Clients are told apart by their loopback address (127.0.0.1, 127.0.0.2, …).
 */
class ApiLimitsTest {
    /** Small caps, so that every one is reached in a test. */
    private static final Api.Limits LIMITS =
            new Api.Limits(20, 8, 6, 3, Duration.ofSeconds(30), Duration.ofSeconds(1), 16, Duration.ofMillis(500));

    @TempDir
    Path home;

    private int port;

    private record Reply(Socket socket, InputStream in, int status, String body) {}

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends one request on {@code s} and reads the status, the headers and (unless it is a stream) the body. */
    private Reply request(Socket s, String path, String accept) throws IOException {
        s.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        int status = Integer.parseInt(line(in).split(" ")[1]);
        int length = -1;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            }
        }
        String body = length < 0 ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new Reply(s, in, status, body);
    }

    private Reply subscribe(String from) throws IOException {
        return request(connect(from), "/v1/events", "text/event-stream");
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Test
    void connectionsAndSubscribersPastTheirCapsAreRefusedAndTheChainGoesOn() throws Exception {
        int raft;
        try (ServerSocket s = new ServerSocket(0)) {
            raft = s.getLocalPort();
        }
        Genesis genesis = new Genesis("vyoma-limits-test", 1_700_000_000_000L, Params.defaults(), List.of());
        List<Socket> held = new ArrayList<>();
        try (Node node = Node.start(new Node.Config(
                        home,
                        "n0",
                        List.of(new Node.Peer("n0", "127.0.0.1:" + raft)),
                        genesis,
                        KeyPair.fromSeed(Arrays.copyOf("limits".getBytes(StandardCharsets.UTF_8), 32))
                                .address(),
                        Duration.ofMillis(100),
                        1_000,
                        100,
                        Mempool.Limits.defaults()));
                Api api = Api.start(node, "127.0.0.1", 0, Map.of(), LIMITS)) {
            port = api.port();
            await().atMost(20, TimeUnit.SECONDS).until(() -> node.isLeader() && node.height() > 0);
            try {
                // Subscribers from one client: 3, and a fourth is refused.
                for (int i = 0; i < 3; i++) {
                    Reply r = subscribe("127.0.0.1");
                    assertThat(r.status()).isEqualTo(200);
                    held.add(r.socket());
                }
                Reply fourth = subscribe("127.0.0.1");
                fourth.socket().close();
                assertThat(fourth.status()).as(fourth.body()).isEqualTo(429);
                assertThat(fourth.body()).contains("at most 3 event streams from one client");
                // Subscribers in all: 3 more from another client make 6, and a seventh is refused.
                for (int i = 0; i < 3; i++) {
                    Reply r = subscribe("127.0.0.2");
                    assertThat(r.status()).isEqualTo(200);
                    held.add(r.socket());
                }
                Reply seventh = subscribe("127.0.0.3");
                seventh.socket().close();
                assertThat(seventh.status()).as(seventh.body()).isEqualTo(503);
                assertThat(seventh.body()).contains("the node serves at most 6 event streams");
                assertThat(api.eventSubscribers()).isEqualTo(6);

                // Connections from one client: 8 held idle, and a ninth is answered 429 and closed.
                for (int i = 0; i < 8; i++) {
                    held.add(connect("127.0.0.4"));
                }
                await().atMost(5, TimeUnit.SECONDS).until(() -> api.openConnections() == 14);
                try (Socket ninth = connect("127.0.0.4")) {
                    Reply r = request(ninth, "/v1/status", "application/json");
                    assertThat(r.status()).as(r.body()).isEqualTo(429);
                    assertThat(r.body()).contains("at most 8 open connections from one client");
                    assertThat(r.in().read()).as("closed after the refusal").isEqualTo(-1);
                }
                // One past the cap that says nothing is closed soon, not after the idle timeout.
                try (Socket silent = connect("127.0.0.4")) {
                    assertThat(silent.getInputStream().read()).isEqualTo(-1);
                }

                // Connections in all: 6 more make 20, and the next client's request is answered 503.
                for (int i = 0; i < 6; i++) {
                    held.add(connect("127.0.0.5"));
                }
                await().atMost(5, TimeUnit.SECONDS).until(() -> api.openConnections() == 20);
                try (Socket next = connect("127.0.0.6")) {
                    Reply r = request(next, "/v1/status", "application/json");
                    assertThat(r.status()).as(r.body()).isEqualTo(503);
                    assertThat(r.body()).contains("the node serves at most 20 open connections");
                }

                // All the while the chain produces blocks, and the subscribers receive them.
                long height = node.height();
                await().atMost(10, TimeUnit.SECONDS).until(() -> node.height() > height + 5);
                assertThat(held.get(0).getInputStream().read()).isNotNegative();
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            // The clients left: their places come back, and a new client is served.
            await().atMost(10, TimeUnit.SECONDS).until(() -> api.openConnections() == 0 && api.eventSubscribers() == 0);
            try (Socket s = connect("127.0.0.6")) {
                Reply r = request(s, "/v1/status", "application/json");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            Reply again = subscribe("127.0.0.1");
            again.socket().close();
            assertThat(again.status()).isEqualTo(200);
        }
    }

    @Test
    void theDefaultsLeaveDescriptorsForConsensusAndStorage() {
        Api.Limits plenty = Api.Limits.forDescriptors(1_048_576);
        assertThat(plenty.connections()).isEqualTo(Api.Limits.MAX_CONNECTIONS);
        assertThat(plenty.connectionsPerClient()).isEqualTo(Api.Limits.MAX_CONNECTIONS_PER_CLIENT);
        assertThat(plenty.subscribers()).isEqualTo(Api.Limits.MAX_EVENT_SUBSCRIBERS);
        assertThat(plenty.subscribersPerClient()).isEqualTo(Api.Limits.MAX_EVENT_SUBSCRIBERS_PER_CLIENT);
        // 20,000 descriptors (where the idle connections stopped the chain): the API can never take them all.
        Api.Limits twenty = Api.Limits.forDescriptors(20_000);
        assertThat(twenty.connections() + Api.Limits.OVERFLOW_CONNECTIONS + Api.Limits.RESERVED_DESCRIPTORS)
                .isLessThanOrEqualTo(20_000);
        Api.Limits few = Api.Limits.forDescriptors(2_000);
        assertThat(few.connections()).isEqualTo(2_000 - 1_024 - 64);
        assertThat(few.subscribers()).isEqualTo(few.connections() / 2);
        assertThat(Api.Limits.forDescriptors(100).connections()).isEqualTo(Api.Limits.MIN_CONNECTIONS);
    }
}
