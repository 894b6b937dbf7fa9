package dev.vyoma.node.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The OpenAPI 3.1 document of the node's API, served at {@code /openapi.json}. */
final class OpenApi {
    private static final String DOCUMENT = build();

    private OpenApi() {}

    static String document() {
        return DOCUMENT;
    }

    private static String build() {
        Map<String, Object> paths = new LinkedHashMap<>();
        paths.put(
                "/v1/status",
                Map.of(
                        "get",
                        op("Node status: chain, height, block interval, leader, term, peers, mempool", "Status")));
        paths.put(
                "/v1/txs",
                Map.of(
                        "post",
                        Map.of(
                                "summary",
                                "Submit a signed transaction; with wait=commit, answer once it is in a block",
                                "parameters",
                                List.of(
                                        param("wait", "query", "commit: wait until included", "string"),
                                        param("timeout", "query", "seconds to wait, 1-60 (default 30)", "integer")),
                                "requestBody",
                                Map.of(
                                        "required",
                                        true,
                                        "content",
                                        Map.of(
                                                "application/json",
                                                Map.of("schema", Map.of("$ref", "#/components/schemas/SubmitTx")))),
                                "responses",
                                Map.of(
                                        "200", response("Included: the transaction's result", "TxResult"),
                                        "202", response("Admitted to the mempool, not yet in a block", "Pending"),
                                        "400",
                                                response(
                                                        "Malformed, badly signed, replayed, wrong chain or fee",
                                                        "Error"),
                                        "409", response("Already in the mempool", "Error"),
                                        "413", response("Body over 256 KiB", "Error"),
                                        "503", response("Mempool full", "Error")))));
        paths.put(
                "/v1/txs/{hash}",
                Map.of(
                        "get",
                        withPath(
                                op("A transaction's result, or pending", "TxResult"),
                                "hash",
                                "64 lower-case hex digits")));
        paths.put(
                "/v1/params",
                Map.of("get", op("The chain's parameters: denominations, fees per message kind, limits", "Params")));
        paths.put(
                "/v1/blocks",
                Map.of(
                        "get",
                        Map.of(
                                "summary",
                                "Consecutive blocks with their results, each as /v1/blocks/{height} answers it: at most"
                                        + " 1,000 a request and about 4 MiB; next (else null) is the height to ask from",
                                "parameters",
                                List.of(
                                        param("from", "query", "first height, from 1 (required)", "integer"),
                                        param(
                                                "to",
                                                "query",
                                                "last height: at most from+999 and the latest (default: both)",
                                                "integer")),
                                "responses",
                                Map.of(
                                        "200",
                                                Map.of(
                                                        "description",
                                                        "blocks from from to to; next: where to go on, or null",
                                                        "content",
                                                        Map.of(
                                                                "application/json",
                                                                Map.of(
                                                                        "schema",
                                                                        Map.of(
                                                                                "type",
                                                                                "object",
                                                                                "properties",
                                                                                Map.of(
                                                                                        "blocks",
                                                                                        Map.of(
                                                                                                "type",
                                                                                                "array",
                                                                                                "items",
                                                                                                Map.of(
                                                                                                        "$ref",
                                                                                                        "#/components/schemas/Block")),
                                                                                        "from",
                                                                                        Map.of("type", "integer"),
                                                                                        "to",
                                                                                        Map.of("type", "integer"),
                                                                                        "next",
                                                                                        Map.of(
                                                                                                "type",
                                                                                                List.of(
                                                                                                        "integer",
                                                                                                        "null"))))))),
                                        "400",
                                                response(
                                                        "Not a height, to below from, over 1,000 blocks, or past the"
                                                                + " latest",
                                                        "Error"),
                                        "404", response("from is above the latest height", "Error"),
                                        "503", response("16 ranges are being answered; retry", "Error")))));
        paths.put("/v1/blocks/latest", Map.of("get", op("The latest block with its results", "Block")));
        paths.put(
                "/v1/blocks/{height}",
                Map.of(
                        "get",
                        withPath(
                                op("A block with its results", "Block"),
                                "height",
                                "from 1, plain digits, no sign or leading zero")));
        paths.put(
                "/v1/accounts/{address}",
                Map.of(
                        "get",
                        withPath(op("An account's sequence and balances", "Account"), "address", "bech32 vyoma1…")));

        paths.put(
                "/v1/validators",
                Map.of(
                        "get",
                        op(
                                "The validators in force: their ids and addresses, the configuration's log index (what a"
                                        + " change is signed against), the quorum, the leader, and this node's standing",
                                "Validators")));
        paths.put(
                "/v1/validators/changes",
                Map.of(
                        "post",
                        Map.of(
                                "summary",
                                "Add or remove a validator: a change signed by an operator key, for this chain and the"
                                        + " configuration at configIndex; answers once the group enacted it",
                                "requestBody",
                                Map.of(
                                        "required",
                                        true,
                                        "content",
                                        Map.of(
                                                "application/json",
                                                Map.of(
                                                        "schema",
                                                        Map.of("$ref", "#/components/schemas/MembershipChange")))),
                                "responses",
                                Map.of(
                                        "200", response("Enacted: the validators now", "Validators"),
                                        "400", response("Malformed, or for another chain", "Error"),
                                        "403", response("Not an operator key, or a bad signature", "Error"),
                                        "409",
                                                response(
                                                        "Stale configIndex, a change under way, already a member",
                                                        "Error"),
                                        "413", response("Body over 4 KiB", "Error"),
                                        "503", response("The group could not complete the change", "Error")))));

        Map<String, Object> schemas = new LinkedHashMap<>();
        schemas.put(
                "MembershipChange",
                Map.of(
                        "type",
                        "object",
                        "required",
                        List.of("chainId", "action", "id", "configIndex", "signer", "signature"),
                        "properties",
                        Map.of(
                                "chainId", Map.of("type", "string"),
                                "action", Map.of("type", "string", "enum", List.of("add", "remove")),
                                "id", Map.of("type", "string", "description", "member id, [a-z0-9][a-z0-9_-]{0,31}"),
                                "raftAddress", Map.of("type", "string", "description", "host:port (add only)"),
                                "apiAddress", Map.of("type", "string", "description", "host:port (add only)"),
                                "configIndex",
                                        Map.of("type", "integer", "description", "GET /v1/validators' configIndex"),
                                "signer", Map.of("type", "string", "description", "operator public key, 64 hex"),
                                "signature", Map.of("type", "string", "description", "Ed25519, 128 hex"))));
        schemas.put(
                "SubmitTx",
                Map.of(
                        "type", "object",
                        "required", List.of("tx"),
                        "properties",
                                Map.of("tx", Map.of("type", "string", "description", "canonical bytes, base64"))));
        schemas.put(
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
        for (String s : List.of(
                "Status", "TxResult", "Pending", "Block", "Account", "Params", "Page", "Entity", "Validators")) {
            schemas.put(s, Map.of("type", "object"));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Vyoma node API", "version", "1"));
        doc.put("paths", paths);
        doc.put("components", Map.of("schemas", schemas));
        return JsonMapper.builder().build().writeValueAsString(doc);
    }

    private static Map<String, Object> op(String summary, String schema) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", summary);
        op.put(
                "responses",
                Map.of(
                        "200",
                        response("OK", schema),
                        "400",
                        response("Bad request", "Error"),
                        "404",
                        response("Not found", "Error")));
        return op;
    }

    private static Map<String, Object> withPath(Map<String, Object> op, String name, String description) {
        op.put("parameters", List.of(param(name, "path", description, "string")));
        return op;
    }

    private static Map<String, Object> param(String name, String in, String description, String type) {
        return Map.of(
                "name",
                name,
                "in",
                in,
                "required",
                in.equals("path"),
                "description",
                description,
                "schema",
                Map.of("type", type));
    }

    private static Map<String, Object> response(String description, String schema) {
        return Map.of(
                "description",
                description,
                "content",
                Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/" + schema))));
    }
}
