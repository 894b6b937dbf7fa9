package dev.vyoma.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.testkit.RawHttp;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared limits on a real Jetty connector: each cap at its value and one past it (429 per client, 503 in all,
 * the connection closed), another address served all the while, a slowloris head closed after the head timeout
 * while a head that arrives in pieces within it is answered, and a head past its size refused. Clients are told
 * apart by loopback address.
 */
class ServerLimitsTest {
    private static final HttpLimits LIMITS =
            new HttpLimits(6, 4, Duration.ofSeconds(30), Duration.ofMillis(800), Duration.ofSeconds(1), 2_048, 16);

    private final ServerGuard guard = new ServerGuard(LIMITS, "the test server");
    private final List<RawHttp> clients = new ArrayList<>();
    private Javalin app;
    private int port;

    @BeforeEach
    void start() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            guard.install(cfg, "127.0.0.1", 0);
            cfg.routes.get("/", ctx -> ctx.result("ok"));
            cfg.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> ctx.status(e.getStatus()).result(e.getMessage()));
        });
        app.start();
        port = ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    @AfterEach
    void stop() throws IOException {
        for (RawHttp c : clients) {
            c.close();
        }
        app.stop();
    }

    private RawHttp connect(String from) throws IOException {
        RawHttp c = RawHttp.connect(from, port);
        clients.add(c);
        return c;
    }

    @Test
    void capsPerClientAndInAllRefuseTheExcessAndServeOthers() throws Exception {
        // At the cap: every connection of 127.0.0.1 is served, and stays open (keep-alive).
        for (int i = 0; i < LIMITS.connectionsPerClient(); i++) {
            assertThat(connect("127.0.0.1").get("/").status()).isEqualTo(200);
        }
        // One past it: 429 with the reason, and the connection closed.
        RawHttp fifth = connect("127.0.0.1");
        assertThat(fifth.get("/").toString()).startsWith("429 ").contains("at most 4 open connections from one client");
        assertThat(fifth.closedWithin(5_000)).isTrue();
        // Its place frees once the server has seen it closed (just after the client reads its end).
        await().atMost(Duration.ofSeconds(10)).until(() -> guard.connections().open() == 4);
        // Another address is served; the total is 6: its second is the sixth, a third address's the seventh.
        assertThat(connect("127.0.0.2").get("/").status()).isEqualTo(200);
        assertThat(connect("127.0.0.2").get("/").status()).isEqualTo(200);
        RawHttp seventh = connect("127.0.0.3");
        assertThat(seventh.get("/").toString())
                .startsWith("503 ")
                .contains("the test server serves at most 6 open connections");
        assertThat(seventh.closedWithin(5_000)).isTrue();
        // A place frees when its connection closes.
        clients.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> guard.connections().open() < 6);
        assertThat(connect("127.0.0.4").get("/").status()).isEqualTo(200);
    }

    @Test
    void aSlowHeadIsClosedAfterTheHeadTimeoutAndAPromptOneIsServed() throws Exception {
        RawHttp loris = connect("127.0.0.1");
        loris.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        long start = System.nanoTime();
        // A header byte every 100 ms: each resets the idle timeout (30 s), never the head timeout.
        boolean closed = false;
        while (!closed && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
            try {
                loris.send("X");
                closed = loris.closedWithin(100);
            } catch (IOException e) {
                closed = true;
            }
            // Meanwhile another client is answered.
            if (!closed && System.nanoTime() - start < LIMITS.headTimeout().toNanos() / 2) {
                assertThat(connect("127.0.0.2").get("/").status()).isEqualTo(200);
            }
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(closed).as("the slow head's connection is closed").isTrue();
        assertThat(tookMs).isGreaterThanOrEqualTo(LIMITS.headTimeout().toMillis());
        assertThat(guard.slowHeadsClosed()).isEqualTo(1);

        // A head in three pieces, all within the timeout, is answered.
        RawHttp prompt = connect("127.0.0.3");
        prompt.send("GET / HT");
        Thread.sleep(100);
        prompt.send("TP/1.1\r\nHost: 127.0.0.1\r\n");
        Thread.sleep(100);
        prompt.send("\r\n");
        assertThat(prompt.answer().status()).isEqualTo(200);
        assertThat(guard.slowHeadsClosed()).isEqualTo(1);
    }

    @Test
    void aHeadPastItsSizeIsRefused() throws Exception {
        RawHttp c = connect("127.0.0.1");
        assertThat(c.get("/", "X-Filler: " + "a".repeat(LIMITS.requestHeadBytes()))
                        .status())
                .isEqualTo(431);
        assertThat(connect("127.0.0.1")
                        .get("/", "X-Filler: " + "a".repeat(1_000))
                        .status())
                .isEqualTo(200);
    }
}
