package dev.vyoma.node.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.Connection;

/**
 * The API's open connections, counted in all and by client (remote address). A connection that opens past the cap
 * of its client or past the total is marked: its first request is answered 429 (its client's cap) or 503 (the
 * node's) with a message and the connection is closed, and if it sends nothing it is closed after
 * {@link Api.Limits#overCapIdle}. Past the total and a small overflow Jetty stops accepting altogether
 * ({@code NetworkConnectionLimit}), so the descriptors the node keeps for consensus and storage stay free.
 * Thread-safe; called on Jetty's selector threads, so each call is a few map operations.
 */
final class ClientConnections implements Connection.Listener {
    /** Why a marked connection is refused: the status and a one-line reason. */
    record Refusal(int status, String message) {}

    private final Api.Limits limits;
    private final Map<InetAddress, Integer> byClient = new HashMap<>();
    private final Map<InetSocketAddress, Refusal> over = new HashMap<>();
    /** Each open connection's remote address, as it was at opening: a closed socket no longer tells it. */
    private final Map<Connection, InetSocketAddress> remotes = new java.util.IdentityHashMap<>();

    private int total;

    ClientConnections(Api.Limits limits) {
        this.limits = limits;
    }

    @Override
    public void onOpened(Connection connection) {
        InetSocketAddress remote = remote(connection);
        if (remote == null) {
            return;
        }
        Refusal refusal = null;
        synchronized (this) {
            remotes.put(connection, remote);
            total++;
            int mine = byClient.merge(remote.getAddress(), 1, Integer::sum);
            if (mine > limits.connectionsPerClient()) {
                refusal = new Refusal(
                        429,
                        "at most " + limits.connectionsPerClient()
                                + " open connections from one client; close some (or reuse them) and retry");
            } else if (total > limits.connections()) {
                refusal = new Refusal(
                        503, "the node serves at most " + limits.connections() + " open connections; retry later");
            }
            if (refusal != null) {
                over.put(remote, refusal);
            }
        }
        if (refusal != null) {
            connection.getEndPoint().setIdleTimeout(limits.overCapIdle().toMillis());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        synchronized (this) {
            InetSocketAddress remote = remotes.remove(connection);
            if (remote == null) {
                return;
            }
            total--;
            byClient.computeIfPresent(remote.getAddress(), (a, n) -> n == 1 ? null : n - 1);
            over.remove(remote);
        }
    }

    /** The refusal of the connection from {@code remote}, if it opened past a cap. */
    synchronized Optional<Refusal> refusal(InetSocketAddress remote) {
        return Optional.ofNullable(over.get(remote));
    }

    /** How many connections are open. */
    synchronized int open() {
        return total;
    }

    private static InetSocketAddress remote(Connection connection) {
        SocketAddress a = connection.getEndPoint().getRemoteSocketAddress();
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i : null;
    }
}
