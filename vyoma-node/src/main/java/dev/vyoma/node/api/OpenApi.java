package dev.vyoma.node.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI 3.1 document of the node's API, served at {@code /openapi.json}, made from the {@link RouteTable}
 * the server's routes are registered from: every route is in it, with its parameters and answers.
 */
final class OpenApi {
    private OpenApi() {}

    /** Schemas with a shape of their own; every other schema a route names is a JSON object. */
    private static final Map<String, Object> SHAPED = shaped();

    /** The document for {@code table}, as JSON. */
    static String document(RouteTable table) {
        Map<String, Object> paths = new LinkedHashMap<>();
        Map<String, Object> schemas = new TreeMap<>();
        table.byPath().forEach((path, routes) -> {
            Map<String, Object> item = new LinkedHashMap<>();
            for (RouteTable.Route r : routes) {
                item.put(r.method == RouteTable.Method.POST ? "post" : "get", operation(r, schemas));
            }
            paths.put(path, item);
        });
        schemas.put("Error", SHAPED.get("Error"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Vyoma node API", "version", "1"));
        doc.put("paths", paths);
        doc.put("components", Map.of("schemas", schemas));
        return JsonMapper.builder().build().writeValueAsString(doc);
    }

    private static Map<String, Object> operation(RouteTable.Route r, Map<String, Object> schemas) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", r.summary);
        if (!r.params.isEmpty()) {
            op.put("parameters", r.params.stream().map(OpenApi::param).toList());
        }
        if (r.requestSchema != null) {
            op.put(
                    "requestBody",
                    Map.of(
                            "required",
                            true,
                            "content",
                            Map.of("application/json", Map.of("schema", ref(r.requestSchema, schemas)))));
        }
        Map<String, Object> responses = new TreeMap<>();
        if (r.method == RouteTable.Method.EVENTS) {
            responses.put(
                    "200",
                    Map.of(
                            "description",
                            "Server-Sent Events, each with its id and JSON",
                            "content",
                            Map.of("text/event-stream", Map.of("schema", ref(r.schema, schemas)))));
        } else if (r.contentType.equals("application/json")) {
            responses.put("200", response("OK", ref(r.schema, schemas)));
        } else {
            responses.put(
                    "200",
                    Map.of(
                            "description",
                            r.schema,
                            "content",
                            Map.of(r.contentType, Map.of("schema", Map.of("type", "string")))));
        }
        if (!r.params.isEmpty() || r.requestSchema != null) {
            responses.put("400", response("Bad request: the message says what to fix", ref("Error", schemas)));
        }
        if (r.params.stream().anyMatch(p -> p.in().equals("path"))) {
            responses.put("404", response("Not found", ref("Error", schemas)));
        }
        for (RouteTable.Response a : r.responses) {
            responses.put(Integer.toString(a.status()), response(a.description(), ref(a.schema(), schemas)));
        }
        op.put("responses", responses);
        return op;
    }

    /** A reference to {@code schema}, which goes into the document's components. */
    private static Map<String, Object> ref(String schema, Map<String, Object> schemas) {
        schemas.putIfAbsent(schema, SHAPED.getOrDefault(schema, Map.of("type", "object")));
        if (schema.equals("BlockRange")) {
            ref("Block", schemas);
        }
        return Map.of("$ref", "#/components/schemas/" + schema);
    }

    private static Map<String, Object> param(RouteTable.Param p) {
        return Map.of(
                "name",
                p.name(),
                "in",
                p.in(),
                "required",
                p.required(),
                "description",
                p.description(),
                "schema",
                Map.of("type", p.type()));
    }

    private static Map<String, Object> response(String description, Map<String, Object> schema) {
        return Map.of("description", description, "content", Map.of("application/json", Map.of("schema", schema)));
    }

    private static Map<String, Object> shaped() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(
                "SubmitTx",
                Map.of(
                        "type", "object",
                        "required", List.of("tx"),
                        "properties",
                                Map.of("tx", Map.of("type", "string", "description", "canonical bytes, base64"))));
        s.put(
                "SubmitBatch",
                Map.of(
                        "type", "object",
                        "required", List.of("txs"),
                        "properties",
                                Map.of(
                                        "txs",
                                        Map.of(
                                                "type",
                                                "array",
                                                "maxItems",
                                                Api.MAX_BATCH,
                                                "items",
                                                Map.of("type", "string", "description", "canonical bytes, base64")))));
        s.put(
                "Error",
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of(
                                "error",
                                Map.of(
                                        "type",
                                        "object",
                                        "properties",
                                        Map.of(
                                                "codespace", Map.of("type", "string"),
                                                "code", Map.of("type", "integer"),
                                                "name", Map.of("type", "string"),
                                                "message", Map.of("type", "string"))))));
        s.put(
                "Page",
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of(
                                "items", Map.of("type", "array", "items", Map.of("type", "object")),
                                "offset", Map.of("type", "integer"),
                                "more", Map.of("type", "boolean"))));
        Map<String, Object> approval = Map.of(
                "type",
                "object",
                "required",
                List.of("signer", "signature"),
                "additionalProperties",
                false,
                "properties",
                Map.of(
                        "signer", Map.of("type", "string", "description", "operator public key, 64 hex"),
                        "signature",
                                Map.of(
                                        "type",
                                        "string",
                                        "description",
                                        "Ed25519 over the change's canonical bytes, 128 hex")));
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("type", "object");
        change.put(
                "description",
                "approvals (or, from older clients, one signer and signature instead; not both), no signer twice");
        change.put("required", List.of("chainId", "action", "id", "configIndex"));
        change.put("additionalProperties", false);
        change.put(
                "properties",
                Map.of(
                        "chainId", Map.of("type", "string"),
                        "action", Map.of("type", "string", "enum", List.of("add", "remove")),
                        "id", Map.of("type", "string", "description", "member id, [a-z0-9][a-z0-9_-]{0,31}"),
                        "raftAddress", Map.of("type", "string", "description", "host:port (add only)"),
                        "apiAddress", Map.of("type", "string", "description", "host:port (add only)"),
                        "configIndex", Map.of("type", "integer", "description", "GET /v1/validators' configIndex"),
                        "approvals",
                                Map.of(
                                        "type",
                                        "array",
                                        "minItems",
                                        1,
                                        "maxItems",
                                        dev.vyoma.node.membership.MembershipChange.MAX_APPROVALS,
                                        "items",
                                        approval),
                        "signer", Map.of("type", "string", "description", "one approval, older form: public key"),
                        "signature", Map.of("type", "string", "description", "one approval, older form: signature")));
        s.put("MembershipChange", Map.copyOf(change));
        s.put(
                "Validators",
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.ofEntries(
                                Map.entry("chainId", Map.of("type", "string")),
                                Map.entry(
                                        "configIndex",
                                        Map.of("type", "integer", "description", "what a change is signed against")),
                                Map.entry("stable", Map.of("type", "boolean")),
                                Map.entry("validators", Map.of("type", "array", "items", Map.of("type", "object"))),
                                Map.entry(
                                        "previous",
                                        Map.of(
                                                "type",
                                                "array",
                                                "description",
                                                "during a change: the members before it",
                                                "items",
                                                Map.of("type", "object"))),
                                Map.entry("quorum", Map.of("type", "integer")),
                                Map.entry("leader", Map.of("type", List.of("string", "null"))),
                                Map.entry("self", Map.of("type", "string")),
                                Map.entry("standing", Map.of("type", "string")),
                                Map.entry(
                                        "operators",
                                        Map.of(
                                                "type",
                                                "array",
                                                "description",
                                                "operator public keys, 64 hex each",
                                                "items",
                                                Map.of("type", "string"))),
                                Map.entry(
                                        "operatorThreshold",
                                        Map.of(
                                                "type",
                                                "integer",
                                                "description",
                                                "how many distinct operators must approve a change")))));
        s.put(
                "BlockRange",
                Map.of(
                        "type",
                        "object",
                        "description",
                        "blocks from from to to; next: where to go on, or null",
                        "properties",
                        Map.of(
                                "blocks",
                                Map.of("type", "array", "items", Map.of("$ref", "#/components/schemas/Block")),
                                "from",
                                Map.of("type", "integer"),
                                "to",
                                Map.of("type", "integer"),
                                "next",
                                Map.of("type", List.of("integer", "null")))));
        return Map.copyOf(s);
    }
}
