package dev.vyoma.provider.gateway;

import dev.vyoma.client.LeaseShellFrames;
import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.provider.runtime.Shell;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * {@code GET /v1/leases/OWNER/DSEQ/GSEQ/OSEQ/shell?cmd=C&cmd=ARG…&service=S&replica=N&stdin=true&tty=true},
 * upgraded to a WebSocket ({@link LeaseShellFrames}): runs a command in one of the lease's replicas, as Akash's
 * lease-shell does. Everything is checked before the upgrade, with the answers of the other lease routes: the
 * lease owner's token and the lease (401/403/404/409), the query (400), the replica (404, 409 if it does not run;
 * 501 from a runtime that cannot run commands) and the caps of {@link ShellLimits} (429 per lease, 503 in all).
 * Then the command's output streams to the tenant and the tenant's stdin to the command, until it exits (its exit
 * code is the last message) or a limit stops it: its longest run, its output, its input (the last message then says
 * which). A tenant who leaves stops the command.
 */
final class ShellRoute implements AutoCloseable {
    /** The longest one message to the tenant may wait for the tenant to read; then the shell ends. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    /** The largest replica index in a query (a lease runs far fewer). */
    static final int MAX_REPLICA_INDEX = 9_999;

    private static final String PENDING = "vyoma.shell";
    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");

    private final Function<Context, BidId> authorize;
    private final Supplier<Gateway.Leases> leases;
    private final ShellLimits limits;
    private final ShellSlots slots;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("shell-timers").factory());

    ShellRoute(Function<Context, BidId> authorize, Supplier<Gateway.Leases> leases, ShellLimits limits) {
        this.authorize = authorize;
        this.leases = leases;
        this.limits = limits;
        this.slots = new ShellSlots(limits);
    }

    /** How many shells are open (admitted, connected or not). */
    int open() {
        return slots.total();
    }

    /** Before the upgrade: every check, with an HTTP answer when one fails; the shell is admitted if all pass. */
    void beforeUpgrade(Context ctx) throws IOException {
        try {
            admit(ctx);
        } catch (HttpResponseException e) {
            // Javalin ends a refused upgrade with the status alone: the reason is written here, as on other routes.
            byte[] body = JSON.writeValueAsBytes(Map.of("error", Map.of("message", firstLine(e))));
            ctx.res().setStatus(e.getStatus());
            ctx.res().setContentType("application/json");
            ctx.res().setContentLength(body.length);
            ctx.res().getOutputStream().write(body);
            ctx.res().flushBuffer();
            throw e;
        }
    }

    private void admit(Context ctx) {
        BidId lease = authorize.apply(ctx);
        Shell.Request request = request(ctx);
        Gateway.Leases l = leases.get();
        if (l == null) {
            throw new HttpResponseException(503, "the provider is starting; try again");
        }
        Shell shell;
        try {
            shell = l.shell(lease.toString(), request);
        } catch (Shell.Refused e) {
            throw new HttpResponseException(
                    switch (e.reason()) {
                        case NOT_SUPPORTED -> 501;
                        case NO_SUCH_REPLICA -> 404;
                        case NOT_RUNNING -> 409;
                    },
                    e.getMessage());
        } catch (IOException e) {
            throw new HttpResponseException(502, "the provider cannot reach the replica: " + e.getMessage());
        }
        ShellSlots.Slot slot;
        try {
            slot = slots.admit(lease);
        } catch (HttpResponseException e) {
            shell.close();
            throw e;
        }
        Pending pending = new Pending(shell, slot);
        ctx.attribute(PENDING, pending);
        // One-shot and not cancelled: expire() does nothing once the WebSocket has claimed the shell.
        var unused = timers.schedule(pending::expire, ShellLimits.CONNECT_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The WebSocket's handlers. */
    void configure(WsConfig ws) {
        ws.onConnect(this::connected);
        ws.onBinaryMessage(this::message);
        ws.onClose(ctx -> stop(ctx.sessionId(), ""));
        ws.onError(ctx -> stop(ctx.sessionId(), ""));
    }

    /** The query as a typed request, or a 400 that says what to fix. */
    private static Shell.Request request(Context ctx) {
        List<String> command = ctx.queryParams("cmd");
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new HttpResponseException(400, "give the command to run as cmd=NAME&cmd=ARG…");
        }
        if (command.size() > ShellLimits.MAX_COMMAND_ARGS) {
            throw new HttpResponseException(
                    400, "the command has " + command.size() + " arguments, over " + ShellLimits.MAX_COMMAND_ARGS);
        }
        long chars = 0;
        for (String a : command) {
            if (a.indexOf('\0') >= 0) {
                throw new HttpResponseException(400, "the command cannot hold a NUL character");
            }
            chars += a.length();
        }
        if (chars > ShellLimits.MAX_COMMAND_CHARS) {
            throw new HttpResponseException(
                    400, "the command is " + chars + " characters, over " + ShellLimits.MAX_COMMAND_CHARS);
        }
        String service = ctx.queryParam("service");
        if (service == null) {
            service = "";
        } else if (!SERVICE_NAME.matcher(service).matches()) {
            throw new HttpResponseException(
                    400,
                    "service is a service name of the SDL (lower-case letters, digits and -, at most 63), got "
                            + WholeNumber.shown(service));
        }
        String replicaText = ctx.queryParam("replica");
        int replica;
        try {
            replica = replicaText == null ? 0 : (int) WholeNumber.parse(replicaText, "replica", 0, MAX_REPLICA_INDEX);
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
        return new Shell.Request(service, replica, command, flag(ctx, "stdin"), flag(ctx, "tty"));
    }

    private static boolean flag(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v != null && !v.equals("true") && !v.equals("false")) {
            throw new HttpResponseException(400, name + " is true or false, got " + WholeNumber.shown(v));
        }
        return "true".equals(v);
    }

    private void connected(WsConnectContext ctx) {
        Pending pending = ctx.attribute(PENDING);
        if (pending == null || !pending.claim()) {
            // Admitted too long ago: its place was given back.
            ctx.closeSession(1008, "the shell was not opened in time; try again");
            return;
        }
        ctx.session.setMaxBinaryMessageSize(ShellLimits.MAX_MESSAGE_BYTES);
        ctx.session.setMaxTextMessageSize(ShellLimits.MAX_MESSAGE_BYTES);
        ctx.enableAutomaticPings(ShellLimits.PING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        Session s = new Session(ctx, pending.shell, pending.slot);
        try {
            // Started before the tenant's first message is read: stdin sent at once reaches the command.
            pending.shell.start();
        } catch (IOException | RuntimeException e) {
            s.finish(LeaseShellFrames.FAILURE, "the command did not start: " + firstLine(e));
            pending.shell.close();
            pending.slot.close();
            return;
        }
        sessions.put(ctx.sessionId(), s);
        s.deadline = timers.schedule(
                () -> s.stop("the command ran for " + shown(limits.maxDuration())
                        + ", the longest a shell may; it was stopped"),
                limits.maxDuration().toMillis(),
                TimeUnit.MILLISECONDS);
        Thread.ofVirtual().name("shell-" + ctx.sessionId()).start(s::run);
    }

    private void message(WsBinaryMessageContext ctx) {
        Session s = sessions.get(ctx.sessionId());
        if (s != null) {
            s.received(ctx.data());
        }
    }

    private void stop(String sessionId, String why) {
        Session s = sessions.get(sessionId);
        if (s != null) {
            s.stop(why);
        }
    }

    /** Admitted before the upgrade, waiting for the WebSocket to open. */
    private static final class Pending {
        final Shell shell;
        final ShellSlots.Slot slot;
        private final AtomicBoolean claimed = new AtomicBoolean();

        Pending(Shell shell, ShellSlots.Slot slot) {
            this.shell = shell;
            this.slot = slot;
        }

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        void expire() {
            if (claim()) {
                shell.close();
                slot.close();
            }
        }
    }

    /** The output passed on went over its limit. */
    private static final class LimitReached extends IOException {
        LimitReached(String message) {
            super(message);
        }
    }

    /** One open shell: its WebSocket, its command, its place, what it has passed on. */
    private final class Session {
        private final WsContext ws;
        private final Shell shell;
        private final ShellSlots.Slot slot;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile String reason = "";
        private volatile ScheduledFuture<?> deadline;
        private long output;
        private long input;

        Session(WsContext ws, Shell shell, ShellSlots.Slot slot) {
            this.ws = ws;
            this.shell = shell;
            this.slot = slot;
        }

        /** Passes the started command's output on until it ends; then the last message, and the close. */
        void run() {
            try {
                int code = shell.pump((stream, bytes, offset, length) -> {
                    output += length;
                    if (output > limits.maxOutputBytes()) {
                        throw new LimitReached("the command wrote more than " + limits.maxOutputBytes()
                                + " bytes, the most a shell passes on; it was stopped");
                    }
                    send(LeaseShellFrames.frame(
                            stream == 2 ? LeaseShellFrames.STDERR : LeaseShellFrames.STDOUT, bytes, offset, length));
                });
                if (stopped.get()) {
                    finish(LeaseShellFrames.FAILURE, reason);
                } else {
                    finish(LeaseShellFrames.RESULT, "{\"exit_code\":" + code + "}");
                }
            } catch (LimitReached e) {
                finish(LeaseShellFrames.FAILURE, e.getMessage());
            } catch (IOException | RuntimeException e) {
                finish(LeaseShellFrames.FAILURE, stopped.get() ? reason : "the command failed: " + firstLine(e));
            } finally {
                shell.close();
                slot.close();
                sessions.remove(ws.sessionId());
                ScheduledFuture<?> d = deadline;
                if (d != null) {
                    d.cancel(false);
                }
            }
        }

        /** A message from the tenant: stdin, its end, or a terminal size. */
        void received(ByteBuffer data) {
            if (!data.hasRemaining() || stopped.get()) {
                return;
            }
            byte code = data.get();
            byte[] payload = new byte[data.remaining()];
            data.get(payload);
            try {
                if (code == LeaseShellFrames.STDIN && payload.length == 0) {
                    shell.closeStdin();
                } else if (code == LeaseShellFrames.STDIN) {
                    input += payload.length;
                    if (input > limits.maxInputBytes()) {
                        stop("the command was sent more than " + limits.maxInputBytes()
                                + " bytes of stdin, the most a shell takes; it was stopped");
                        return;
                    }
                    shell.write(payload, 0, payload.length);
                } else if (code == LeaseShellFrames.RESIZE && payload.length == 4) {
                    shell.resize(
                            ((payload[0] & 0xff) << 8) | (payload[1] & 0xff),
                            ((payload[2] & 0xff) << 8) | (payload[3] & 0xff));
                } else {
                    stop("message code " + code + " is not stdin (" + LeaseShellFrames.STDIN + ") or a resize ("
                            + LeaseShellFrames.RESIZE + ", 4 bytes)");
                }
            } catch (IOException e) {
                // The command no longer reads (it ended, or closed its stdin): its end is reported by run.
            }
        }

        /** Stops the command from outside its output (a limit, the tenant left); {@link #run} then ends. */
        void stop(String why) {
            if (stopped.compareAndSet(false, true)) {
                reason = why;
                shell.close();
            }
        }

        private void send(byte[] message) throws IOException {
            Callback.Completable sent = new Callback.Completable();
            ws.session.sendBinary(ByteBuffer.wrap(message), sent);
            try {
                sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("the tenant did not take the output: " + e, e);
            }
        }

        private void finish(byte code, String text) {
            if (!ws.session.isOpen()) {
                return;
            }
            try {
                byte[] t = text.getBytes(StandardCharsets.UTF_8);
                send(LeaseShellFrames.frame(code, t, 0, t.length));
            } catch (IOException e) {
                // The tenant is gone: nothing to tell.
            }
            ws.closeSession(1000, "");
        }
    }

    /** {@code d} in seconds under two minutes, else in whole minutes. */
    static String shown(Duration d) {
        return d.compareTo(Duration.ofMinutes(2)) < 0 ? d.toSeconds() + " s" : d.toMinutes() + " min";
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        timers.shutdownNow();
        sessions.values().forEach(s -> s.stop("the provider is stopping"));
    }
}
