package dev.vyoma.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on this machine, for throwaway nodes, benchmarks and tests that must name their ports before they
 * start (a node's Raft and API addresses are in its config). A port is free when chosen; another process may take
 * it before it is bound, so a server that can bind port 0 itself should.
 */
public final class LocalPorts {
    private LocalPorts() {}

    /** One free port. */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code n} distinct free ports: each is held open until all are chosen, so none is chosen twice. */
    public static List<Integer> free(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
