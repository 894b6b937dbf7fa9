package dev.vyoma.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ingress passes a stream on as it is written, and keeps a service's HTTP options. */
class IngressTest {
    /** Sends a raw request with the given Host header; returns the socket to read from. */
    private static Socket send(int port, String host, String method, int bodyBytes) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        String head = method + " / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
                + (bodyBytes > 0 ? "Content-Length: " + bodyBytes + "\r\n" : "") + "\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[bodyBytes]);
        out.flush();
        return s;
    }

    @Test
    void streamsEventsAsTheyComeAndKeepsHttpOptions() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        HttpServer service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        service.createContext("/", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                // The second event waits until the client has read the first through the ingress.
                // (A buffering proxy holds the first back, the wait times out, and the second says so.)
                String second = firstRead.await(5, TimeUnit.SECONDS) ? "data: two" : "data: held back";
                out.write((second + "\n\n").getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        slow.createContext("/", ex -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        service.start();
        slow.start();
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            ingress.route("events", List.of(service.getAddress().getPort()));
            try (Socket s = send(ingress.port(), "events.ingress.localhost", "GET", 0);
                    BufferedReader in =
                            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.equals("data: one")) {
                    // headers and chunk sizes
                }
                assertThat(line).isEqualTo("data: one");
                firstRead.countDown();
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                    // the chunk size
                }
                assertThat(line).isEqualTo("data: two");
            }

            ingress.route(
                    "small",
                    List.of(service.getAddress().getPort()),
                    new Ingress.Options(1024, Duration.ofSeconds(60)));
            try (Socket s = send(ingress.port(), "small.ingress.localhost", "POST", 4096)) {
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 413").contains("over 1024 bytes");
            }

            ingress.route(
                    "slow", List.of(slow.getAddress().getPort()), new Ingress.Options(1024, Duration.ofSeconds(1)));
            try (Socket s = send(ingress.port(), "slow.ingress.localhost", "GET", 0)) {
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 504").contains("did not answer within 1 s");
            }
        } finally {
            service.stop(0);
            slow.stop(0);
        }
    }
}
