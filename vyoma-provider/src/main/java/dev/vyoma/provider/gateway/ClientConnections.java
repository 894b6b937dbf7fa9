package dev.vyoma.provider.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.eclipse.jetty.io.Connection;

/**
 * The gateway's open connections by client (remote address), as the node's API counts its own: a connection opened
 * past its client's cap is marked, its first request is answered 429 and the connection closed, and if it sends
 * nothing it is closed after {@link #OVER_CAP_IDLE_TIMEOUT}. So one address cannot hold every connection the gateway
 * accepts. Thread-safe; called on Jetty's selector threads.
 */
final class ClientConnections implements Connection.Listener {
    /** A connection opened past its client's cap that sends nothing is closed after this. */
    static final java.time.Duration OVER_CAP_IDLE_TIMEOUT = java.time.Duration.ofSeconds(2);

    private final int perClient;
    private final Map<InetAddress, Integer> byClient = new HashMap<>();
    private final Map<Connection, InetSocketAddress> remotes = new IdentityHashMap<>();
    private final Map<InetSocketAddress, Boolean> over = new HashMap<>();

    ClientConnections(int perClient) {
        this.perClient = perClient;
    }

    @Override
    public void onOpened(Connection connection) {
        // Each network connection carries TLS, and HTTP inside it: count the TLS one, which is the network's.
        if (!(connection instanceof org.eclipse.jetty.io.ssl.SslConnection)) {
            return;
        }
        if (!(connection.getEndPoint().getRemoteSocketAddress() instanceof InetSocketAddress remote)
                || remote.getAddress() == null) {
            return;
        }
        boolean isOver;
        synchronized (this) {
            remotes.put(connection, remote);
            isOver = byClient.merge(remote.getAddress(), 1, Integer::sum) > perClient;
            if (isOver) {
                over.put(remote, true);
            }
        }
        if (isOver) {
            connection.getEndPoint().setIdleTimeout(OVER_CAP_IDLE_TIMEOUT.toMillis());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        synchronized (this) {
            InetSocketAddress remote = remotes.remove(connection);
            if (remote != null) {
                byClient.computeIfPresent(remote.getAddress(), (a, n) -> n == 1 ? null : n - 1);
                over.remove(remote);
            }
        }
    }

    /** Whether the connection from {@code remote} opened past its client's cap. */
    synchronized boolean over(InetSocketAddress remote) {
        return over.containsKey(remote);
    }

    /** How many connections are open. */
    synchronized int open() {
        return remotes.size();
    }
}
