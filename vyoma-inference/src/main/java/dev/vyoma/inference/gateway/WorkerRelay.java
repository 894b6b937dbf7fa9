package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.CompletionRequest;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.Sse;
import io.javalin.http.Context;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's side of a completion: sends the request to the least loaded healthy replica of its model,
 * fails over while nothing has reached the client, and relays the worker's answer (whole, streamed, or its
 * refusal) while counting the tokens to charge. Everything a worker sends is read within a bound: workers
 * run on providers' machines.
 */
final class WorkerRelay {
    /** The most bytes of a worker's whole (not streamed) answer the gateway reads. */
    public static final int MAX_WORKER_ANSWER_BYTES = 8 << 20;

    /** The most bytes of a worker's refusal (an error object) the gateway reads and passes on. */
    public static final int MAX_WORKER_ERROR_BYTES = 64 << 10;

    /** The longest line of a worker's event stream the gateway reads (a chunk is one line). */
    public static final int MAX_WORKER_STREAM_LINE_BYTES = 64 << 10;

    /** What a worker writes before its first chunk: the prompt's tokens, as an SSE comment. */
    private static final String PROMPT_TOKENS_NOTE = ": prompt_tokens=";

    private final HttpClient http;
    private final Consumer<String> say;

    WorkerRelay(HttpClient http, Consumer<String> say) {
        this.http = http;
        this.say = say;
    }

    /**
     * Sends the request to the least loaded healthy replica, trying the next one if a replica cannot be reached
     * (nothing has been sent to the client yet), and relays the answer. Returns {prompt, completion} tokens of a
     * completed request, or null if it failed or the worker refused it (nothing to charge).
     */
    long[] forward(Context ctx, ModelPool pool, CompletionRequest r, boolean chat) throws Exception {
        Set<Replica> tried = new HashSet<>();
        String path = chat ? "/v1/chat/completions" : "/v1/completions";
        while (true) {
            Replica replica = pool.pick(tried);
            if (replica == null) {
                throw ApiError.noBackend(r.model());
            }
            tried.add(replica);
            replica.begin();
            long started = System.nanoTime();
            HttpResponse<InputStream> res;
            try {
                res = http.send(
                        HttpRequest.newBuilder(URI.create(replica.baseUrl() + path))
                                .timeout(Duration.ofMinutes(10))
                                .header("Content-Type", "application/json")
                                .header("Authorization", replica.secret().authorization())
                                .POST(HttpRequest.BodyPublishers.ofString(Json.write(r.toJson())))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                replica.end();
                replica.unreachable();
                say.accept("replica " + replica + " cannot be reached ("
                        + e.getClass().getSimpleName() + "); trying another");
                continue;
            }
            try {
                if (res.statusCode() == 503) {
                    res.body().close();
                    continue;
                }
                if (res.statusCode() == 401) {
                    // The worker does not take this gateway's secret: it is not ours to use, whatever its health.
                    res.body().close();
                    replica.unreachable();
                    say.accept("replica " + replica + " refused the gateway's secret; trying another");
                    continue;
                }
                if (res.statusCode() != 200) {
                    relayRefusal(ctx, res, replica);
                    return null;
                }
                return r.stream() ? relayStream(ctx, res, replica, started) : relayWhole(ctx, res, replica, started);
            } finally {
                replica.end();
            }
        }
    }

    /**
     * The worker refused the request (context too long, …): its OpenAI error object passes on, and nothing is
     * charged. Anything else a worker answers (not a client error, not an error object, too long) is its own
     * failure, which the client sees as a 502.
     */
    private void relayRefusal(Context ctx, HttpResponse<InputStream> res, Replica replica) {
        JsonNode error = null;
        try (InputStream in = res.body()) {
            byte[] b = in.readNBytes(MAX_WORKER_ERROR_BYTES + 1);
            if (b.length <= MAX_WORKER_ERROR_BYTES) {
                error = Json.MAPPER.readTree(b);
            }
        } catch (IOException | JacksonException e) {
            error = null;
        }
        if (res.statusCode() < 400
                || res.statusCode() >= 500
                || error == null
                || !error.path("error").isObject()) {
            throw ApiError.server(
                    502,
                    "the replica of " + replica.model() + " failed the request (status " + res.statusCode()
                            + "); it is not charged; retry");
        }
        ctx.status(res.statusCode()).contentType("application/json").result(Json.write(error));
    }

    private long[] relayWhole(Context ctx, HttpResponse<InputStream> res, Replica replica, long started) {
        byte[] body;
        try (InputStream in = res.body()) {
            body = in.readNBytes(MAX_WORKER_ANSWER_BYTES + 1);
        } catch (IOException e) {
            replica.unreachable();
            throw ApiError.server(502, "the replica of " + replica.model() + " failed during the request; retry");
        }
        JsonNode answer = null;
        if (body.length <= MAX_WORKER_ANSWER_BYTES) {
            try {
                answer = Json.MAPPER.readTree(body);
            } catch (JacksonException e) {
                answer = null;
            }
        }
        if (answer == null || !answer.isObject()) {
            replica.unreachable();
            throw ApiError.server(
                    502, "the replica of " + replica.model() + " gave an answer that is not one; not charged; retry");
        }
        replica.observeTtft((System.nanoTime() - started) / 1e6);
        JsonNode usage = answer.path("usage");
        ctx.status(200).contentType("application/json").result(body);
        // A count that is not a number reads as -1, which the caller cuts to 0.
        return new long[] {
            usage.path("prompt_tokens").asLong(-1),
            usage.path("completion_tokens").asLong(-1)
        };
    }

    private long[] relayStream(Context ctx, HttpResponse<InputStream> res, Replica replica, long started)
            throws IOException {
        long[] usage = null;
        long promptTokens = -1;
        long delivered = 0;
        boolean first = true;
        try (Sse sse = new Sse(ctx);
                InputStream in = new BufferedInputStream(res.body())) {
            String line;
            try {
                while ((line = readLine(in)) != null) {
                    if (line.startsWith(PROMPT_TOKENS_NOTE)) {
                        // The worker's note for the gateway, not for the client.
                        promptTokens = count(line.substring(PROMPT_TOKENS_NOTE.length()));
                        readLine(in);
                        continue;
                    }
                    boolean token = false;
                    if (line.startsWith("data: {")) {
                        if (first) {
                            replica.observeTtft((System.nanoTime() - started) / 1e6);
                            first = false;
                        }
                        if (line.contains("\"usage\"")) {
                            JsonNode u;
                            try {
                                u = Json.MAPPER.readTree(line.substring(6)).path("usage");
                            } catch (JacksonException e) {
                                u = null;
                            }
                            if (u != null && u.isObject()) {
                                usage = new long[] {
                                    u.path("prompt_tokens").asLong(-1),
                                    u.path("completion_tokens").asLong(-1)
                                };
                            }
                        }
                        // The worker sends one chunk per token, each without a finish reason.
                        token = line.contains("\"finish_reason\":null");
                    }
                    if (!sse.raw(line + "\n")) {
                        // The client left: stop the worker's generation, and charge what reached the client.
                        res.body().close();
                        return promptTokens < 0 ? null : new long[] {promptTokens, delivered};
                    }
                    if (token) {
                        delivered++;
                    }
                }
            } catch (IOException e) {
                replica.unreachable();
                say.accept("replica " + replica + " failed mid-stream ("
                        + e.getClass().getSimpleName() + ")");
                sse.data(Json.write(ApiError.server(
                                502, "the replica serving this stream failed; the request is not charged; retry it")
                        .body()));
                return null;
            }
            if (usage == null) {
                replica.unreachable();
                sse.data(Json.write(ApiError.server(502, "the replica ended the stream early; not charged; retry")
                        .body()));
            }
        }
        return usage;
    }

    /** A count a worker wrote, or -1 if it is not a plain whole number. */
    private static long count(String digits) {
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /**
     * One line of a worker's stream (without its end of line), or null at its end; a line longer than {@link
     * #MAX_WORKER_STREAM_LINE_BYTES} is the worker failing, as a broken connection is.
     */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= MAX_WORKER_STREAM_LINE_BYTES) {
                throw new IOException(
                        "a line of the worker's stream is over " + MAX_WORKER_STREAM_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
