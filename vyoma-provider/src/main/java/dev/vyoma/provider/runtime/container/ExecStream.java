package dev.vyoma.provider.runtime.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The engine's attached stream of a started exec session ({@code POST /exec/ID/start}, upgraded to a raw stream as
 * {@code docker exec} gets it), over the engine's Unix socket: the command's stdin one way, its output the other.
 * Unlike docker-java's attach, closing stdin half-closes the connection, which is how the engine learns that the
 * command's stdin ended. Closing the stream drops the connection.
 */
final class ExecStream implements AutoCloseable {
    /** The longest answer head (status line and headers) read before the stream. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    /** The most of an error answer's body kept for the message. */
    static final int MAX_ERROR_BYTES = 4 * 1024;

    private final SocketChannel channel;
    private final InputStream in;

    private ExecStream(SocketChannel channel, InputStream in) {
        this.channel = channel;
        this.in = in;
    }

    /** Starts exec session {@code execId} on the engine at {@code address} and attaches to it. */
    static ExecStream start(EngineAddress address, String execId, boolean tty) throws IOException {
        if (!execId.matches("[0-9a-f]{12,64}")) {
            throw new IOException("the engine answered an exec id that is not one: " + execId);
        }
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(address.socket()));
        try {
            String body = "{\"Detach\":false,\"Tty\":" + tty + "}";
            String request = "POST /v" + Engine.API_VERSION + "/exec/" + execId + "/start HTTP/1.1\r\n"
                    + "Host: engine\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body;
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            InputStream in = Channels.newInputStream(channel);
            String head = head(in);
            String status = head.lines().findFirst().orElse("");
            if (!status.matches("HTTP/1\\.[01] (101|200) .*")) {
                byte[] error = in.readNBytes(MAX_ERROR_BYTES);
                throw new IOException("the engine refused to start the command: "
                        + Engine.oneLine(status + " " + new String(error, StandardCharsets.UTF_8)));
            }
            return new ExecStream(channel, in);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The answer's head, up to the empty line. */
    static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last = 0;
        while (last != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the engine closed the connection before it answered");
            }
            if (head.size() >= MAX_HEAD_BYTES) {
                throw new IOException("the engine's answer head is over " + MAX_HEAD_BYTES + " bytes");
            }
            head.write(b);
            last = (last << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The command's output as the engine sends it (multiplexed frames, or raw with a terminal). */
    InputStream output() {
        return in;
    }

    /** Writes to the command's stdin. */
    void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
        synchronized (channel) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    /** Ends the command's stdin. */
    void closeStdin() throws IOException {
        synchronized (channel) {
            channel.shutdownOutput();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a connection the engine dropped has nothing left to release.
        }
    }
}
