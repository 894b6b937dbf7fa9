package dev.vyoma.node.membership;

import dev.vyoma.ledger.crypto.KeyPair;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Changes the validators through a member's API, as {@code vyoma node add-validator} and the fault campaign do: reads
 * the configuration in force ({@code GET /v1/validators}), has the change for it approved by operator keys, and
 * submits it ({@code POST /v1/validators/changes}), which answers once the group enacted it.
 */
public final class MembershipClient {
    /** How long a change may take: the leader catches a new member up (a snapshot) before it commits the change. */
    public static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(180);

    /**
     * The validators as a member reports them, with the operator keys (hex) and how many of them must approve a
     * change (1 from a node that predates approvals: it enacts a change one operator signed).
     */
    public record Current(
            String chainId,
            long configIndex,
            List<Validators.Member> validators,
            int quorum,
            List<String> operators,
            int operatorThreshold) {}

    /** What a change came to: enacted (the validators now), or refused with the node's status and message. */
    public record Outcome(int status, String message, Current after) {
        public boolean enacted() {
            return status == 200;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client of the API at {@code base} ({@code http://host:port}). */
    public MembershipClient(String base) {
        this.base = Objects.requireNonNull(base, "base").replaceAll("/+$", "");
        URI.create(this.base);
    }

    /** The validators in force. */
    public Current current() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/validators"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = read(r.body());
        if (r.statusCode() != 200) {
            throw new IOException(base + " answered " + r.statusCode() + ": " + message(n));
        }
        return current(n);
    }

    /**
     * Adds validator {@code id}, reached at these addresses, approved by each of {@code operators} (as many as the
     * node's threshold asks for).
     */
    public Outcome add(List<KeyPair> operators, String id, String raftAddress, String apiAddress)
            throws IOException, InterruptedException {
        Current now = current();
        return submit(approved(
                MembershipChange.add(now.chainId(), id, raftAddress, apiAddress, now.configIndex()), operators));
    }

    /** Removes validator {@code id}, approved by each of {@code operators}. */
    public Outcome remove(List<KeyPair> operators, String id) throws IOException, InterruptedException {
        Current now = current();
        return submit(approved(MembershipChange.remove(now.chainId(), id, now.configIndex()), operators));
    }

    /** {@code change} approved by each of {@code operators}, in order. */
    public static MembershipChange.Signed approved(MembershipChange change, List<KeyPair> operators) {
        if (operators.isEmpty()) {
            throw new IllegalArgumentException("a change needs at least one operator's approval");
        }
        MembershipChange.Signed signed = change.sign(operators.get(0));
        for (KeyPair k : operators.subList(1, operators.size())) {
            signed = signed.approve(k);
        }
        return signed;
    }

    /** Submits a signed change and waits for the group to enact it. */
    public Outcome submit(MembershipChange.Signed change) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/validators/changes"))
                        .timeout(CHANGE_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(change.json())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = read(r.body());
        if (r.statusCode() == 200) {
            return new Outcome(200, "enacted", current(n));
        }
        return new Outcome(r.statusCode(), message(n), null);
    }

    private static Current current(JsonNode n) {
        List<Validators.Member> members = new ArrayList<>();
        for (JsonNode m : n.path("validators")) {
            members.add(new Validators.Member(
                    m.path("id").asString(),
                    m.path("raftAddress").asString(),
                    m.path("apiAddress").asString()));
        }
        List<String> operators = new ArrayList<>();
        for (JsonNode o : n.path("operators")) {
            operators.add(o.asString());
        }
        return new Current(
                n.path("chainId").asString(),
                n.path("configIndex").asLong(),
                List.copyOf(members),
                n.path("quorum").asInt(),
                List.copyOf(operators),
                Math.max(1, n.path("operatorThreshold").asInt(1)));
    }

    private JsonNode read(String body) throws IOException {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new IOException(base + " did not answer JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String message(JsonNode n) {
        return n.path("error").path("message").asString("no message");
    }
}
