package dev.vyoma.provider.runtime;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;

/**
 * At most {@code max} open connections per client address: a connection past the cap is closed as it opens, before a
 * byte of it is read. Jetty tells this listener about every connection its connector opens and closes; a connection
 * that an upgrade replaces (a WebSocket tunnel) is counted again by adding this listener to the new one.
 */
final class ConnectionCap implements Connection.Listener {
    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** Each counted connection's address, kept: a closed socket no longer knows its peer. */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();

    ConnectionCap(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = addressOf(connection);
        if (address == null) {
            return;
        }
        counted.put(connection, address);
        int now = open.merge(address, 1, Integer::sum);
        if (now > max) {
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Open connections from {@code address} now (for tests and diagnostics). */
    int openFrom(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    private static InetAddress addressOf(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
