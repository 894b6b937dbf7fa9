package dev.vyoma.client;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A typed client of a node's HTTP API: chain status, accounts, fees, and transactions built, signed and
 * broadcast. A refusal by the node is a {@link NodeException} carrying its code and reason.
 */
public final class VyomaClient {
    /** What {@code /v1/status} reports. */
    public record Status(
            String chainId, String nodeId, long height, String latestBlockHash, String leader, long term) {}

    /** An account's sequence and balances. */
    public record AccountInfo(Address address, long sequence, List<Coin> balances) {
        public long balance(String denom) {
            return balances.stream()
                    .filter(c -> c.denom().equals(denom))
                    .mapToLong(Coin::amount)
                    .sum();
        }
    }

    /** A transaction's fate: pending in a mempool, or in a block with its outcome. */
    public record TxOutcome(
            String hash, boolean committed, long height, int index, boolean ok, String code, String log) {}

    /** The node refused a request; {@code name} is the error's name (e.g. {@code wrong_sequence}) if it has one. */
    public static final class NodeException extends RuntimeException {
        private final int status;
        private final String name;

        NodeException(int status, String name, String message) {
            super(message);
            this.status = status;
            this.name = name;
        }

        public int status() {
            return status;
        }

        public String name() {
            return name;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final HttpClient http;
    private volatile Fees fees;
    private volatile String chainId;

    private record Fees(String denom, long defaultFee, Map<String, Long> byKind) {
        long of(List<Msg> msgs) {
            long total = 0;
            for (Msg m : msgs) {
                total = Math.addExact(total, byKind.getOrDefault(m.kind(), defaultFee));
            }
            return total;
        }
    }

    public VyomaClient(String nodeUrl) {
        String url = nodeUrl.endsWith("/") ? nodeUrl.substring(0, nodeUrl.length() - 1) : nodeUrl;
        try {
            this.base = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a node URL: " + nodeUrl);
        }
        if (base.getScheme() == null
                || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("a node URL starts with http:// or https://, got " + nodeUrl);
        }
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public Status status() {
        JsonNode n = get("/v1/status").orElseThrow();
        return new Status(
                n.path("chainId").asString(),
                n.path("nodeId").asString(),
                n.path("height").asLong(),
                n.path("latestBlockHash").asString(),
                n.path("leader").asString(null),
                n.path("term").asLong());
    }

    /** The account, or empty if it does not exist yet. */
    public Optional<AccountInfo> account(Address address) {
        return get("/v1/accounts/" + address).map(n -> {
            List<Coin> coins = new ArrayList<>();
            for (JsonNode c : n.path("balances")) {
                coins.add(new Coin(
                        c.path("denom").asString(),
                        Long.parseLong(c.path("amount").asString())));
            }
            return new AccountInfo(address, n.path("sequence").asLong(), coins);
        });
    }

    /** Builds and signs a transaction of {@code msgs} from {@code key}, with its next sequence and the fee. */
    public SignedTx sign(KeyPair key, List<Msg> msgs, String memo) {
        String id = chainId;
        if (id == null) {
            // A chain's id never changes: ask once, not for every transaction.
            id = status().chainId();
            chainId = id;
        }
        long sequence = account(key.address()).map(AccountInfo::sequence).orElse(0L);
        Fees f = fees();
        Tx tx = new Tx(id, key.publicKey(), sequence, new Coin(f.denom(), f.of(msgs)), msgs, memo);
        return new SignedTx(tx, Ed25519.sign(key.privateKey(), tx.signBytes()));
    }

    /** Sends a signed transaction; with {@code waitForCommit}, answers once it is in a block (or still pending). */
    public TxOutcome broadcast(SignedTx tx, boolean waitForCommit) {
        String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(tx.encode()) + "\"}";
        JsonNode n = send(HttpRequest.newBuilder(base.resolve("/v1/txs" + (waitForCommit ? "?wait=commit" : "")))
                        .timeout(Duration.ofSeconds(90))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build())
                .orElseThrow();
        return outcome(n);
    }

    /**
     * The lease with this id (the node's JSON), or empty if there is none. The path is built from the typed id,
     * and the answer is checked to be exactly that lease (owner, dseq, gseq, oseq and provider): a node that
     * answers with another entity is refused as a bad answer.
     */
    public Optional<JsonNode> lease(dev.vyoma.ledger.market.BidId id) {
        return get("/v1/leases/" + id).map(n -> {
            dev.vyoma.ledger.market.BidId answered = ChainIds.bidId(n.path("id"));
            if (!answered.equals(id)) {
                throw new NodeException(0, "bad_answer", "asked for lease " + id + ", the node answered " + answered);
            }
            return n;
        });
    }

    /** The deployment with this id (the node's JSON), or empty; checked as {@link #lease} is. */
    public Optional<JsonNode> deployment(dev.vyoma.ledger.deployment.DeploymentId id) {
        return get("/v1/deployments/" + id).map(n -> {
            dev.vyoma.ledger.deployment.DeploymentId answered = ChainIds.deploymentId(n.path("id"));
            if (!answered.equals(id)) {
                throw new NodeException(
                        0, "bad_answer", "asked for deployment " + id + ", the node answered " + answered);
            }
            return n;
        });
    }

    /**
     * The deposit grant from {@code granter} to {@code grantee} (the node's JSON: {@code id}, {@code spendLimit},
     * {@code spentMicro}, {@code expiresAtMillis}, {@code grantedHeight}), or empty; checked as {@link #lease} is.
     */
    public Optional<JsonNode> depositGrant(Address granter, Address grantee) {
        return get("/v1/deposit-grants/" + granter + "/" + grantee).map(n -> {
            Address g = ChainIds.address(n.path("id"), "granter");
            Address e = ChainIds.address(n.path("id"), "grantee");
            if (!g.equals(granter) || !e.equals(grantee)) {
                throw new NodeException(
                        0,
                        "bad_answer",
                        "asked for the deposit grant " + granter + "/" + grantee + ", the node answered " + g + "/"
                                + e);
            }
            return n;
        });
    }

    /** A deployment group with its spec, exactly as the ledger holds it, or empty if there is none. */
    public Optional<dev.vyoma.ledger.deployment.Group> group(dev.vyoma.ledger.deployment.GroupId id) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/groups/"
                        + id.deployment().owner() + "/" + id.deployment().dseq() + "/" + id.gseq()))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/octet-stream")
                .GET()
                .build();
        HttpResponse<byte[]> r = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw new NodeException(r.statusCode(), null, "HTTP " + r.statusCode() + " for group " + id);
        }
        dev.vyoma.ledger.deployment.Group g =
                dev.vyoma.ledger.codec.Codec.decode(r.body(), dev.vyoma.ledger.deployment.Group.class);
        if (!g.id().equals(id)) {
            throw new NodeException(0, "bad_answer", "asked for group " + id + ", the node answered " + g.id());
        }
        return Optional.of(g);
    }

    /** A transaction by hash, or empty if the node knows nothing of it. */
    public Optional<TxOutcome> tx(String hash) {
        return get("/v1/txs/" + hash).map(VyomaClient::outcome);
    }

    private static TxOutcome outcome(JsonNode n) {
        if (n.path("status").asString("").equals("pending")) {
            return new TxOutcome(n.path("hash").asString(), false, 0, -1, false, null, "pending");
        }
        return new TxOutcome(
                n.path("hash").asString(),
                true,
                n.path("height").asLong(),
                n.path("index").asInt(),
                n.path("ok").asBoolean(),
                n.path("name").asString(null),
                n.path("log").asString(""));
    }

    private Fees fees() {
        Fees f = fees;
        if (f == null) {
            JsonNode p = get("/v1/params").orElseThrow();
            Map<String, Long> byKind = new HashMap<>();
            for (JsonNode fee : p.path("fees")) {
                byKind.put(fee.path("kind").asString(), fee.path("amount").asLong());
            }
            f = new Fees(p.path("feeDenom").asString(), p.path("defaultFee").asLong(), Map.copyOf(byKind));
            fees = f;
        }
        return f;
    }

    /**
     * Any read of the node's API ({@code path} starting with {@code /v1/}, query included) as JSON; empty if
     * the node has no such entity.
     */
    public Optional<JsonNode> getJson(String path) {
        if (!path.startsWith("/v1/")) {
            throw new IllegalArgumentException("API paths start with /v1/, got " + path);
        }
        return get(path);
    }

    private Optional<JsonNode> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    }

    /** The node's answer to {@code request}; a {@link NodeException} when the node cannot be reached. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new NodeException(0, "unreachable", "cannot reach the node at " + base + ": " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException(0, "interrupted", "interrupted while waiting for " + base);
        }
    }

    /** The answer's JSON; empty on 404; a {@link NodeException} on any other error. */
    private Optional<JsonNode> send(HttpRequest request) {
        HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
        JsonNode n;
        try {
            n = JSON.readTree(r.body());
        } catch (JacksonException e) {
            throw new NodeException(
                    r.statusCode(), "bad_answer", base + " did not answer JSON (HTTP " + r.statusCode() + ")");
        }
        if (r.statusCode() == 404
                && !n.path("error").path("message").asString("").startsWith("no such endpoint")) {
            return Optional.empty();
        }
        if (r.statusCode() >= 400) {
            JsonNode e = n.path("error");
            throw new NodeException(
                    r.statusCode(),
                    e.path("name").asString(null),
                    e.path("message").asString("HTTP " + r.statusCode()));
        }
        return Optional.of(n);
    }

    /** Why a connection failed, in words: a refused connection's exception has no message of its own. */
    static String reason(java.io.IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused (is the node running?)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
