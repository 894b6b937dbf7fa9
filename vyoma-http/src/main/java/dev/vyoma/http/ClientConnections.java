package dev.vyoma.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.SelectableChannelEndPoint;

/**
 * A server's open network connections, counted in all and by client (remote address). A connection that opens past
 * its client's cap or past the total is marked: its first request is answered 429 (its client's cap) or 503 (the
 * server's) with a one-line message, and the connection is closed ({@link #refuseOverCap}); if it sends nothing it is
 * closed after {@code overCapIdle}. Only connections on a socket count: with TLS the HTTP connection inside is the
 * same network connection. Registered on a connector ({@code addEventListener}); the refusal runs first of all routes.
 * Thread-safe; called on Jetty's selector threads, so each call is a few map operations.
 */
public final class ClientConnections implements Connection.Listener {
    /** Why a marked connection is refused: the status and a one-line reason. */
    public record Refusal(int status, String message) {}

    private final int perClient;
    private final int total;
    private final Duration overCapIdle;
    private final String server;
    private final Map<InetAddress, Integer> byClient = new HashMap<>();
    private final Map<InetSocketAddress, Refusal> over = new HashMap<>();
    /** Each open connection's remote address, as it was at opening: a closed socket no longer tells it. */
    private final IdentityHashMap<Connection, InetSocketAddress> remotes = new IdentityHashMap<>();

    private int open;

    /**
     * Counts connections for {@code server} (its name in the 503 message, "the node"): at most {@code perClient}
     * from one address and {@code total} in all ({@link Integer#MAX_VALUE}: no total here, the connector's own
     * limit holds it); an over-cap connection that sends nothing is closed after {@code overCapIdle}.
     */
    public ClientConnections(int perClient, int total, Duration overCapIdle, String server) {
        if (perClient < 1 || total < 1 || overCapIdle.isNegative() || overCapIdle.isZero()) {
            throw new IllegalArgumentException("connection caps and the over-cap idle time must be positive");
        }
        this.perClient = perClient;
        this.total = total;
        this.overCapIdle = overCapIdle;
        this.server = server;
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection.getEndPoint() instanceof SelectableChannelEndPoint)) {
            return;
        }
        InetSocketAddress remote = remote(connection);
        if (remote == null) {
            return;
        }
        Refusal refusal = null;
        synchronized (this) {
            remotes.put(connection, remote);
            open++;
            int mine = byClient.merge(remote.getAddress(), 1, Integer::sum);
            if (mine > perClient) {
                refusal = new Refusal(
                        429,
                        "at most " + perClient + " open connections from one client; close some (or reuse them) and"
                                + " retry");
            } else if (open > total) {
                refusal = new Refusal(503, server + " serves at most " + total + " open connections; retry later");
            }
            if (refusal != null) {
                over.put(remote, refusal);
            }
        }
        if (refusal != null) {
            connection.getEndPoint().setIdleTimeout(overCapIdle.toMillis());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        synchronized (this) {
            InetSocketAddress remote = remotes.remove(connection);
            if (remote == null) {
                return;
            }
            open--;
            byClient.computeIfPresent(remote.getAddress(), (a, n) -> n == 1 ? null : n - 1);
            over.remove(remote);
        }
    }

    /** The refusal of the connection from {@code remote}, if it opened past a cap. */
    public synchronized Optional<Refusal> refusal(InetSocketAddress remote) {
        return Optional.ofNullable(over.get(remote));
    }

    /**
     * A before-handler for every route: the request of a connection opened past a cap is answered with its refusal
     * (an {@link HttpResponseException} the server's error handler writes) and the connection closed after it.
     */
    public void refuseOverCap(Context ctx) throws UnknownHostException {
        InetSocketAddress remote = new InetSocketAddress(
                InetAddress.getByName(ctx.req().getRemoteAddr()), ctx.req().getRemotePort());
        Optional<Refusal> refused = refusal(remote);
        if (refused.isPresent()) {
            ctx.header("Connection", "close");
            throw new HttpResponseException(
                    refused.get().status(), refused.get().message());
        }
    }

    /** How many connections are open. */
    public synchronized int open() {
        return open;
    }

    /** How many connections from {@code client} are open. */
    public synchronized int openFrom(InetAddress client) {
        return byClient.getOrDefault(client, 0);
    }

    private static InetSocketAddress remote(Connection connection) {
        SocketAddress a = connection.getEndPoint().getRemoteSocketAddress();
        return a instanceof InetSocketAddress i && i.getAddress() != null ? i : null;
    }
}
