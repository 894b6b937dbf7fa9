package dev.vyoma.node.api;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.node.store.BlockStore;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/blocks?from=H1&to=H2}: consecutive blocks with their results and events, each exactly as
 * {@code GET /v1/blocks/{height}} answers it, so that a reader of history (the stats indexer, a provider catching
 * up) asks once per range instead of once per block. An answer holds at most {@link #MAX_BLOCKS} blocks and stops
 * early once it holds {@link #MAX_BYTES} of JSON (always at least one block); {@code next} then names the height to
 * ask from. Both heights are parsed as every height is (plain digits from 1); a range that is reversed, longer than
 * {@link #MAX_BLOCKS}, or reaches past the latest block is refused with a message naming what to ask instead.
 */
final class BlockRange {
    /** Most blocks in one answer; a longer range is a 400. */
    static final int MAX_BLOCKS = 1_000;

    /** Bytes of JSON after which an answer stops (its last block may take it past this, by one block at most). */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    /**
     * Answers built at once in this process: each holds up to about {@link #MAX_BYTES}, so together they stay within
     * 64 MiB however many clients ask; past it a request waits {@link #BUSY_WAIT}, then is a 503.
     */
    static final int MAX_CONCURRENT = 16;

    static final Duration BUSY_WAIT = Duration.ofSeconds(2);

    static final Semaphore BUILDING = new Semaphore(MAX_CONCURRENT);

    private static final byte[] OPEN = "{\"blocks\":[".getBytes(StandardCharsets.US_ASCII);

    private BlockRange() {}

    /** Answers {@code ctx} from {@code blocks}: {@code {"blocks": [...], "from", "to", "next"}}. */
    static void serve(Context ctx, BlockStore blocks, JsonMapper json) {
        String fromText = single(ctx, "from");
        String toText = single(ctx, "to");
        if (fromText == null) {
            throw new HttpResponseException(
                    400, "from is required: GET /v1/blocks?from=H1&to=H2 (at most " + MAX_BLOCKS + " blocks)");
        }
        // Read once: blocks stored after this point are not part of this answer.
        long latest = blocks.latestHeight();
        long from = QueryRoutes.number(fromText, "from", 1, Long.MAX_VALUE);
        long to = toText == null
                ? Math.min(latest, from + MAX_BLOCKS - 1)
                : QueryRoutes.number(toText, "to", 1, Long.MAX_VALUE);
        if (from < blocks.firstHeight()) {
            throw new HttpResponseException(410, Api.history(blocks.firstHeight()));
        }
        if (from > latest) {
            throw new HttpResponseException(404, "no block at height " + from + "; the latest is " + latest);
        }
        if (to < from) {
            throw new HttpResponseException(400, "to (" + to + ") is below from (" + from + ")");
        }
        if (to - from >= MAX_BLOCKS) {
            throw new HttpResponseException(
                    400,
                    "at most " + MAX_BLOCKS + " blocks in one request: ask from=" + from + "&to="
                            + Math.min(latest, from + MAX_BLOCKS - 1) + ", then on from the answer's next");
        }
        if (to > latest) {
            throw new HttpResponseException(
                    400, "to (" + to + ") is above the latest height " + latest + ": ask to=" + latest + " or less");
        }
        try {
            if (!BUILDING.tryAcquire(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new HttpResponseException(
                        503, "the node is answering " + MAX_CONCURRENT + " block ranges at once; retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpResponseException(503, "the node is stopping");
        }
        try {
            ctx.contentType("application/json").result(answer(blocks, json, from, to, MAX_BYTES));
        } finally {
            BUILDING.release();
        }
    }

    /**
     * The answer for heights {@code from} to {@code to} (all stored): blocks until {@code to}, or until the JSON holds
     * {@code maxBytes} (at least one block), then where it stopped.
     */
    static byte[] answer(BlockStore blocks, JsonMapper json, long from, long to, int maxBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        out.writeBytes(OPEN);
        long last = from - 1;
        for (long h = from; h <= to && (h == from || out.size() < maxBytes); h++) {
            Optional<Block> block = blocks.block(h);
            Optional<BlockResult> result = blocks.result(h);
            if (block.isEmpty() || result.isEmpty()) {
                // Up to the latest every height is stored (a block and its result in one batch).
                throw new IllegalStateException("the block store has no block " + h);
            }
            if (h > from) {
                out.write(',');
            }
            out.writeBytes(json.writeValueAsBytes(ApiJson.block(block.get(), result.get())));
            last = h;
        }
        String tail = "],\"from\":" + from + ",\"to\":" + last + ",\"next\":" + (last < to ? last + 1 : "null") + "}";
        out.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The one value of query parameter {@code name}, or null; given twice it is refused (which one would count?). */
    private static String single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.size() > 1) {
            throw new HttpResponseException(400, name + " is given " + values.size() + " times; give it once");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}
