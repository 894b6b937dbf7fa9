package dev.vyoma.node.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's routes, each with what {@code /openapi.json} says of it: the one list from which both the server's
 * routes ({@link #register}) and the OpenAPI document ({@link OpenApi#document}) are made, so a route cannot be
 * served without being described. A route is declared by its method and path, then its summary, the schema of
 * its answer and its parameters, and only then its handler:
 *
 * <pre>{@code
 * table.get("/v1/things/{address}")
 *         .summary("A thing by its owner's address")
 *         .returns("Thing")
 *         .query("at", "integer", "a height (default: the latest)")
 *         .handle(ctx -> ...);
 * }</pre>
 *
 * Path parameters are described once for every route ({@link #PATH_PARAMS}); a route whose path names another
 * one, or that has no summary or no answer schema, is refused when it is declared, so the node does not start.
 */
final class RouteTable {
    /** How a route answers: a JSON (or other) document, or a stream of Server-Sent Events (a GET). */
    enum Method {
        GET,
        POST,
        EVENTS
    }

    /** A parameter: {@code in} is {@code path}, {@code query} or {@code header}; {@code type} a JSON type. */
    record Param(String name, String in, String type, String description, boolean required) {}

    /** An answer other than the usual 200 (or one whose 200 needs saying more than its schema). */
    record Response(int status, String description, String schema) {}

    /** What each path parameter is, for every route whose path names it. */
    static final Map<String, String> PATH_PARAMS = Map.ofEntries(
            Map.entry("address", "an account's address, bech32 vyoma1…"),
            Map.entry("owner", "the owner's address, bech32 vyoma1…"),
            Map.entry("provider", "the provider's address, bech32 vyoma1…"),
            Map.entry("gateway", "the inference gateway's address, bech32 vyoma1…"),
            Map.entry("granter", "the granter's address, bech32 vyoma1…"),
            Map.entry("grantee", "the grantee's address, bech32 vyoma1…"),
            Map.entry("dseq", "the deployment's sequence: from 1, plain digits, no sign or leading zero"),
            Map.entry("gseq", "the group's sequence in its deployment: from 1, plain digits"),
            Map.entry("oseq", "the order's sequence in its group: from 1, plain digits"),
            Map.entry("hash", "64 lower-case hex digits"),
            Map.entry("height", "from 1, plain digits, no sign or leading zero"));

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]*)}");

    /** A route being declared: nothing is in the table before {@link #handle} (or {@link #stream}). */
    final class Route {
        final Method method;
        final String path;
        final List<Param> params = new ArrayList<>();
        final List<Response> responses = new ArrayList<>();
        String summary;
        String schema;
        String contentType = "application/json";
        String requestSchema;
        Handler handler;
        Consumer<SseClient> stream;

        private Route(Method method, String path) {
            this.method = method;
            this.path = path;
            Matcher m = PATH_PARAM.matcher(path);
            while (m.find()) {
                String description = PATH_PARAMS.get(m.group(1));
                if (description == null) {
                    throw new IllegalStateException(path + ": path parameter {" + m.group(1)
                            + "} has no description in RouteTable.PATH_PARAMS");
                }
                params.add(new Param(m.group(1), "path", "string", description, true));
            }
        }

        /** One line on what the route answers. */
        Route summary(String summary) {
            this.summary = summary;
            return this;
        }

        /** The schema (in the document's components) of a 200 answer. */
        Route returns(String schema) {
            this.schema = schema;
            return this;
        }

        /** The 200 answer's media type, when it is not JSON. */
        Route produces(String contentType) {
            this.contentType = contentType;
            return this;
        }

        /** An optional query parameter. */
        Route query(String name, String type, String description) {
            params.add(new Param(name, "query", type, description, false));
            return this;
        }

        /** A query parameter the route refuses to answer without. */
        Route requiredQuery(String name, String type, String description) {
            params.add(new Param(name, "query", type, description, true));
            return this;
        }

        /** A request header the route reads. */
        Route header(String name, String description) {
            params.add(new Param(name, "header", "string", description, false));
            return this;
        }

        /** A list's {@code offset} and {@code limit}, answered as a {@code Page}. */
        Route paged() {
            query("offset", "integer", "items to skip (default 0)");
            query("limit", "integer", "items in the page, 1-1000 (default 100)");
            return returns("Page");
        }

        /** The schema of the request's JSON body. */
        Route body(String schema) {
            this.requestSchema = schema;
            return this;
        }

        /** Another answer the route gives. */
        Route answers(int status, String description, String schema) {
            responses.add(new Response(status, description, schema));
            return this;
        }

        /** Puts the route in the table, served by {@code handler}. */
        void handle(Handler handler) {
            if (method == Method.EVENTS) {
                throw new IllegalStateException(path + " is an event stream: declare it with stream");
            }
            this.handler = handler;
            add(this);
        }

        /** Puts the event-stream route in the table, each subscriber served by {@code stream}. */
        void stream(Consumer<SseClient> stream) {
            if (method != Method.EVENTS) {
                throw new IllegalStateException(path + " is not an event stream: declare it with handle");
            }
            this.stream = stream;
            add(this);
        }
    }

    private final List<Route> routes = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();

    /** Declares a GET route. */
    Route get(String path) {
        return new Route(Method.GET, path);
    }

    /** Declares a POST route. */
    Route post(String path) {
        return new Route(Method.POST, path);
    }

    /** Declares a GET route answered as Server-Sent Events. */
    Route events(String path) {
        return new Route(Method.EVENTS, path);
    }

    private void add(Route r) {
        if (r.summary == null || r.summary.isBlank() || r.schema == null || r.schema.isBlank()) {
            throw new IllegalStateException(r.method + " " + r.path + " needs a summary and the schema it returns");
        }
        String method = r.method == Method.POST ? "POST" : "GET";
        if (!keys.add(method + " " + r.path)) {
            throw new IllegalStateException(method + " " + r.path + " is declared twice");
        }
        routes.add(r);
    }

    /** The routes, in the order they were declared. */
    List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The routes by path, each path's methods in the order they were declared. */
    Map<String, List<Route>> byPath() {
        Map<String, List<Route>> out = new LinkedHashMap<>();
        for (Route r : routes) {
            out.computeIfAbsent(r.path, p -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** Registers every route with the server. */
    void register(RoutesConfig config) {
        for (Route r : routes) {
            switch (r.method) {
                case GET -> config.get(r.path, r.handler);
                case POST -> config.post(r.path, r.handler);
                case EVENTS -> config.sse(r.path, r.stream);
            }
        }
    }
}
