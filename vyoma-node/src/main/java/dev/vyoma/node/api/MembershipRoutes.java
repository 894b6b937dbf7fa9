package dev.vyoma.node.api;

import dev.vyoma.node.Node;
import dev.vyoma.node.membership.MembershipChange;
import dev.vyoma.node.membership.Validators;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The validators over HTTP: {@code GET /v1/validators} (the configuration in force, its log index, and where this
 * node stands), and {@code POST /v1/validators/changes}, which takes a membership change signed by an operator key
 * and answers once the group enacted it (or why not: 400 malformed, 403 not an operator or a bad signature, 409
 * stale or conflicting, 503 the group could not complete it).
 */
final class MembershipRoutes {
    /** Largest change body: its fields are short. */
    static final int MAX_CHANGE_BYTES = 4 * 1024;

    private final Node node;
    private final JsonMapper json;

    MembershipRoutes(Node node, JsonMapper json) {
        this.node = node;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.get("/v1/validators", ctx -> ctx.json(view(node.validators().view())));
        routes.post("/v1/validators/changes", this::change);
    }

    private void change(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_CHANGE_BYTES) {
            throw new HttpResponseException(413, "a membership change is at most " + MAX_CHANGE_BYTES + " bytes");
        }
        MembershipChange.Signed request;
        try {
            JsonNode n = json.readTree(body);
            request = MembershipChange.Signed.parse(n);
        } catch (JacksonException e) {
            throw new HttpResponseException(400, "the body is not JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new HttpResponseException(400, e.getMessage());
        }
        try {
            ctx.json(view(node.validators().change(request)));
        } catch (Validators.Refused e) {
            throw new HttpResponseException(e.status(), e.getMessage());
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
        return out;
    }
}
