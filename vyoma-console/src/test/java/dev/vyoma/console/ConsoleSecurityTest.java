package dev.vyoma.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.mempool.Mempool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console as an attacker meets it, over plain HTTP on a one-validator chain with an encrypted keyring: no token
 * is 401, a foreign Origin or Host is 403, a state change without the CSRF token is 403, a non-loopback address
 * without TLS is refused at start; an SDL with a mistake is answered with its line and column and posts nothing;
 * and no answer ever carries the key's seed or its passphrase.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSecurityTest {
    private static final String PASSPHRASE = "correct horse battery staple 42";
    private static final byte[] SEED =
            HexFormat.of().parseHex("5e1f00d5a11ce5ee0123456789abcdef0123456789abcdeffedcba9876543210");

    private Path dir;

    private Node node;
    private Api api;
    private ConsoleServer console;
    private KeyPair alice;
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<String> seen = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        alice = KeyPair.fromSeed(SEED);
        int raft;
        try (ServerSocket s = new ServerSocket(0)) {
            raft = s.getLocalPort();
        }
        Genesis genesis = new Genesis(
                "vyoma-console-test",
                System.currentTimeMillis(),
                Params.defaults(),
                List.of(new Genesis.Allocation(
                        alice.address(), List.of(new Coin("uusd", 1_000_000_000L), new Coin("uvyo", 1_000_000_000L)))));
        node = Node.start(new Node.Config(
                dir.resolve("node"),
                "n0",
                List.of(new Node.Peer("n0", "127.0.0.1:" + raft)),
                genesis,
                alice.address(),
                Duration.ofMillis(200),
                1_000,
                100,
                Mempool.Limits.defaults()));
        api = Api.start(node, "127.0.0.1", 0);
        await().atMost(30, TimeUnit.SECONDS).until(() -> node.isLeader() && node.height() > 0);
        Path home = dir.resolve("client");
        Keyring.open(home, Keyring.Backend.FILE).importSeed("alice", SEED, PASSPHRASE.toCharArray());
        console = ConsoleServer.start(new ConsoleServer.Settings(
                "http://127.0.0.1:" + api.port(),
                home,
                Keyring.Backend.FILE,
                "127.0.0.1",
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    }

    @AfterAll
    void stop() {
        if (console != null) {
            console.close();
        }
        if (api != null) {
            api.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + console.port();
    }

    private String token() {
        return console.url().substring(console.url().indexOf("token=") + "token=".length());
    }

    private String cookie() {
        return Guard.COOKIE + "=" + token();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        synchronized (seen) {
            seen.add(r.headers().map() + "\n" + r.body());
        }
        return r;
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base() + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private HttpResponse<String> post(String path, Map<String, String> form, String... headers) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private String csrf() throws Exception {
        String page = get("/accounts", "Cookie", cookie()).body();
        int at = page.indexOf("name=\"_csrf\" value=\"");
        assertThat(at).as(page).isPositive();
        int from = at + "name=\"_csrf\" value=\"".length();
        return page.substring(from, page.indexOf('"', from));
    }

    @Test
    void withoutTheTokenEveryRequestIs401() throws Exception {
        for (String path : List.of("/", "/accounts", "/templates", "/editor", "/providers", "/assets/htmx.min.js")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get("/accounts", "Cookie", Guard.COOKIE + "=not-the-token").statusCode())
                .isEqualTo(401);
        assertThat(get("/accounts?token=not-the-token").statusCode()).isEqualTo(401);
        assertThat(post("/send", Map.of("from", "alice", "to", alice.address().toString(), "amount", "1uusd"))
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void theTokenIsExchangedForAnHttpOnlyStrictCookie() throws Exception {
        HttpResponse<String> r = get("/?token=" + token());
        assertThat(r.statusCode()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith(Guard.COOKIE + "=" + token())
                .contains("HttpOnly", "SameSite=Strict", "Path=/");
        assertThat(r.body()).contains("url=/accounts");
        // A read-only page is whole HTML from the server: what it shows needs no script.
        HttpResponse<String> accounts = get("/accounts", "Cookie", cookie());
        assertThat(accounts.statusCode()).isEqualTo(200);
        assertThat(accounts.body())
                .contains("<th scope=\"row\">alice</th>", alice.address().toString(), " uusd");
        assertThat(accounts.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'", "frame-ancestors 'none'");
    }

    @Test
    void anotherOriginOrHostIs403() throws Exception {
        assertThat(get("/accounts", "Cookie", cookie(), "Origin", "http://evil.example")
                        .statusCode())
                .isEqualTo(403);
        assertThat(get("/accounts", "Cookie", cookie(), "Sec-Fetch-Site", "cross-site")
                        .statusCode())
                .isEqualTo(403);
        String csrf = csrf();
        assertThat(post(
                                "/send",
                                Map.of(
                                        "_csrf",
                                        csrf,
                                        "from",
                                        "alice",
                                        "to",
                                        alice.address().toString(),
                                        "amount",
                                        "1uusd"),
                                "Cookie",
                                cookie(),
                                "Origin",
                                "http://127.0.0.1.evil.example:" + console.port())
                        .statusCode())
                .isEqualTo(403);
        // DNS rebinding: a page of another name that resolves to loopback still names its own host.
        try (Socket s = new Socket("127.0.0.1", console.port())) {
            s.getOutputStream()
                    .write(("GET /accounts HTTP/1.1\r\nHost: rebound.example:" + console.port() + "\r\nCookie: "
                                    + cookie() + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (seen) {
                seen.add(answer);
            }
            assertThat(answer).startsWith("HTTP/1.1 403");
        }
        // The same origin is fine.
        assertThat(get("/accounts", "Cookie", cookie(), "Origin", base()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aPostWithoutTheCsrfTokenIs403AndWithItSignsOnceUnlocked() throws Exception {
        VyomaClient chain = new VyomaClient("http://127.0.0.1:" + api.port());
        KeyPair bob = KeyPair.fromSeed(new byte[32]);
        Map<String, String> send =
                new LinkedHashMap<>(Map.of("from", "alice", "to", bob.address().toString(), "amount", "1234uusd"));
        assertThat(post("/send", send, "Cookie", cookie()).statusCode()).isEqualTo(403);
        send.put("_csrf", "a" + csrf());
        assertThat(post("/send", send, "Cookie", cookie()).statusCode()).isEqualTo(403);
        assertThat(chain.account(bob.address())).isEmpty();

        send.put("_csrf", csrf());
        // Locked: the page says to unlock it; nothing is sent.
        HttpResponse<String> locked = post("/send", send, "Cookie", cookie());
        assertThat(locked.statusCode()).isEqualTo(409);
        assertThat(locked.body()).contains("key alice is locked: unlock it on the Accounts page first");
        HttpResponse<String> wrong =
                post("/keys/alice/unlock", Map.of("_csrf", csrf(), "passphrase", "not it"), "Cookie", cookie());
        assertThat(wrong.statusCode()).isEqualTo(409);
        assertThat(post("/keys/alice/unlock", Map.of("_csrf", csrf(), "passphrase", PASSPHRASE), "Cookie", cookie())
                        .statusCode())
                .isEqualTo(303);
        HttpResponse<String> sent = post("/send", send, "Cookie", cookie());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(303);
        assertThat(chain.account(bob.address()).orElseThrow().balance("uusd")).isEqualTo(1234);
        assertThat(get("/accounts", "Cookie", cookie()).body()).contains("Sent 1234uusd to " + bob.address());
        // The session token is not a CSRF token, nor the other way round.
        send.put("_csrf", token());
        assertThat(post("/send", send, "Cookie", cookie()).statusCode()).isEqualTo(403);
        assertThat(post("/keys/alice/lock", Map.of("_csrf", csrf()), "Cookie", cookie())
                        .statusCode())
                .isEqualTo(303);
    }

    @Test
    void anSdlWithAMistakeShowsItsLineAndColumnAndPostsNothing() throws Exception {
        String sdl = Files.readString(
                        dev.vyoma.testkit.Fixtures.repositoryRoot().resolve("examples/templates/web/deploy.yaml"))
                .replace("units: 0.5 # half a CPU", "units: lots # half a CPU");
        int line = 1
                + (int) sdl.substring(0, sdl.indexOf("units: lots"))
                        .chars()
                        .filter(c -> c == '\n')
                        .count();
        HttpResponse<String> check =
                post("/editor/check", Map.of("sdl", sdl), "Cookie", cookie(), "X-CSRF-Token", csrf());
        assertThat(check.statusCode()).isEqualTo(200);
        assertThat(check.body()).contains("line " + line + ", column 18");
        HttpResponse<String> posted = post(
                "/editor",
                Map.of("_csrf", csrf(), "sdl", sdl, "action", "post", "from", "alice", "deposit", "5000000uusd"),
                "Cookie",
                cookie());
        assertThat(posted.statusCode()).isEqualTo(422);
        assertThat(posted.body()).contains("line " + line + ", column 18", "nothing was posted");
        VyomaClient chain = new VyomaClient("http://127.0.0.1:" + api.port());
        assertThat(chain.getJson("/v1/deployments?owner=" + alice.address())
                        .orElseThrow()
                        .path("items")
                        .size())
                .isZero();
    }

    @Test
    void aNonLoopbackAddressWithoutTlsIsRefused() {
        assertThatThrownBy(() -> ConsoleServer.start(new ConsoleServer.Settings(
                        "http://127.0.0.1:1",
                        dir,
                        Keyring.Backend.TEST,
                        "0.0.0.0",
                        0,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())))
                .isInstanceOf(ConsoleServer.StartException.class)
                .hasMessageContaining("not a loopback address")
                .hasMessageContaining("--tls-keystore");
        assertThat(ConsoleServer.isLoopback("127.0.0.1")).isTrue();
        assertThat(ConsoleServer.isLoopback("::1")).isTrue();
        assertThat(ConsoleServer.isLoopback("0.0.0.0")).isFalse();
    }

    @Test
    void withTlsItServesHttpsAndTheCookieIsSecure() throws Exception {
        Path store = dir.resolve("console.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "console",
                        "-keyalg",
                        "EC",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "san=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "store-pass")
                .redirectErrorStream(true)
                .start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue())
                .as(new String(keytool.getInputStream().readAllBytes()))
                .isZero();
        try (ConsoleServer tls = ConsoleServer.start(new ConsoleServer.Settings(
                "http://127.0.0.1:" + api.port(),
                dir.resolve("client"),
                Keyring.Backend.FILE,
                "127.0.0.1",
                0,
                Optional.of(new ConsoleServer.Tls(store, "store-pass".toCharArray())),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()))) {
            assertThat(tls.url()).startsWith("https://127.0.0.1:" + tls.port() + "/?token=");
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                trust.load(in, "store-pass".toCharArray());
            }
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> noToken = https.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tls.port() + "/accounts"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
            HttpResponse<String> signedIn = https.send(
                    HttpRequest.newBuilder(URI.create(tls.url())).build(), HttpResponse.BodyHandlers.ofString());
            synchronized (seen) {
                seen.add(noToken.body());
                seen.add(signedIn.body());
            }
            assertThat(signedIn.statusCode()).isEqualTo(200);
            assertThat(signedIn.headers().firstValue("Set-Cookie").orElseThrow())
                    .contains("HttpOnly", "SameSite=Strict", "Secure");
        }
    }

    @AfterAll
    void noAnswerCarriedTheKeyOrThePassphrase() throws IOException {
        List<String> secrets = List.of(
                HexFormat.of().formatHex(SEED),
                Base64.getEncoder().encodeToString(SEED),
                Base64.getUrlEncoder().withoutPadding().encodeToString(SEED),
                PASSPHRASE);
        synchronized (seen) {
            assertThat(seen).hasSizeGreaterThan(20);
            for (String body : seen) {
                for (String s : secrets) {
                    assertThat(body).doesNotContain(s);
                }
            }
        }
    }
}
