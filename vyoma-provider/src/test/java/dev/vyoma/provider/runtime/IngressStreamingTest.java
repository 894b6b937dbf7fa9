package dev.vyoma.provider.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vyoma.sdl.manifest.HttpOptions;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The review's attack on the ingress: a body far larger than the tenant's limit grew the provider by its size. Here
 * the real ingress runs in a JVM whose whole heap (32 MiB) is a third of the largest body the SDL allows: such a
 * body still streams through, both ways, byte for byte, and a 1.5 GB one is refused with a 413 before it is sent.
 * An ingress that held a body whole could do neither.
 */
class IngressStreamingTest {
    private static final long BODY = HttpOptions.MAX_BODY_SIZE;

    /** {@code n} bytes of a fixed pseudo-random stream, written without holding them. */
    private static void writeBytes(OutputStream out, long n, long seed) throws java.io.IOException {
        Random r = new Random(seed);
        byte[] buf = new byte[64 * 1024];
        for (long left = n; left > 0; ) {
            r.nextBytes(buf);
            int k = (int) Math.min(buf.length, left);
            out.write(buf, 0, k);
            left -= k;
        }
    }

    private static String digestOf(long n, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        writeBytes(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        sha.update((byte) b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        sha.update(b, off, len);
                    }
                },
                n,
                seed);
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Reads {@code in} to its end; returns the byte count and SHA-256. */
    private static String digest(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            sha.update(buf, 0, n);
            count += n;
        }
        return count + " " + HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void theLargestAllowedBodyStreamsThroughAHeapAThirdItsSizeAndABiggerOneIsRefused() throws Exception {
        HttpServer service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        service.createContext("/up", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                byte[] answer = digest(in).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, answer.length);
                ex.getResponseBody().write(answer);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
            ex.close();
        });
        service.createContext("/down", ex -> {
            ex.sendResponseHeaders(200, BODY);
            try (OutputStream out = ex.getResponseBody()) {
                writeBytes(out, BODY, 2);
            }
        });
        service.start();
        Process ingress = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx32m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        IngressProcess.class.getName(),
                        Integer.toString(service.getAddress().getPort()))
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(ingress.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertThat(ready).startsWith("ingress ");
            int port = Integer.parseInt(ready.substring("ingress ".length()));

            // 100 MiB up: the service receives every byte, in order.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(120_000);
                OutputStream up = s.getOutputStream();
                up.write(("POST /up HTTP/1.1\r\nHost: big.ingress.localhost\r\nContent-Length: " + BODY
                                + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                writeBytes(up, BODY, 1);
                up.flush();
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 200").endsWith(BODY + " " + digestOf(BODY, 1));
            }

            // 100 MiB down: the client receives every byte, in order.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(120_000);
                s.getOutputStream()
                        .write("GET /down HTTP/1.1\r\nHost: big.ingress.localhost\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.read());
                }
                assertThat(head.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + BODY);
                assertThat(digest(in)).isEqualTo(BODY + " " + digestOf(BODY, 2));
            }

            // 1.5 GB declared: refused at once; the client has sent nothing of it.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                s.getOutputStream()
                        .write(
                                ("POST /up HTTP/1.1\r\nHost: big.ingress.localhost\r\nContent-Length: 1500000000\r\n\r\n")
                                        .getBytes(StandardCharsets.US_ASCII));
                String answer = IngressTest.response(s);
                assertThat(answer).startsWith("HTTP/1.1 413").contains("over " + BODY + " bytes");
            }
            assertThat(ingress.isAlive()).isTrue();
        } finally {
            ingress.getOutputStream().close();
            if (!ingress.waitFor(10, TimeUnit.SECONDS)) {
                ingress.destroyForcibly();
            }
            service.stop(0);
        }
    }
}
