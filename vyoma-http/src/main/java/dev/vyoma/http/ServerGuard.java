package dev.vyoma.http;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One server's {@link HttpLimits} on its Jetty connector: the connection caps ({@link ClientConnections}), the slow
 * head timeout ({@link SlowHeads}), the idle timeout, the largest request head, and past the total and a small
 * overflow no accepting at all ({@code NetworkConnectionLimit}), so that a flood spends no descriptor. {@link
 * #install} sets the connector and the refusal that runs before every route on a Javalin configuration.
 */
public final class ServerGuard {
    private final HttpLimits limits;
    private final ClientConnections connections;
    private final SlowHeads slowHeads;

    /** The guard of {@code server} (its name in messages, "the dashboard") with {@code limits}. */
    public ServerGuard(HttpLimits limits, String server) {
        this.limits = limits;
        this.connections = new ClientConnections(
                limits.connectionsPerClient(), limits.connections(), limits.overCapIdle(), server);
        this.slowHeads = new SlowHeads(limits.headTimeout());
    }

    /** Serves plain HTTP on {@code host:port} (0: a free port) under the limits; refuses over-cap connections. */
    public void install(JavalinConfig cfg, String host, int port) {
        cfg.jetty.addConnector((server, http) -> {
            http.setRequestHeaderSize(limits.requestHeadBytes());
            ServerConnector c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            c.setHost(host);
            c.setPort(port);
            c.setIdleTimeout(limits.idleTimeout().toMillis());
            c.setAcceptQueueSize(limits.acceptQueue());
            c.addEventListener(connections);
            c.addEventListener(slowHeads);
            c.addBean(slowHeads);
            c.addBean(new NetworkConnectionLimit(limits.connections() + HttpLimits.OVERFLOW_CONNECTIONS, c));
            return c;
        });
        // First of all: a connection opened past a cap gets its refusal, and is closed.
        cfg.routes.before(connections::refuseOverCap);
    }

    /** The limits. */
    public HttpLimits limits() {
        return limits;
    }

    /** The connections counted. */
    public ClientConnections connections() {
        return connections;
    }

    /** How many connections were closed for a slow request head. */
    public long slowHeadsClosed() {
        return slowHeads.closed();
    }
}
