package dev.vyoma.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ingress's limits against a stranger's connections: too many or too large headers get a 431, a connection that
 * goes silent in the middle of its headers is closed after the idle timeout, and one address cannot hold more than
 * its share of connections (here shortened: 1 s, 4 connections).
 */
class IngressLimitsTest {
    private static final Ingress.Limits SHORT = new Ingress.Limits(4096, 20, Duration.ofSeconds(1), 4);
    private static final Ingress.Limits HELD = new Ingress.Limits(4096, 20, Duration.ofSeconds(5), 4);

    private static String ask(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return IngressTest.response(s);
        }
    }

    /** Whether the ingress closed {@code s}: the read sees the end of the stream (or a reset) within 10 s. */
    private static boolean closedByIngress(Socket s) throws Exception {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return true;
                }
            }
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void headersOverTheLimitsAreRefused() throws Exception {
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost", SHORT)) {
            StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a.ingress.localhost\r\n");
            for (int i = 0; i < 21; i++) {
                many.append("X-Field-").append(i).append(": v\r\n");
            }
            assertThat(ask(ingress.port(), many + "Connection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 431")
                    .contains("over 20");

            String big = "GET / HTTP/1.1\r\nHost: a.ingress.localhost\r\nX-Big: " + "b".repeat(5000)
                    + "\r\nConnection: close\r\n\r\n";
            assertThat(ask(ingress.port(), big)).startsWith("HTTP/1.1 431");

            // Within the limits: the ordinary answer (no such host here).
            assertThat(ask(ingress.port(), "GET / HTTP/1.1\r\nHost: a.ingress.localhost\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 404")
                    .contains("no service at a.ingress.localhost");
        }
    }

    @Test
    void aSilentConnectionIsClosedAndOneAddressHoldsOnlyItsShare() throws Exception {
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost", SHORT)) {
            // Half a request head, then silence: closed after the idle timeout.
            try (Socket s = new Socket("127.0.0.1", ingress.port())) {
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.ingr".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                assertThat(closedByIngress(s)).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            }
        }
        // The share, on an ingress whose idle timeout outlasts a pause of this machine: a held connection timing out
        // before the fifth arrives would leave room for it.
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost", HELD)) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    // Each held open after one answer, so that the ingress has taken it in before the next: its
                    // selectors open connections in no fixed order, and the fifth must be the one past the share.
                    Socket s = new Socket("127.0.0.1", ingress.port());
                    held.add(s);
                    s.setSoTimeout(10_000);
                    s.getOutputStream()
                            .write("GET / HTTP/1.1\r\nHost: a.ingress.localhost\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    assertThat(IngressTest.response(s)).startsWith("HTTP/1.1 404");
                }
                // The fifth from the same address is told why and closed, whatever it asks for.
                try (Socket fifth = new Socket("127.0.0.1", ingress.port())) {
                    fifth.setSoTimeout(10_000);
                    fifth.getOutputStream()
                            .write("GET / HTTP/1.1\r\nHost: a.ingress.localhost\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(fifth.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(answer)
                            .startsWith("HTTP/1.1 429")
                            .contains("at most 4 open connections from one client");
                }
                // A fifth that sends nothing is closed all the same.
                try (Socket silent = new Socket("127.0.0.1", ingress.port())) {
                    assertThat(closedByIngress(silent)).isTrue();
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            // Once those are gone, the address is served again.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(ask(
                                    ingress.port(),
                                    "GET / HTTP/1.1\r\nHost: a.ingress.localhost\r\nConnection: close\r\n\r\n"))
                            .startsWith("HTTP/1.1 404"));
        }
    }
}
