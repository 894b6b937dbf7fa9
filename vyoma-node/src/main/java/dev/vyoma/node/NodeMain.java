package dev.vyoma.node;

import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.membership.HostPort;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node from its home until the process is told to stop: {@code NodeMain --home DIR}. SIGTERM (or
 * Ctrl-C) stops it gracefully: the API stops taking requests, the node leaves the group and closes its stores.
 * A node killed outright restarts from what its stores hold (Raft log, snapshots, blocks) and catches up.
 */
public final class NodeMain {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMain.class);

    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--home")) {
            System.err.println("usage: NodeMain --home DIR");
            System.exit(2);
        }
        run(NodeHome.at(Path.of(args[1])));
    }

    /** Sends what libraries log through java.util.logging (the gRPC inside Ratis) to the same log. */
    public static void routeJavaLogging() {
        if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
            java.util.logging.LogManager.getLogManager().reset();
            org.slf4j.bridge.SLF4JBridgeHandler.install();
        }
    }

    /** Starts the node in {@code home} and blocks until the JVM shuts down. */
    public static void run(NodeHome home) throws Exception {
        routeJavaLogging();
        NodeHome.Settings settings = home.settings();
        Node node = Node.start(home.nodeConfig());
        Map<String, String> apis = settings.otherApis();
        HostPort listen = settings.apiListen();
        Api server;
        try {
            server = Api.start(node, listen.host(), listen.port(), apis);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("stopping");
                            server.close();
                            node.close();
                            stopped.countDown();
                        },
                        "shutdown"));
        // One line that scripts and tests wait for.
        String raftListen = settings.raftListen()
                .map(HostPort::toString)
                .orElse("*:"
                        + HostPort.parse(settings.self().raftAddress(), "raftAddress", false)
                                .port());
        System.out.println("vyoma node " + settings.nodeId() + " ready: api http://"
                + settings.self().apiAddress()
                + ", raft " + settings.self().raftAddress() + ", height " + node.height() + "; listening: api "
                + new HostPort(listen.host(), server.port()) + ", raft " + raftListen);
        System.out.flush();
        stopped.await();
    }
}
