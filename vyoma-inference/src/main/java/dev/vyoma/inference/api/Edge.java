package dev.vyoma.inference.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading a request at the edge, for the gateway's and the worker's handlers alike: the body up to a route's
 * cap, and the query string checked against what a route takes, so that every value behind the edge is already
 * bounded and typed. A bad value is an {@link ApiError} (4xx) whose message says what to send instead.
 */
public final class Edge {
    private Edge() {}

    /**
     * The body, at most {@code maxBytes}: refused with 413 from its declared length before it is kept, or once
     * reading passes the cap (a body sent without a length). Before the refusal the rest of the body is read and
     * dropped, up to {@link #drainBytes}: closing a connection with unread bytes resets it, and a client still
     * sending would then lose the 413 and see only a broken connection.
     */
    public static byte[] body(Context ctx, int maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > maxBytes) {
                if (declared <= drainBytes(maxBytes)) {
                    drain(in, declared);
                }
                throw ApiError.tooLarge(maxBytes);
            }
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                drain(in, drainBytes(maxBytes));
                throw ApiError.tooLarge(maxBytes);
            }
            return b;
        } catch (IOException e) {
            throw ApiError.invalid(
                    null, "the request body could not be read (" + e.getClass().getSimpleName() + "); send it again");
        }
    }

    /** How much of a body over {@code maxBytes} is read and dropped before refusing it: larger ones are cut off. */
    static long drainBytes(int maxBytes) {
        return Math.max(1L << 20, 4L * maxBytes);
    }

    /** Reads and drops up to {@code limit} bytes of {@code in}; a body that fails on the way is refused anyway. */
    private static void drain(InputStream in, long limit) {
        byte[] sink = new byte[8192];
        long left = limit;
        try {
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                left -= n;
            }
        } catch (IOException e) {
            // The refusal goes out regardless; the connection may already be gone.
        }
    }

    /**
     * Refuses any query parameter other than {@code allowed}, and any given twice: a misspelt or repeated
     * parameter is a mistake to point out, not something to guess at.
     */
    public static void query(Context ctx, Set<String> allowed) {
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw ApiError.invalid(
                        e.getKey(),
                        allowed.isEmpty()
                                ? ctx.path() + " takes no query parameters; remove ?" + shortened(e.getKey())
                                : "unknown query parameter " + shortened(e.getKey()) + "; " + ctx.path() + " takes "
                                        + String.join(", ", allowed));
            }
            if (e.getValue().size() > 1) {
                throw ApiError.invalid(
                        e.getKey(), e.getKey() + " is given " + e.getValue().size() + " times; give it once");
            }
        }
    }

    /**
     * The whole-number query parameter {@code name} in {@code [min, max]}, or {@code dflt} when it is absent; the
     * caller has checked the parameter set with {@link #query}.
     */
    public static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        String need = name + " is a whole number from " + min + " to " + max + ", got " + shortened(v);
        // Digits only, and few enough that the number cannot overflow: no sign, no spaces, no exponent.
        if (v.isEmpty() || v.length() > 10 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiError.invalid(name, need);
        }
        long n = Long.parseLong(v);
        if (n < min || n > max) {
            throw ApiError.invalid(name, need);
        }
        return (int) n;
    }

    /**
     * A value as an error message may quote it: at most 40 characters, control characters shown as {@code ?}, so that
     * a quoted value can neither lengthen the message nor break it into lines.
     */
    public static String shortened(String v) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < Math.min(v.length(), 40); i++) {
            char c = v.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.append(v.length() <= 40 ? "'" : "…'").toString();
    }
}
