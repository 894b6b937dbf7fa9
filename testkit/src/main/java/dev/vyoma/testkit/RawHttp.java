package dev.vyoma.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 connection written byte by byte, for the tests of connection limits: opened from a chosen loopback
 * address (127.0.0.1, 127.0.0.2, … are different clients to a server), sending whatever text the test writes
 * (a whole request, or a head a byte at a time as a slowloris client does), and reading answers.
 */
public final class RawHttp implements AutoCloseable {
    /** A status line's code and reason, and the body (empty for a stream, whose body the test reads itself). */
    public record Answer(int status, String reason, String body) {
        @Override
        public String toString() {
            return status + " " + reason + " " + body;
        }
    }

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /** A connection from {@code from} (a loopback address) to {@code 127.0.0.1:port}. */
    public static RawHttp connect(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        return new RawHttp(s);
    }

    /** Writes {@code text} as it is. */
    public void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Sends {@code GET path} with {@code headers} (each "Name: value") and reads the answer. */
    public Answer get(String path, String... headers) throws IOException {
        StringBuilder b = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        send(b.append("\r\n").toString());
        return answer();
    }

    /** Reads one answer: its status line, its headers and, when it has a length, its body. */
    public Answer answer() throws IOException {
        InputStream in = socket.getInputStream();
        String status = line(in);
        if (status.isEmpty()) {
            throw new IOException("the server closed the connection without an answer");
        }
        String[] parts = status.split(" ", 3);
        int length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        String body = "";
        if (length >= 0) {
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        } else if (chunked && !parts[1].equals("200")) {
            body = chunks(in);
        }
        return new Answer(Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", body);
    }

    /** The first line the server sends, or "" when it closes first. */
    public String line() throws IOException {
        return line(socket.getInputStream());
    }

    /**
     * Whether the server has closed the connection: an end of stream or a reset within {@code waitMs}. Bytes the
     * server sent first are skipped.
     */
    public boolean closedWithin(int waitMs) throws IOException {
        long end = System.nanoTime() + waitMs * 1_000_000L;
        int before = socket.getSoTimeout();
        try {
            while (System.nanoTime() < end) {
                socket.setSoTimeout((int) Math.max(1, (end - System.nanoTime()) / 1_000_000L));
                try {
                    if (socket.getInputStream().read() < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                } catch (SocketException e) {
                    return true;
                }
            }
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(before);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String chunks(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int size = Integer.parseInt(line(in).strip(), 16);
                size > 0;
                size = Integer.parseInt(line(in).strip(), 16)) {
            out.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
            line(in);
        }
        line(in);
        return out.toString();
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
}
