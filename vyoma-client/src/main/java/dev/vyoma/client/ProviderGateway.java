package dev.vyoma.client;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.market.BidId;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
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
