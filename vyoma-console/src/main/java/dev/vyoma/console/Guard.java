package dev.vyoma.console;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to the console, checked before every route and every WebSocket upgrade. A request must name this
 * server in its {@code Host} (against DNS rebinding), come from no other origin ({@code Origin},
 * {@code Sec-Fetch-Site}), and carry the session: the random token of the printed URL, once, which is exchanged for
 * an HttpOnly, SameSite=Strict cookie. A request that changes state carries the CSRF token of the pages as well
 * (form field {@value #CSRF_FIELD} or header {@value #CSRF_HEADER}). Tokens are compared in constant time.
 */
final class Guard {
    /** The cookie that carries the session. */
    static final String COOKIE = "vyoma_console";

    /** The query parameter of the printed URL. */
    static final String TOKEN_PARAM = "token";

    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";

    /** Random bytes in each token (256 bits). */
    static final int TOKEN_BYTES = 32;

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final byte[] session;
    private final byte[] csrf;
    private final Set<String> hosts;
    private final boolean tls;

    /** A guard with fresh tokens for a server reached as any of {@code hosts} ({@code host:port}, lower case). */
    Guard(SecureRandom random, Set<String> hosts, boolean tls) {
        this.session = token(random).getBytes(StandardCharsets.US_ASCII);
        this.csrf = token(random).getBytes(StandardCharsets.US_ASCII);
        this.hosts = Set.copyOf(hosts);
        this.tls = tls;
    }

    private static String token(SecureRandom random) {
        byte[] b = new byte[TOKEN_BYTES];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The session token, for the printed URL only. */
    String sessionToken() {
        return new String(session, StandardCharsets.US_ASCII);
    }

    /** The CSRF token the pages embed in their forms. */
    String csrfToken() {
        return new String(csrf, StandardCharsets.US_ASCII);
    }

    /**
     * Runs before every route: refuses a foreign host or origin (403) and a request without the session (401);
     * exchanges a valid token in the URL for the cookie (the route then answers with a page that moves on); refuses
     * a state-changing request without the CSRF token (403).
     */
    void check(Context ctx) {
        checkSameOrigin(ctx);
        String given = ctx.queryParam(TOKEN_PARAM);
        if (given != null && matches(session, given)) {
            ctx.header("Set-Cookie", cookie());
            ctx.attribute("vyoma.tokenExchanged", true);
            return;
        }
        if (!matches(session, ctx.cookie(COOKIE))) {
            throw new UnauthorizedResponse(
                    "This console needs its session token: open the URL that vyoma console printed (it ends in"
                            + " ?token=...).");
        }
        if (!SAFE_METHODS.contains(ctx.method().name())) {
            String t = ctx.header(CSRF_HEADER);
            if (t == null) {
                t = ctx.formParam(CSRF_FIELD);
            }
            if (!matches(csrf, t)) {
                throw new ForbiddenResponse(
                        "This request lacks the console's CSRF token: reload the page and try again.");
            }
        }
    }

    /** The checks a WebSocket upgrade gets: same origin, the session cookie, and the CSRF token in the query. */
    void checkUpgrade(Context ctx) {
        checkSameOrigin(ctx);
        if (!matches(session, ctx.cookie(COOKIE))) {
            throw new UnauthorizedResponse("This console needs its session token.");
        }
        if (!matches(csrf, ctx.queryParam(CSRF_FIELD))) {
            throw new ForbiddenResponse("This connection lacks the console's CSRF token.");
        }
    }

    private void checkSameOrigin(Context ctx) {
        String host = ctx.header("Host");
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            throw new ForbiddenResponse("This console answers only to its own address.");
        }
        String origin = ctx.header("Origin");
        String own = (tls ? "https://" : "http://") + host.toLowerCase(Locale.ROOT);
        if (origin != null && !origin.toLowerCase(Locale.ROOT).equals(own)) {
            throw new ForbiddenResponse("Requests from other sites are refused.");
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && site.equals("cross-site")) {
            throw new ForbiddenResponse("Requests from other sites are refused.");
        }
    }

    private String cookie() {
        return COOKIE + "=" + sessionToken() + "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
    }

    private static boolean matches(byte[] expected, String given) {
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.US_ASCII));
    }
}
