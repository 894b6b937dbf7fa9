package dev.vyoma.provider.gateway;

import dev.vyoma.ledger.base.WholeNumber;
import dev.vyoma.ledger.market.BidId;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gateway's {@code GET …/logs} route: a lease's output for its owner, once or followed, with followers admitted
 * under the caps of {@link Gateway.Limits} ({@link Followers}) and a heartbeat that finds a follower who left.
 */
final class LogRoute {
    /** A service name as the SDL allows it (a DNS label). */
    private static final java.util.regex.Pattern SERVICE_NAME =
            java.util.regex.Pattern.compile("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");

    private final Function<Context, BidId> authorize;
    private final Supplier<Gateway.Leases> leases;
    private final Followers followers;
    private final Gateway.Limits limits;

    LogRoute(
            Function<Context, BidId> authorize,
            Supplier<Gateway.Leases> leases,
            Followers followers,
            Gateway.Limits limits) {
        this.authorize = authorize;
        this.leases = leases;
        this.followers = followers;
        this.limits = limits;
    }

    /**
     * {@code GET …/logs?service=S&tail=N&follow=true}: the lease's output as plain text, one line per output
     * line prefixed with {@code [service-index]}; following, the response stays open and new lines arrive as
     * they are written, until the client goes or the lease ends, with an empty line as the heartbeat. A follower
     * is admitted only under the caps of {@link Gateway.Limits}.
     */
    void serve(Context ctx) throws IOException, InterruptedException {
        BidId id = authorize.apply(ctx);
        String lease = id.toString();
        Gateway.Leases l = leases.get();
        if (l == null) {
            throw new HttpResponseException(503, "the provider is starting; try again");
        }
        String tailText = ctx.queryParam("tail");
        int tail;
        try {
            tail = tailText == null ? 100 : (int) WholeNumber.parse(tailText, "tail", 0, Gateway.MAX_TAIL_LINES);
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
        String followText = ctx.queryParam("follow");
        if (followText != null && !followText.equals("true") && !followText.equals("false")) {
            throw new HttpResponseException(400, "follow is true or false, got " + WholeNumber.shown(followText));
        }
        boolean follow = "true".equals(followText);
        String service = ctx.queryParam("service");
        if (service == null) {
            service = "";
        } else if (!SERVICE_NAME.matcher(service).matches()) {
            throw new HttpResponseException(
                    400,
                    "service is a service name of the SDL (lower-case letters, digits and -, at most 63), got "
                            + WholeNumber.shown(service));
        }
        var request = new dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest(service, tail, follow);
        if (!follow) {
            stream(ctx, l, lease, request);
            return;
        }
        switch (followers.admit(id, Gateway.bearer(ctx))) {
            case Followers.Refused r -> {
                ctx.header("Retry-After", Long.toString(limits.heartbeat().toSeconds() * 2));
                throw new HttpResponseException(
                        r.refusal().status(), r.refusal().message());
            }
            case Followers.Admitted a -> {
                try (Followers.Slot slot = a.slot()) {
                    stream(ctx, l, lease, request);
                }
            }
        }
    }

    private void stream(
            Context ctx, Gateway.Leases l, String lease, dev.vyoma.provider.runtime.WorkloadRuntime.LogRequest request)
            throws IOException, InterruptedException {
        ctx.contentType("text/plain; charset=utf-8");
        ctx.status(200);
        java.io.OutputStream out = ctx.res().getOutputStream();
        // The status goes out now: a follower knows at once that it was admitted.
        out.flush();
        boolean[] gone = {false};
        long[] lastWrite = {System.nanoTime()};
        long heartbeat = limits.heartbeat().toNanos();
        long until = System.nanoTime() + Gateway.MAX_FOLLOW.toNanos();
        l.logs(
                lease,
                request,
                text -> {
                    if (gone[0]) {
                        return;
                    }
                    try {
                        out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        lastWrite[0] = System.nanoTime();
                    } catch (IOException e) {
                        gone[0] = true;
                    }
                },
                () -> {
                    long now = System.nanoTime();
                    if (gone[0] || now > until) {
                        return true;
                    }
                    // Only a write finds a client that left: the first after it goes reaches a closed socket,
                    // the one after that fails. An empty line is never an output line, which has its prefix.
                    if (now - lastWrite[0] >= heartbeat) {
                        try {
                            out.write('\n');
                            out.flush();
                            lastWrite[0] = now;
                        } catch (IOException e) {
                            gone[0] = true;
                            return true;
                        }
                    }
                    return false;
                });
    }
}
