package dev.vyoma.node.api;

import dev.vyoma.node.chain.Node;
import dev.vyoma.node.membership.MembershipChange;
import dev.vyoma.node.membership.MembershipClient;
import dev.vyoma.node.membership.Validators;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The validators over HTTP: {@code GET /v1/validators} (the configuration in force, its log index, and where this
 * node stands, the operator keys and their threshold), and {@code POST /v1/validators/changes}, which takes a
 * membership change approved by enough operator keys and answers once the group enacted it (or why not: 400
 * malformed, 403 too few operator approvals, a key that is no operator's or a bad signature, 409 stale or
 * conflicting, 503 the group could not complete it).
 *
 * <p>A change is checked and enacted by the leader: a follower passes the body on to the leader's API, once. The
 * leader's configuration is the newest, so a change signed for an older one is stale there even when this member
 * lags behind (and a set of members that came back to an earlier one does not make an old change good again).
 */
final class MembershipRoutes {
    /** Largest change body: its fields are short, and it carries at most 32 approvals of about 230 bytes each. */
    static final int MAX_CHANGE_BYTES = 16 * 1024;

    /** Marks a change a follower passed on, so that it is passed on once at most. */
    private static final String FORWARDED = "X-Vyoma-Forwarded-By";

    private final Node node;
    private final JsonMapper json;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    MembershipRoutes(Node node, JsonMapper json) {
        this.node = node;
        this.json = json;
    }

    void register(RouteTable table) {
        table.get("/v1/validators")
                .summary("The validators in force: their ids and addresses, the configuration's log index (what a"
                        + " change is signed against), the quorum, the leader, this node's standing, and the operator"
                        + " keys and how many of them must approve a change")
                .returns("Validators")
                .handle(ctx -> ctx.json(view(node.validators().view())));
        table.post("/v1/validators/changes")
                .summary("Add or remove a validator: a change approved by at least operatorThreshold of the operator"
                        + " keys, for this chain and the configuration at configIndex; answers once the group enacted"
                        + " it")
                .body("MembershipChange")
                .returns("Validators")
                .answers(
                        403,
                        "Too few operator approvals, an approval by a key that is no operator's, or a bad"
                                + " signature",
                        "Error")
                .answers(409, "Stale configIndex, a change under way, already a member", "Error")
                .answers(413, "Body over 16 KiB", "Error")
                .answers(503, "The group could not complete the change", "Error")
                .handle(this::change);
    }

    private void change(Context ctx) throws InterruptedException {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_CHANGE_BYTES) {
            throw new HttpResponseException(413, "a membership change is at most " + MAX_CHANGE_BYTES + " bytes");
        }
        parse(body);
        if (!node.isLeader()) {
            toLeader(ctx, body);
            return;
        }
        try {
            ctx.json(view(node.validators().change(parse(body))));
        } catch (Validators.Refused e) {
            throw new HttpResponseException(e.status(), e.getMessage());
        }
    }

    /** Passes a change on to the leader's API and answers with what it answered. */
    private void toLeader(Context ctx, byte[] body) throws InterruptedException {
        if (ctx.header(FORWARDED) != null) {
            throw new HttpResponseException(503, "leadership is moving; send the change again");
        }
        String leader = node.leaderId()
                .orElseThrow(() -> new HttpResponseException(503, "no leader now; send the change again shortly"));
        String api = node.validators()
                .apiAddress(leader)
                .orElseThrow(() -> new HttpResponseException(
                        503, "this node does not know the API of the leader " + leader + "; send the change there"));
        HttpResponse<String> r;
        try {
            r = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + api + "/v1/validators/changes"))
                            .timeout(MembershipClient.CHANGE_TIMEOUT)
                            .header("Content-Type", "application/json")
                            .header(FORWARDED, node.config().id())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new HttpResponseException(
                    503, "the leader " + leader + " at " + api + " did not answer: " + e.getMessage());
        }
        ctx.status(r.statusCode()).contentType("application/json").result(r.body());
    }

    private MembershipChange.Signed parse(byte[] body) {
        try {
            JsonNode n = json.readTree(body);
            return MembershipChange.Signed.parse(n);
        } catch (JacksonException e) {
            throw new HttpResponseException(400, "the body is not JSON: " + e.getOriginalMessage());
        } catch (MembershipChange.BadSignature e) {
            throw new HttpResponseException(403, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
    }

    private Map<String, Object> view(Validators.View v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("chainId", node.config().genesis().chainId());
        out.put("configIndex", v.configIndex());
        out.put("stable", v.stable());
        out.put("validators", v.members());
        if (!v.stable()) {
            out.put("previous", v.previous());
        }
        out.put("quorum", v.members().size() / 2 + 1);
        out.put("leader", node.leaderId().orElse(null));
        out.put("self", node.config().id());
        out.put("standing", v.standing().name().toLowerCase(Locale.ROOT));
        out.put("operators", node.validators().operators());
        out.put("operatorThreshold", node.validators().threshold());
        return out;
    }
}
