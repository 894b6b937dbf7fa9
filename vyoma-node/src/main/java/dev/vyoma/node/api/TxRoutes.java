package dev.vyoma.node.api;

import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import dev.vyoma.node.store.BlockStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Transactions over HTTP: {@code POST /v1/txs} (one, answered at once as pending or, with {@code wait=commit},
 * once it is in a block, without holding a server thread), {@code POST /v1/txs/batch} (what a follower forwards)
 * and {@code GET /v1/txs/{hash}}. A body is parsed and decoded in full before anything reaches the mempool, so a
 * refusal leaves nothing behind.
 */
final class TxRoutes {
    /** The longest {@code timeout} of a {@code wait=commit} request. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final Node node;
    private final JsonMapper json;
    /** Where a follower's admitted transactions go to the leader; null for a node alone. */
    private final Forwarder forwarder;

    TxRoutes(Node node, JsonMapper json, Forwarder forwarder) {
        this.node = node;
        this.json = json;
        this.forwarder = forwarder;
    }

    /** Declares the transaction routes in {@code table}. */
    void register(RouteTable table) {
        table.post("/v1/txs")
                .summary("Submit a signed transaction; with wait=commit, answer once it is in a block")
                .query("wait", "string", "commit: wait until included")
                .query("timeout", "integer", "seconds to wait, 1-60 (default 30)")
                .body("SubmitTx")
                .returns("TxResult")
                .answers(200, "Included: the transaction's result", "TxResult")
                .answers(202, "Admitted to the mempool, not yet in a block", "Pending")
                .answers(400, "Malformed, badly signed, replayed, wrong chain or fee", "Error")
                .answers(409, "Already in the mempool", "Error")
                .answers(413, "Body over 256 KiB", "Error")
                .answers(503, "Mempool full", "Error")
                .handle(this::submit);
        table.post("/v1/txs/batch")
                .summary("Submit up to 1,000 signed transactions, verified in parallel and admitted in order; an"
                        + " outcome each (what followers use to forward)")
                .body("SubmitBatch")
                .returns("BatchResults")
                .answers(413, "Body over 256 KiB", "Error")
                .handle(this::submitBatch);
        table.get("/v1/txs/{hash}")
                .summary("A transaction's result and where it was included; 202 while pending")
                .returns("TxResult")
                .answers(202, "In the mempool, not yet in a block", "Pending")
                .handle(this::tx);
    }

    private void submit(Context ctx) {
        // Every parameter is read before the transaction is admitted: a refusal leaves nothing behind.
        String wait = ctx.queryParam("wait");
        boolean waiting = wait != null && !wait.isEmpty();
        if (waiting && !wait.equals("commit")) {
            Api.fail(
                    ctx,
                    400,
                    null,
                    "wait must be commit (or absent), got " + dev.vyoma.ledger.base.WholeNumber.shown(wait));
            return;
        }
        String t = ctx.queryParam("timeout");
        Duration timeout = t == null
                ? Duration.ofSeconds(30)
                : Duration.ofSeconds(QueryRoutes.number(t, "timeout (seconds)", 1, MAX_WAIT.toSeconds()));
        JsonNode body;
        try {
            body = json.readTree(ctx.bodyAsBytes());
        } catch (JacksonException e) {
            Api.fail(
                    ctx, 400, ErrorCode.TX_MALFORMED, "the body is not JSON: " + Api.firstLine(e.getOriginalMessage()));
            return;
        }
        if (body == null || !body.isObject() || !body.path("tx").isString()) {
            Api.fail(ctx, 400, ErrorCode.TX_MALFORMED, "send {\"tx\": \"<the signed transaction's bytes in base64>\"}");
            return;
        }
        byte[] wire;
        try {
            wire = Base64.getDecoder().decode(body.path("tx").asString());
        } catch (IllegalArgumentException e) {
            Api.fail(ctx, 400, ErrorCode.TX_MALFORMED, "tx is not base64: " + e.getMessage());
            return;
        }
        SignedTx tx;
        try {
            tx = SignedTx.decode(wire);
        } catch (CodecException e) {
            Api.fail(ctx, 400, ErrorCode.TX_MALFORMED, "tx is not a signed transaction: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            Api.fail(ctx, 400, ErrorCode.TX_MALFORMED, "tx is not a signed transaction: " + e.getMessage());
            return;
        }
        Mempool.Outcome outcome = node.submit(tx);
        if (outcome instanceof Mempool.Refused r) {
            int status = switch (r.code()) {
                case MEMPOOL_FULL -> 503;
                case TX_IN_MEMPOOL -> 409;
                default -> 400;
            };
            Api.fail(ctx, status, r.code(), r.why());
            return;
        }
        if (forwarder != null) {
            forwarder.nudge();
        }
        if (!waiting) {
            ctx.status(202).json(Map.of("hash", tx.hashHex(), "status", "pending"));
            return;
        }
        // The answer waits without holding a server thread: thousands of clients can wait at once.
        Duration waited = timeout;
        ctx.future(() -> node.committed(tx.hashHex(), waited).handle((at, e) -> {
            if (e == null) {
                ctx.json(txJson(at));
            } else if (unwrap(e) instanceof TimeoutException) {
                ctx.status(202)
                        .json(Map.of(
                                "hash",
                                tx.hashHex(),
                                "status",
                                "pending",
                                "message",
                                "not in a block after " + waited.toSeconds() + " s; ask GET /v1/txs/" + tx.hashHex()));
            } else {
                Api.fail(ctx, 503, null, "the node stopped before the transaction was included");
            }
            return null;
        }));
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static Map<String, Object> txJson(Node.Included at) {
        return ApiJson.txResult(at.height(), at.index(), at.result());
    }

    /**
     * Several transactions at once (a follower forwarding what it admitted): {@code {"txs": [base64, …]}},
     * verified in parallel and admitted in order; the answer lists each one's outcome.
     */
    private void submitBatch(Context ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.bodyAsBytes());
        } catch (JacksonException e) {
            Api.fail(
                    ctx, 400, ErrorCode.TX_MALFORMED, "the body is not JSON: " + Api.firstLine(e.getOriginalMessage()));
            return;
        }
        if (body == null || !body.path("txs").isArray() || body.path("txs").size() > Api.MAX_BATCH) {
            Api.fail(
                    ctx,
                    400,
                    ErrorCode.TX_MALFORMED,
                    "send {\"txs\": [\"<base64>\", …]} with at most " + Api.MAX_BATCH);
            return;
        }
        List<SignedTx> txs = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        for (JsonNode t : body.path("txs")) {
            try {
                txs.add(SignedTx.decode(Base64.getDecoder().decode(t.asString())));
            } catch (RuntimeException e) {
                Api.fail(
                        ctx,
                        400,
                        ErrorCode.TX_MALFORMED,
                        "txs[" + txs.size() + "] is not a signed transaction: " + e.getMessage());
                return;
            }
        }
        for (Mempool.Outcome o : node.mempool().submitAll(txs, node.verifiers())) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("hash", o.txHash());
            if (o instanceof Mempool.Refused refused) {
                r.put("error", ApiJson.error(refused.code(), refused.why()).get("error"));
            } else {
                r.put("status", "pending");
            }
            results.add(r);
        }
        ctx.json(Map.of("results", results));
    }

    private Map<String, Object> txJson(BlockStore.TxLocation at) {
        BlockResult result = node.blocks().result(at.height()).orElseThrow();
        return ApiJson.txResult(at.height(), at.index(), result.txs().get(at.index()));
    }

    private void tx(Context ctx) {
        // One spelling: lower-case hex, as the node writes hashes.
        String hash = ctx.pathParam("hash");
        if (!hash.matches("[0-9a-f]{64}")) {
            Api.fail(
                    ctx,
                    400,
                    null,
                    "a transaction hash is 64 lower-case hex digits, got "
                            + dev.vyoma.ledger.base.WholeNumber.shown(hash));
            return;
        }
        Optional<BlockStore.TxLocation> at = node.blocks().tx(hash);
        if (at.isPresent()) {
            ctx.json(txJson(at.get()));
        } else if (node.mempool().contains(hash)) {
            ctx.status(202).json(Map.of("hash", hash, "status", "pending"));
        } else {
            Api.fail(ctx, 404, null, "no transaction " + hash + " in a block or in this node's mempool");
        }
    }
}
