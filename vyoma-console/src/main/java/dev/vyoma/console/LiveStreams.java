package dev.vyoma.console;

import dev.vyoma.client.ProviderGateway;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import io.javalin.http.sse.SseClient;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What streams between the page and a provider through the console: a deployment's logs as Server-Sent Events (each
 * line one {@code line} event, escaped HTML for htmx to append), and a shell in a replica over a WebSocket (keys typed
 * in xterm.js in, the terminal's output back), each bridged to the provider's gateway with the tenant's key, which
 * never leaves this process.
 */
final class LiveStreams {
    /** Lines of each replica's past output sent before following. */
    static final int LOG_TAIL = 50;

    /** A comment is sent this often so that an idle log stream is not closed. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    /** Keystroke messages queued for a shell before the browser is made to wait; bytes in one message at most. */
    static final int SHELL_QUEUE = 256;

    static final int MAX_SHELL_MESSAGE_BYTES = 64 * 1024;

    /** Terminal size bounds. */
    static final int MAX_COLUMNS = 500;

    static final int MAX_ROWS = 200;

    private static final byte[] END = new byte[0];

    private final Wallet wallet;
    private final Deployments deployments;
    private final Map<String, BlockingQueue<byte[]>> shells = new ConcurrentHashMap<>();

    LiveStreams(Wallet wallet, Deployments deployments) {
        this.wallet = wallet;
        this.deployments = deployments;
    }

    private DeploymentId dep(String owner, String dseq) {
        return DeploymentId.parse(owner, dseq);
    }

    private dev.vyoma.ledger.crypto.KeyPair signer(DeploymentId dep) {
        return wallet.signer(wallet.nameOf(dep.owner())
                .orElseThrow(() -> new Wallet.LockedException("no key of this keyring owns " + dep)));
    }

    /** Follows every active lease's output until the page goes away or the leases end. */
    void logs(SseClient client) {
        DeploymentId dep = dep(client.ctx().pathParam("owner"), client.ctx().pathParam("dseq"));
        var key = signer(dep);
        List<BidId> leases = deployments.activeLeases(dep);
        client.keepAlive();
        List<Thread> readers = new ArrayList<>();
        for (BidId lease : leases) {
            readers.add(Thread.ofVirtual().name("console-logs").start(() -> {
                try {
                    deployments.gateway().logs(key, lease.toString(), "", LOG_TAIL, true, line -> {
                        synchronized (client) {
                            client.sendEvent("line", "<span class=\"line\">" + Renderer.escape(line) + "</span>\n");
                        }
                    });
                } catch (ProviderGateway.GatewayException e) {
                    synchronized (client) {
                        client.sendEvent(
                                "line", "<span class=\"line error\">" + Renderer.escape(e.getMessage()) + "</span>\n");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        Thread heartbeat = Thread.ofVirtual().name("console-logs-heartbeat").start(() -> {
            try {
                while (!client.terminated()) {
                    Thread.sleep(HEARTBEAT);
                    synchronized (client) {
                        client.sendComment("alive");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        client.onClose(() -> {
            readers.forEach(Thread::interrupt);
            heartbeat.interrupt();
        });
    }

    /** A shell ({@code sh}) with a terminal in replica 0 of the deployment's first active lease. */
    void shell(WsConfig ws) {
        ws.onConnect(ctx -> {
            ctx.session.setIdleTimeout(Duration.ofMinutes(30));
            ctx.session.setMaxTextMessageSize(MAX_SHELL_MESSAGE_BYTES);
            DeploymentId dep = dep(ctx.pathParam("owner"), ctx.pathParam("dseq"));
            var key = signer(dep);
            List<BidId> leases = deployments.activeLeases(dep);
            if (leases.isEmpty()) {
                ctx.send("deployment " + dep.dseq() + " has no active lease\r\n");
                ctx.closeSession();
                return;
            }
            int columns = bounded(ctx.queryParam("cols"), 80, MAX_COLUMNS);
            int rows = bounded(ctx.queryParam("rows"), 24, MAX_ROWS);
            BlockingQueue<byte[]> input = new ArrayBlockingQueue<>(SHELL_QUEUE);
            shells.put(ctx.sessionId, input);
            Thread.ofVirtual().name("console-shell").start(() -> {
                String end;
                try {
                    int code = deployments
                            .gateway()
                            .shell(
                                    key,
                                    leases.get(0).toString(),
                                    new ProviderGateway.ShellCommand("", 0, List.of("sh"), true, true, columns, rows),
                                    new QueueInput(input),
                                    new SocketOutput(ctx),
                                    new SocketOutput(ctx));
                    end = "\r\n[the shell exited with " + code + "]\r\n";
                } catch (ProviderGateway.GatewayException e) {
                    end = "\r\n[" + e.getMessage() + "]\r\n";
                } catch (InterruptedException e) {
                    end = "";
                }
                if (ctx.session.isOpen()) {
                    ctx.send(end);
                    ctx.closeSession();
                }
            });
        });
        ws.onMessage(ctx -> {
            BlockingQueue<byte[]> q = shells.get(ctx.sessionId);
            if (q != null && !q.offer(ctx.message().getBytes(StandardCharsets.UTF_8))) {
                ctx.closeSession(1008, "typing faster than the shell reads");
            }
        });
        ws.onClose(ctx -> {
            BlockingQueue<byte[]> q = shells.remove(ctx.sessionId);
            if (q != null) {
                q.offer(END);
            }
        });
    }

    private static int bounded(String text, int fallback, int max) {
        try {
            int v = Integer.parseInt(text);
            return v < 1 || v > max ? fallback : v;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The shell's stdin: the keys typed, until the page closes (an empty message marks the end). */
    private static final class QueueInput extends InputStream {
        private final BlockingQueue<byte[]> queue;
        private byte[] current = new byte[0];
        private int pos;
        private boolean ended;

        QueueInput(BlockingQueue<byte[]> queue) {
            this.queue = queue;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos == current.length) {
                if (ended) {
                    return -1;
                }
                try {
                    current = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
                pos = 0;
                if (current == END) {
                    ended = true;
                }
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** The shell's output, sent to the page as binary messages as it comes. */
    private static final class SocketOutput extends OutputStream {
        private final WsContext ws;

        SocketOutput(WsContext ws) {
            this.ws = ws;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (ws.session.isOpen()) {
                synchronized (ws) {
                    ws.send(ByteBuffer.wrap(b.clone(), off, len));
                }
            }
        }
    }
}
