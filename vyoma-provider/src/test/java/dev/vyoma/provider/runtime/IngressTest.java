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

    /**
     * A body is refused from its declared length before a byte of it is read (the client here never sends one), or
     * cut off at the limit when it has no length; the service never sees more than the limit allows.
     */
    @Test
    void aBodyOverTheLimitIsRefusedWithoutBeingRead() throws Exception {
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        service.createContext("/", ex -> {
            calls.incrementAndGet();
            try (java.io.InputStream in = ex.getRequestBody()) {
                received.addAndGet(in.transferTo(OutputStream.nullOutputStream()));
            } catch (java.io.IOException cut) {
                // the ingress stopped the body
            }
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        service.start();
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            ingress.route(
                    "small",
                    List.of(service.getAddress().getPort()),
                    new Ingress.Options(1024, Duration.ofSeconds(60)));
            try (Socket s = new Socket("127.0.0.1", ingress.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream()
                        .write("POST / HTTP/1.1\r\nHost: small.ingress.localhost\r\nContent-Length: 1500000000\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                String answer = response(s);
                assertThat(answer).startsWith("HTTP/1.1 413").contains("1500000000 bytes, over 1024 bytes");
            }
            assertThat(calls.get()).isZero();

            // Without a length (chunked): passed on up to the limit, then cut off with a 413.
            String chunk = "x".repeat(1000);
            try (Socket s = new Socket("127.0.0.1", ingress.port())) {
                s.setSoTimeout(10_000);
                StringBuilder req = new StringBuilder(
                        "POST / HTTP/1.1\r\nHost: small.ingress.localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
                for (int i = 0; i < 3; i++) {
                    req.append("3e8\r\n").append(chunk).append("\r\n");
                }
                req.append("0\r\n\r\n");
                s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 413").contains("over 1024 bytes");
            }
            assertThat(received.get()).isLessThanOrEqualTo(1024);

            // Within the limit, chunked or not, the whole body arrives.
            calls.set(0);
            received.set(0);
            try (Socket s = new Socket("127.0.0.1", ingress.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream()
                        .write(("POST / HTTP/1.1\r\nHost: small.ingress.localhost\r\nConnection: close\r\n"
                                        + "Transfer-Encoding: chunked\r\n\r\n400\r\n" + "y".repeat(1024)
                                        + "\r\n0\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("HTTP/1.1 200")
                        .endsWith("ok");
            }
            assertThat(received.get()).isEqualTo(1024);
        } finally {
            service.stop(0);
        }
    }

    /**
     * A service that answers HTTP/1.1 without {@code Connection: close} and then closes every connection (busybox's
     * httpd does): the ingress's pool notices, or tries a bodiless GET again on a fresh connection, so no
     * client sees the race. Four clients, 50 requests each, all answered by the service.
     */
    @Test
    void aServiceThatClosesEveryConnectionSilentlyIsServedWithoutErrors() throws Exception {
        java.net.ServerSocket service = new java.net.ServerSocket(0, 64, java.net.InetAddress.getLoopbackAddress());
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            while (!service.isClosed()) {
                try {
                    Socket c = service.accept();
                    Thread.ofVirtual().start(() -> {
                        try (c) {
                            java.io.InputStream in = c.getInputStream();
                            int last = 0;
                            for (int b; (b = in.read()) >= 0; ) {
                                last = (last << 8) | b;
                                if (last == 0x0d0a0d0a) {
                                    break;
                                }
                            }
                            served.incrementAndGet();
                            c.getOutputStream()
                                    .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                            .getBytes(StandardCharsets.US_ASCII));
                        } catch (java.io.IOException gone) {
                            // the ingress went away
                        }
                    });
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            ingress.route("closer", List.of(service.getLocalPort()));
            java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(4);
            List<java.util.concurrent.Future<List<String>>> answers = new java.util.ArrayList<>();
            for (int c = 0; c < 4; c++) {
                answers.add(clients.submit(() -> {
                    List<String> bad = new java.util.ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        try (Socket s = send(ingress.port(), "closer.ingress.localhost", "GET", 0)) {
                            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                            if (!answer.startsWith("HTTP/1.1 200") || !answer.endsWith("ok")) {
                                bad.add(answer);
                            }
                        }
                    }
                    return bad;
                }));
            }
            for (java.util.concurrent.Future<List<String>> f : answers) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEmpty();
            }
            clients.shutdown();
            assertThat(served.get()).as("each request reached the service once").isEqualTo(200);
            assertThat(ingress.retries())
                    .as("once one request met a closed connection, the others ask for the close")
                    .isLessThanOrEqualTo(4);
        } finally {
            service.close();
            acceptor.join(5_000);
        }
    }

    /**
     * A service that answers without {@code Connection: close} but closes a connection when the next request comes on
     * it (what a pooled connection meets when the service closed it just as the ingress reused it): the request is
     * sent again on a fresh connection and answered, and from then on the ingress asks for the close itself, so each
     * later request takes exactly one connection of its own, which the service never has to drop.
     */
    @Test
    void aServiceFoundClosingPooledConnectionsGetsOneConnectionPerRequest() throws Exception {
        java.net.ServerSocket service = new java.net.ServerSocket(0, 64, java.net.InetAddress.getLoopbackAddress());
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
        List<String> heads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread acceptor = Thread.ofVirtual().start(() -> {
            while (!service.isClosed()) {
                try {
                    Socket c = service.accept();
                    accepted.incrementAndGet();
                    Thread.ofVirtual().start(() -> {
                        try (c) {
                            java.io.InputStream in = c.getInputStream();
                            String head = readHead(in);
                            if (head.isEmpty()) {
                                return;
                            }
                            heads.add(head.toLowerCase(java.util.Locale.ROOT));
                            c.getOutputStream()
                                    .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                            .getBytes(StandardCharsets.US_ASCII));
                            if (!readHead(in).isEmpty()) {
                                // A second request on this connection: closed unanswered.
                                dropped.incrementAndGet();
                            }
                        } catch (java.io.IOException gone) {
                            // the ingress went away
                        }
                    });
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        try (Ingress ingress = Ingress.start("127.0.0.1", 0, "localhost")) {
            int port = service.getLocalPort();
            ingress.route("closer", List.of(port));
            for (int i = 0; i < 12; i++) {
                try (Socket s = send(ingress.port(), "closer.ingress.localhost", "GET", 0)) {
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(answer)
                            .as("request %d", i + 1)
                            .startsWith("HTTP/1.1 200")
                            .endsWith("ok");
                }
            }
            assertThat(heads).as("each request answered once").hasSize(12);
            assertThat(dropped.get())
                    .as("the one request that met a closing connection")
                    .isEqualTo(1);
            assertThat(ingress.retries()).isEqualTo(1);
            assertThat(ingress.closesConnections(port)).isTrue();
            assertThat(heads.subList(1, 12))
                    .as("after the retry every request asks for the close itself")
                    .allMatch(h -> h.contains("\r\nconnection: close\r\n"));
            assertThat(accepted.get())
                    .as("one connection per request, plus the one dropped")
                    .isEqualTo(12);
            ingress.unroute("closer");
            assertThat(ingress.closesConnections(port))
                    .as("a port freed may be another service's")
                    .isFalse();
        } finally {
            service.close();
            acceptor.join(5_000);
        }
    }

    /** A request head up to its empty line, or "" when the connection ends first. */
    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        return "";
    }

    /** Whatever a manifest says, a route's limits are the SDL's at most; 0 means the default, as in the SDL. */
    @Test
    void routeOptionsAreClampedToTheSdlsBounds() {
        Ingress.Options huge = new Ingress.Options(1_500_000_000L, Duration.ofHours(1));
        assertThat(huge.maxBodyBytes()).isEqualTo(dev.vyoma.sdl.manifest.HttpOptions.MAX_BODY_SIZE);
        assertThat(huge.readTimeout()).isEqualTo(Duration.ofSeconds(60));
        Ingress.Options atLimit =
                new Ingress.Options(dev.vyoma.sdl.manifest.HttpOptions.MAX_BODY_SIZE, Duration.ofSeconds(60));
        assertThat(atLimit.maxBodyBytes()).isEqualTo(104_857_600);
        Ingress.Options zero = new Ingress.Options(0, Duration.ZERO);
        assertThat(zero).isEqualTo(Ingress.Options.DEFAULTS);
        assertThat(zero.maxBodyBytes()).isEqualTo(1 << 20);
    }

    /**
     * One response, read by its Content-Length (a server may keep the connection open after answering a request whose
     * body it refused, until the client goes).
     */
    static String response(Socket s) throws java.io.IOException {
        java.io.InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
        return head + new String(body, StandardCharsets.UTF_8);
    }
}
