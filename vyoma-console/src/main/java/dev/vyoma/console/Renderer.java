package dev.vyoma.console;

import dev.vyoma.client.VyomaClient;
import gg.jte.TemplateEngine;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns page data into HTML with the precompiled templates, each page framed by the layout with the menu, the
 * node's height and the CSRF token; errors as a page (or, for an htmx request, the message alone). A refusal of the
 * {@link Guard} (401, 403) is answered with its message only: no layout, no token.
 */
final class Renderer {
    private final TemplateEngine engine = ConsoleServer.templates();
    private final Guard guard;
    private final VyomaClient chain;
    private final String node;

    Renderer(Guard guard, VyomaClient chain, String node) {
        this.guard = guard;
        this.chain = chain;
        this.node = node;
    }

    /** The frame of a page titled {@code title} under menu entry {@code nav}. */
    Page page(String title, String nav) {
        long height;
        try {
            height = chain.status().height();
        } catch (RuntimeException e) {
            height = -1;
        }
        return new Page(title, nav, guard.csrfToken(), node, height, null, null);
    }

    /** Renders template {@code name} with {@code params} (and {@code page} when given) as the answer. */
    void render(Context ctx, String name, Page page, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        if (page != null) {
            all.put("page", page);
        }
        ctx.contentType("text/html; charset=utf-8").result(ConsoleServer.render(engine, name, all));
    }

    /** The page that follows a token exchange: it moves on to {@code next} with the cookie now set. */
    void signedIn(Context ctx, String next) {
        ctx.contentType("text/html; charset=utf-8").result(ConsoleServer.render(engine, "token", Map.of("next", next)));
    }

    /** An error answer with {@code status} and the exception's message. */
    void error(Context ctx, int status, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        ctx.status(status);
        if (status == 401 || status == 403 || ctx.header("HX-Request") != null) {
            ctx.contentType("text/html; charset=utf-8")
                    .result("<p role=\"alert\" class=\"error\">" + escape(message) + "</p>");
            return;
        }
        render(ctx, "error", page("Error", ""), Map.of("status", status, "message", message));
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
