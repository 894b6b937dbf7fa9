package dev.vyoma.client;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.market.BidId;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to providers' gateways: over HTTPS to the host URI each provider registered on the chain, trusting
 * exactly the certificates it published there (no certificate authority, no trust on first use). Lease
 * calls carry a {@link LeaseToken} signed by the tenant, addressed to the provider, valid for five minutes.
 * Errors are {@link GatewayException}s with the provider's own reason.
 */
public final class ProviderGateway {
    /** A provider could not be reached, or refused; the message says which and why. */
    public static final class GatewayException extends RuntimeException {
        private final int status;

        GatewayException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status the provider answered, or 0 if it could not be reached. */
        public int status() {
            return status;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);

    private final VyomaClient chain;
    private final Map<Address, HttpClient> clients = new ConcurrentHashMap<>();

    public ProviderGateway(VyomaClient chain) {
        this.chain = chain;
    }

    /** The provider's public status: its capacity (total, allocated, reserved, available) and inventory source. */
    public JsonNode status(Address provider) {
        return json(provider, request(provider, "/v1/status").GET(), 200);
    }

    /**
     * The provider's public status as {@link #status(Address)} reads it, but held to bounds a stranger cannot
     * stretch: the whole answer within {@code within} (connection, TLS, headers and body together) and at most
     * {@code maxBytes} of it; past either, a {@link GatewayException} says which. The connection is made for
     * this one call and closed after it.
     */
    public JsonNode status(Address provider, Duration within, int maxBytes) {
        java.util.concurrent.TimeUnit ms = java.util.concurrent.TimeUnit.MILLISECONDS;
        long deadline = System.nanoTime() + within.toNanos();
        URI uri;
        String host = hostUri(provider);
        try {
            uri = URI.create(host + "/v1/status");
        } catch (IllegalArgumentException e) {
            throw new GatewayException(0, "provider " + provider + " registered a host that is not a URI");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new GatewayException(0, "provider " + provider + " registered a host that is not https://HOST:PORT");
        }
        HttpClient c = pinned(provider);
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> answer = null;
        try {
            answer = c.sendAsync(
                    HttpRequest.newBuilder(uri).timeout(within).GET().build(), info -> new BoundedBody(maxBytes));
            HttpResponse<byte[]> r = answer.get(
                    Math.max(1, ms.convert(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS)),
                    ms);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            if (r.statusCode() != 200) {
                throw refusal(provider, r.statusCode(), body);
            }
            try {
                return JSON.readTree(body);
            } catch (JacksonException e) {
                throw new GatewayException(200, "provider " + provider + " answered something that is not JSON");
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new GatewayException(
                    0, "provider " + provider + " did not answer within " + within.toMillis() + " ms");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BoundedBody.TooLarge) {
                throw new GatewayException(0, "provider " + provider + " answered more than " + maxBytes + " bytes");
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new GatewayException(
                        0, "provider " + provider + " did not answer within " + within.toMillis() + " ms");
            }
            throw unreachable(provider, cause instanceof IOException io ? io : new IOException(String.valueOf(cause)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(0, "interrupted while waiting for provider " + provider);
        } finally {
            if (answer != null) {
                answer.cancel(true);
            }
            c.shutdownNow();
        }
    }

    /** A response body kept in memory up to a size; past it the exchange is cancelled. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        /** The body was longer than allowed. */
        static final class TooLarge extends IOException {
            TooLarge() {
                super("the answer is too large");
            }
        }

        private final int max;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<byte[]> result =
                new java.util.concurrent.CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        BoundedBody(int max) {
            this.max = max;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (bytes.size() + (long) b.remaining() > max) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }

    /** What the provider says about a lease ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}): readiness, URIs, ports, problem. */
    public JsonNode leaseStatus(KeyPair tenant, String lease) {
        return json(provider(lease), authorized(tenant, lease, "/status").GET(), 200);
    }

    /** What happened to a lease on its provider. */
    public JsonNode leaseEvents(KeyPair tenant, String lease) {
        return json(provider(lease), authorized(tenant, lease, "/events").GET(), 200);
    }

    /** Sends a manifest (Akash's manifest JSON) for a lease; returns the provider's acceptance. */
    public JsonNode sendManifest(KeyPair tenant, String lease, String manifestJson) {
        return json(
                provider(lease),
                authorized(tenant, lease, "/manifest").PUT(HttpRequest.BodyPublishers.ofString(manifestJson)),
                202);
    }

    /**
     * Reads a lease's output line by line into {@code line}: the last {@code tail} lines of each replica (of
     * {@code service}, or all services if empty), and with {@code follow} every new line until the lease ends
     * or the thread is interrupted.
     */
    public void logs(KeyPair tenant, String lease, String service, int tail, boolean follow, Consumer<String> line)
            throws InterruptedException {
        Address provider = provider(lease);
        String query = "?tail=" + tail + "&follow=" + follow
                + (service.isEmpty() ? "" : "&service=" + URLEncoder.encode(service, StandardCharsets.UTF_8));
        HttpRequest.Builder b = authorized(tenant, lease, "/logs" + query).GET();
        if (follow) {
            b.timeout(Duration.ofDays(1));
        }
        HttpResponse<InputStream> r;
        try {
            r = client(provider).send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(provider, e);
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                throw refusal(provider, r.statusCode(), in.lines().reduce("", String::concat));
            }
            String l;
            while ((l = in.readLine()) != null) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                // An empty line is the gateway's heartbeat: every output line has its [service-index] prefix.
                if (!l.isEmpty()) {
                    line.accept(l);
                }
            }
        } catch (IOException e) {
            throw unreachable(provider, e);
        }
    }

    /**
     * What to run in a lease's replica: the service ({@code ""}: the lease's only one) and replica index, the command
     * and its arguments (run as they are, without a shell), whether the command reads stdin, whether it gets a
     * terminal, and the terminal's size ({@code columns} and {@code rows}, 0 if unknown).
     */
    public record ShellCommand(
            String service, int replica, List<String> command, boolean stdin, boolean tty, int columns, int rows) {
        public ShellCommand {
            command = List.copyOf(command);
        }
    }

    /**
     * Runs {@code command} in one of {@code lease}'s replicas through its provider's gateway (a WebSocket, see
     * {@link LeaseShellFrames}): stdin, when the command reads it, comes from {@code in} until its end; stdout and
     * stderr go to {@code out} and {@code err} as the command writes them. Returns the command's exit code. A
     * refusal, or a command the provider stopped (a limit), is a {@link GatewayException} with the provider's reason.
     */
    public int shell(
            KeyPair tenant, String lease, ShellCommand command, InputStream in, OutputStream out, OutputStream err)
            throws InterruptedException {
        BidId id = leaseId(lease);
        Address provider = id.provider();
        StringBuilder query = new StringBuilder("?replica=" + command.replica());
        if (!command.service().isEmpty()) {
            query.append("&service=").append(URLEncoder.encode(command.service(), StandardCharsets.UTF_8));
        }
        for (String a : command.command()) {
            query.append("&cmd=").append(URLEncoder.encode(a, StandardCharsets.UTF_8));
        }
        query.append("&stdin=").append(command.stdin()).append("&tty=").append(command.tty());
        URI uri = URI.create(
                hostUri(provider).replaceFirst("^https:", "wss:") + "/v1/leases/" + id.order() + "/shell" + query);
        String token = LeaseToken.create(tenant, provider, id.toString(), TOKEN_LIFETIME, Instant.now());
        ShellListener listener = new ShellListener(out, err);
        WebSocket ws;
        try {
            ws = client(provider)
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, listener)
                    .get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                Object body = h.getResponse().body();
                throw refusal(provider, h.getResponse().statusCode(), body == null ? "" : body.toString());
            }
            throw unreachable(
                    provider,
                    e.getCause() instanceof IOException io ? io : new IOException(String.valueOf(e.getCause())));
        }
        try {
            if (command.tty() && command.columns() > 0 && command.rows() > 0) {
                byte[] size = {
                    (byte) (command.columns() >> 8),
                    (byte) command.columns(),
                    (byte) (command.rows() >> 8),
                    (byte) command.rows()
                };
                ws.sendBinary(ByteBuffer.wrap(LeaseShellFrames.frame(LeaseShellFrames.RESIZE, size, 0, 4)), true)
                        .join();
            }
            if (command.stdin()) {
                Thread.ofPlatform().daemon().name("shell-stdin").start(() -> feed(ws, in));
            }
            return listener.exitCode(provider);
        } finally {
            ws.abort();
        }
    }

    /** Sends {@code in} as the command's stdin, then its end; stops quietly when the shell has ended. */
    private static void feed(WebSocket ws, InputStream in) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0 && !ws.isOutputClosed()) {
                if (n > 0) {
                    ws.sendBinary(ByteBuffer.wrap(LeaseShellFrames.frame(LeaseShellFrames.STDIN, buf, 0, n)), true)
                            .join();
                }
            }
            ws.sendBinary(ByteBuffer.wrap(new byte[] {LeaseShellFrames.STDIN}), true)
                    .join();
        } catch (IOException | RuntimeException e) {
            // The shell ended (or stdin failed): the command's own end is what the caller reports.
        }
    }

    /** Receives the shell's messages: output to the streams, then the exit code or why there is none. */
    private static final class ShellListener implements WebSocket.Listener {
        private final OutputStream out;
        private final OutputStream err;
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<Integer> result =
                new java.util.concurrent.CompletableFuture<>();
        private volatile String failure;

        ShellListener(OutputStream out, OutputStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                byte[] m = partial.toByteArray();
                partial.reset();
                handle(m);
            }
            ws.request(1);
            return null;
        }

        private void handle(byte[] m) {
            if (m.length == 0) {
                return;
            }
            try {
                switch (m[0]) {
                    case LeaseShellFrames.STDOUT -> {
                        out.write(m, 1, m.length - 1);
                        out.flush();
                    }
                    case LeaseShellFrames.STDERR -> {
                        err.write(m, 1, m.length - 1);
                        err.flush();
                    }
                    case LeaseShellFrames.RESULT ->
                        result.complete(JSON.readTree(new String(m, 1, m.length - 1, StandardCharsets.UTF_8))
                                .path("exit_code")
                                .asInt(-1));
                    case LeaseShellFrames.FAILURE -> failure = new String(m, 1, m.length - 1, StandardCharsets.UTF_8);
                    default -> failure = "the provider sent a message of unknown code " + m[0];
                }
            } catch (IOException | JacksonException e) {
                failure = "cannot write the command's output: " + e.getMessage();
            }
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            result.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            if (failure == null) {
                failure = "the connection failed: " + error.getMessage();
            }
            result.complete(null);
        }

        int exitCode(Address provider) throws InterruptedException {
            Integer code;
            try {
                code = result.get();
            } catch (java.util.concurrent.ExecutionException e) {
                code = null;
            }
            if (code == null) {
                throw new GatewayException(
                        0,
                        "provider " + provider + ": "
                                + (failure != null ? failure : "the shell ended without the command's exit code"));
            }
            return code;
        }
    }

    /** A request for {@code path} under the lease's gateway path, built from the parsed id, with a fresh token. */
    private HttpRequest.Builder authorized(KeyPair tenant, String lease, String path) {
        BidId id = leaseId(lease);
        String token = LeaseToken.create(tenant, id.provider(), id.toString(), TOKEN_LIFETIME, Instant.now());
        return request(id.provider(), "/v1/leases/" + id.order() + path).header("Authorization", "Bearer " + token);
    }

    private HttpRequest.Builder request(Address provider, String path) {
        return HttpRequest.newBuilder(URI.create(hostUri(provider) + path)).timeout(Duration.ofSeconds(60));
    }

    private JsonNode json(Address provider, HttpRequest.Builder request, int expected) {
        HttpResponse<String> r;
        try {
            try {
                r = client(provider).send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (javax.net.ssl.SSLException e) {
                // The provider restarted with a new certificate since this client was made: trust it afresh.
                clients.remove(provider);
                r = client(provider).send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw unreachable(provider, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(0, "interrupted while waiting for provider " + provider);
        }
        if (r.statusCode() != expected) {
            throw refusal(provider, r.statusCode(), r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (JacksonException e) {
            throw new GatewayException(r.statusCode(), "provider " + provider + " answered something that is not JSON");
        }
    }

    private static GatewayException refusal(Address provider, int status, String body) {
        String reason;
        try {
            reason = JSON.readTree(body).path("error").path("message").asString(body);
        } catch (JacksonException e) {
            reason = body;
        }
        return new GatewayException(status, "provider " + provider + " answered " + status + ": " + reason);
    }

    private GatewayException unreachable(Address provider, IOException e) {
        return new GatewayException(
                0,
                "cannot reach provider " + provider + " at " + hostUri(provider) + ": "
                        + (e instanceof java.net.ConnectException
                                ? "connection refused (is the provider running?)"
                                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }

    /** The gateway address the provider registered on the chain. */
    public String hostUri(Address provider) {
        return chain.getJson("/v1/providers/" + provider)
                .orElseThrow(() -> new GatewayException(0, "no provider " + provider + " on the chain"))
                .path("hostUri")
                .asString();
    }

    private static Address provider(String lease) {
        return leaseId(lease).provider();
    }

    /** The lease id in its canonical form, or a {@link GatewayException} that says what it must look like. */
    private static BidId leaseId(String lease) {
        try {
            return BidId.parse(lease);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(0, "not a lease id: " + e.getMessage());
        }
    }

    private HttpClient client(Address provider) {
        return clients.computeIfAbsent(provider, this::pinned);
    }

    /** An HTTPS client trusting exactly the certificates {@code provider} published on the chain. */
    private HttpClient pinned(Address provider) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int i = 0;
            for (JsonNode c : chain.getJson("/v1/certificates?owner=" + provider)
                    .orElseThrow()
                    .path("items")) {
                trust.setCertificateEntry(
                        "c" + i++,
                        CertificateFactory.getInstance("X.509")
                                .generateCertificate(new ByteArrayInputStream(
                                        c.path("certPem").asString().getBytes(StandardCharsets.US_ASCII))));
            }
            if (i == 0) {
                throw new GatewayException(
                        0, "provider " + provider + " has published no certificate; its gateway cannot be trusted");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder()
                    .sslContext(ssl)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        } catch (GeneralSecurityException | IOException e) {
            throw new GatewayException(0, "cannot set up TLS for provider " + provider + ": " + e.getMessage());
        }
    }
}
