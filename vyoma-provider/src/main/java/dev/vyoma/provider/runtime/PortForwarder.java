package dev.vyoma.provider.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP port on the provider's host that forwards each connection to one of a service's replicas, in turn:
 * how a global port other than 80 is reached, as Akash gives such ports a host port. The backends can be
 * changed while it runs (an update replaced the replicas); connections already open stay where they are.
 */
public final class PortForwarder implements AutoCloseable {
    private final ServerSocket server;
    private volatile List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();

    private PortForwarder(ServerSocket server, List<Integer> backends) {
        this.server = server;
        this.backends = List.copyOf(backends);
    }

    /**
     * Listens on {@code host:port}; if {@code port} is taken (or 0), on a free one. Forwards to the backends,
     * ports on 127.0.0.1.
     */
    public static PortForwarder start(String host, int port, List<Integer> backends) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException taken) {
            if (port == 0) {
                s.close();
                throw taken;
            }
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        }
        PortForwarder f = new PortForwarder(s, backends);
        Thread.ofVirtual().name("forward-" + s.getLocalPort()).start(f::accept);
        return f;
    }

    public int port() {
        return server.getLocalPort();
    }

    public void retarget(List<Integer> ports) {
        this.backends = List.copyOf(ports);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> connect(in));
        }
    }

    private void connect(Socket in) {
        List<Integer> ports = backends;
        if (ports.isEmpty()) {
            closeQuietly(in);
            return;
        }
        int target = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
        Socket out;
        try {
            out = new Socket();
            out.connect(new InetSocketAddress("127.0.0.1", target), 5_000);
        } catch (IOException e) {
            closeQuietly(in);
            return;
        }
        Thread up = Thread.ofVirtual().start(() -> pipe(in, out));
        pipe(out, in);
        try {
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(in);
        closeQuietly(out);
    }

    /** Copies until {@code from} ends, then ends {@code to}'s output (half-close); on an error closes both. */
    private static void pipe(Socket from, Socket to) {
        try {
            InputStream i = from.getInputStream();
            OutputStream o = to.getOutputStream();
            i.transferTo(o);
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }
}
