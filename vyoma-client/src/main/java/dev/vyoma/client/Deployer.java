package dev.vyoma.client;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.AkashJson;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.spec.GroupSpec;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tenant's whole path in one call, what {@code vyoma deploy} runs: post the deployment, wait for bids, take
 * the cheapest (or a chosen provider's) for each group, send the manifest to each winner's gateway (over
 * HTTPS, trusting exactly the certificates the provider published on the chain, with a lease token), and wait
 * until the services are ready. If no provider bids on a group in time, the deployment is closed (the
 * deposit comes back) and the error says so.
 */
public final class Deployer {
    /** How to deploy: the deposit, which bid to take, how long to wait for bids and for readiness. */
    public record Options(Coin deposit, String pick, Duration bidWait, Duration readyWait) {}

    /** One group's lease: the provider, its price, the service URIs and readiness. */
    public record Leased(String lease, Address provider, String price, List<String> uris, int ready, int total) {}

    /** A deployment and its leases. */
    public record Result(DeploymentId deployment, List<Leased> leases) {}

    /** Why a deployment did not come up; the deployment is closed when {@code closed}. */
    public static final class DeployException extends RuntimeException {
        DeployException(String message) {
            super(message);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final VyomaClient chain;

    public Deployer(VyomaClient chain) {
        this.chain = chain;
    }

    public Result deploy(KeyPair tenant, SdlDocument doc, Options o, Consumer<String> progress)
            throws InterruptedException {
        long dseq = chain.status().height();
        DeploymentId dep = new DeploymentId(tenant.address(), dseq);
        VyomaClient.TxOutcome created = chain.broadcast(
                chain.sign(
                        tenant,
                        List.of(new Msg.CreateDeployment(
                                dep, doc.groups(), doc.manifestVersion().hex(), o.deposit())),
                        ""),
                true);
        if (!created.ok()) {
            throw new DeployException("the deployment was refused: " + created.log());
        }
        progress.accept("deployment " + tenant.address() + "/" + dseq + " created; waiting for bids");
        List<Leased> leases = new ArrayList<>();
        for (int g = 0; g < doc.groups().size(); g++) {
            GroupSpec spec = doc.groups().get(g);
            OrderId order = new OrderId(new GroupId(dep, g + 1), 1);
            JsonNode chosen = pick(order, o, spec.name(), dep, tenant, progress);
            Address provider = Address.parse(chosen.path("id").path("provider").asString());
            VyomaClient.TxOutcome lease = chain.broadcast(
                    chain.sign(tenant, List.of(new Msg.CreateLease(new BidId(order, provider))), ""), true);
            if (!lease.ok()) {
                throw new DeployException("the lease on " + provider + " was refused: " + lease.log());
            }
            String leaseId = new BidId(order, provider).toString();
            progress.accept("lease " + leaseId + " at "
                    + chosen.path("price").path("amount").asString()
                    + chosen.path("price").path("denom").asString() + " per block");
            try {
                leases.add(sendManifest(tenant, doc, order, provider, leaseId, chosen, o, progress));
            } catch (DeployException e) {
                // Nothing runs for it: stop paying.
                chain.broadcast(chain.sign(tenant, List.of(new Msg.CloseDeployment(dep)), ""), true);
                throw new DeployException(
                        e.getMessage() + "; the deployment is closed and the rest of its deposit returned");
            }
        }
        return new Result(dep, leases);
    }

    private JsonNode pick(
            OrderId order, Options o, String group, DeploymentId dep, KeyPair tenant, Consumer<String> progress)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(o.bidWait());
        Instant settle = null;
        while (true) {
            JsonNode bids =
                    chain.getJson("/v1/bids?order=" + order).orElseThrow().path("items");
            List<JsonNode> open = new ArrayList<>();
            for (JsonNode b : bids) {
                if (b.path("state").asString().equals("open")) {
                    open.add(b);
                }
            }
            boolean wanted = o.pick().equals("cheapest")
                    || open.stream()
                            .anyMatch(b ->
                                    b.path("id").path("provider").asString().equals(o.pick()));
            if (!open.isEmpty() && settle == null) {
                // Give the other providers a moment to bid too.
                settle = Instant.now().plusSeconds(2);
            }
            if ((settle != null && Instant.now().isAfter(settle) && wanted)
                    || (wanted && !o.pick().equals("cheapest"))) {
                if (o.pick().equals("cheapest")) {
                    return open.stream()
                            .min((a, b) -> new BigDecimal(
                                            a.path("price").path("amount").asString())
                                    .compareTo(new BigDecimal(
                                            b.path("price").path("amount").asString())))
                            .orElseThrow();
                }
                return open.stream()
                        .filter(b -> b.path("id").path("provider").asString().equals(o.pick()))
                        .findFirst()
                        .orElseThrow();
            }
            if (Instant.now().isAfter(deadline)) {
                chain.broadcast(chain.sign(tenant, List.of(new Msg.CloseDeployment(dep)), ""), true);
                throw new DeployException(
                        (open.isEmpty()
                                        ? "no provider bid on group " + group + " within "
                                                + o.bidWait().toSeconds() + " s"
                                        : "provider " + o.pick() + " did not bid on group " + group)
                                + "; the deployment is closed and its deposit returned. No provider matched its requirements"
                                + " (placement attributes, GPU model, capacity, price); check them with vyoma query provider list");
            }
            Thread.sleep(250);
        }
    }

    private Leased sendManifest(
            KeyPair tenant,
            SdlDocument doc,
            OrderId order,
            Address provider,
            String lease,
            JsonNode bid,
            Options o,
            Consumer<String> progress)
            throws InterruptedException {
        String host = chain.getJson("/v1/providers/" + provider)
                .orElseThrow()
                .path("hostUri")
                .asString();
        HttpClient https = pinned(provider);
        String token = LeaseToken.create(tenant, provider, lease, Duration.ofMinutes(10), Instant.now());
        String base = host + "/v1/leases/" + order;
        String manifest = JsonWriter.compact(AkashJson.manifest(doc.manifest()));
        try {
            HttpResponse<String> r = https.send(
                    HttpRequest.newBuilder(URI.create(base + "/manifest"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + token)
                            .PUT(HttpRequest.BodyPublishers.ofString(manifest))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new DeployException("provider " + provider + " refused the manifest: "
                        + JSON.readTree(r.body()).path("error").path("message").asString());
            }
            progress.accept("manifest accepted by " + provider + "; waiting for the services");
            Instant deadline = Instant.now().plus(o.readyWait());
            while (true) {
                JsonNode s = JSON.readTree(https.send(
                                HttpRequest.newBuilder(URI.create(base + "/status"))
                                        .timeout(Duration.ofSeconds(30))
                                        .header(
                                                "Authorization",
                                                "Bearer "
                                                        + LeaseToken.create(
                                                                tenant,
                                                                provider,
                                                                lease,
                                                                Duration.ofMinutes(5),
                                                                Instant.now()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                int ready = s.path("ready").asInt();
                int total = s.path("total").asInt();
                List<String> uris = new ArrayList<>();
                s.path("uris").forEach(u -> uris.add(u.asString()));
                String price = bid.path("price").path("amount").asString()
                        + bid.path("price").path("denom").asString();
                if (!s.path("problem").asString("").isEmpty()) {
                    throw new DeployException(
                            "provider " + provider + ": " + s.path("problem").asString());
                }
                if (total > 0 && ready == total) {
                    return new Leased(lease, provider, price, uris, ready, total);
                }
                if (Instant.now().isAfter(deadline)) {
                    return new Leased(lease, provider, price, uris, ready, total);
                }
                Thread.sleep(250);
            }
        } catch (java.io.IOException e) {
            throw new DeployException("cannot reach provider " + provider + " at " + host + ": " + e.getMessage());
        }
    }

    /**
     * What the provider of {@code lease} ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}) says about it: manifest held,
     * replicas ready of total, URIs, any problem.
     */
    public JsonNode status(KeyPair tenant, String lease) throws InterruptedException {
        int slash = lease.lastIndexOf('/');
        Address provider = Address.parse(lease.substring(slash + 1));
        String host = chain.getJson("/v1/providers/" + provider)
                .orElseThrow(() -> new DeployException("no provider " + provider))
                .path("hostUri")
                .asString();
        String token = LeaseToken.create(tenant, provider, lease, Duration.ofMinutes(5), Instant.now());
        try {
            HttpResponse<String> r = pinned(provider)
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(host + "/v1/leases/" + lease.substring(0, slash) + "/status"))
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode n = JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                throw new DeployException("provider " + provider + ": "
                        + n.path("error").path("message").asString());
            }
            return n;
        } catch (java.io.IOException e) {
            throw new DeployException("cannot reach provider " + provider + " at " + host + ": " + e.getMessage());
        }
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
                throw new DeployException(
                        "provider " + provider + " has published no certificate; its gateway cannot be trusted");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder()
                    .sslContext(ssl)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new DeployException("cannot set up TLS for provider " + provider + ": " + e.getMessage());
        }
    }
}
