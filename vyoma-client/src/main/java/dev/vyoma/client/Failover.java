package dev.vyoma.client;

import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.SdlDocument;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Lease health and failover (AEP-52): each {@link #poll} asks every active lease's provider for the lease's
 * status. A provider that has not answered for the grace period, or that has reported a problem with the lease
 * for all of it, has failed the lease: the tenant closes it with the matching tenant reason (2 unresponsive, 3
 * lease failed), which re-posts the group as a new order, leases from another provider, sends it the manifest
 * and reports the new URIs. What the old lease kept on its provider (persistent volumes) is lost. Driven by its
 * caller; it owns no thread.
 */
public final class Failover {
    /** How long a provider may stay silent or report a problem, and how long to wait for bids and readiness. */
    public record Options(Duration grace, Duration bidWait, Duration readyWait) {
        public Options {
            if (grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("the grace period must be positive, got " + grace);
            }
        }
    }

    /** A lease moved: the old one, why, and the new lease with its URIs. */
    public record Moved(String oldLease, CloseReason reason, Deployer.Leased now) {}

    private final Deployer deployer;
    private final VyomaClient chain;
    private final KeyPair tenant;
    private final DeploymentId deployment;
    private final SdlDocument doc;
    private final Options options;
    private final Clock clock;
    private final Consumer<String> progress;
    /** Per active lease: when its provider last answered, and since when it has reported a problem (or null). */
    private final Map<String, Instant> lastAnswer = new HashMap<>();

    private final Map<String, Instant> troubledSince = new HashMap<>();

    public Failover(
            VyomaClient chain,
            KeyPair tenant,
            DeploymentId deployment,
            SdlDocument doc,
            Options options,
            Clock clock,
            Consumer<String> progress) {
        this.chain = chain;
        this.deployer = new Deployer(chain);
        this.tenant = tenant;
        this.deployment = deployment;
        this.doc = doc;
        this.options = options;
        this.clock = clock;
        this.progress = progress;
        String onChain = chain.deployment(deployment)
                .orElseThrow(() ->
                        new Deployer.DeployException("no deployment " + deployment.owner() + "/" + deployment.dseq()))
                .path("versionHex")
                .asString();
        if (!onChain.equals(doc.manifestVersion().hex())) {
            throw new Deployer.DeployException("the SDL is not the one deployment " + deployment.dseq()
                    + " runs (its manifest version differs); give the file it was deployed or updated with");
        }
    }

    /** Checks every active lease once; moves those whose provider failed them. */
    public List<Moved> poll() throws InterruptedException {
        Instant now = clock.instant();
        List<Moved> moved = new ArrayList<>();
        Set<String> active = new HashSet<>();
        for (BidId lease : activeLeases()) {
            String id = lease.toString();
            active.add(id);
            lastAnswer.putIfAbsent(id, now);
            String problem;
            try {
                JsonNode s = deployer.gateway().leaseStatus(tenant, id);
                lastAnswer.put(id, now);
                problem = s.path("problem").asString("");
            } catch (ProviderGateway.GatewayException e) {
                if (Duration.between(lastAnswer.get(id), now).compareTo(options.grace()) >= 0) {
                    moved.add(move(
                            lease,
                            CloseReason.TENANT_PROVIDER_UNRESPONSIVE,
                            "provider " + lease.provider() + " has not answered for "
                                    + options.grace().toSeconds() + " s (" + printable(String.valueOf(e.getMessage()))
                                    + ")"));
                }
                continue;
            }
            if (problem.isEmpty()) {
                troubledSince.remove(id);
            } else {
                Instant since = troubledSince.computeIfAbsent(id, k -> now);
                if (Duration.between(since, now).compareTo(options.grace()) >= 0) {
                    moved.add(move(
                            lease,
                            CloseReason.TENANT_PROVIDER_FAILED,
                            "provider " + lease.provider() + " has reported the lease failed for "
                                    + options.grace().toSeconds() + " s: " + printable(problem)));
                }
            }
        }
        lastAnswer.keySet().retainAll(active);
        troubledSince.keySet().retainAll(active);
        return moved;
    }

    private Moved move(BidId lease, CloseReason reason, String why) throws InterruptedException {
        progress.accept(why + "; closing lease " + lease + " (" + reason.label() + ")");
        VyomaClient.TxOutcome closed = chain.broadcast(
                chain.sign(tenant, List.of(new Msg.CloseLeaseForFault(lease, reason.code())), ""), true);
        if (!closed.ok()) {
            throw new Deployer.DeployException("closing lease " + lease + " was refused: " + closed.log());
        }
        progress.accept("lease " + lease + " closed at height " + closed.height() + "; what it kept on "
                + lease.provider() + " (persistent volumes included) is lost");
        OrderId next = new OrderId(lease.order().group(), lease.order().oseq() + 1);
        Set<Address> avoid = Set.of(lease.provider());
        Deployer.Leased now = deployer.leaseOrder(
                tenant,
                doc,
                next,
                new Deployer.Options(null, "cheapest", options.bidWait(), options.readyWait(), avoid),
                progress);
        progress.accept("the group runs again on " + now.provider() + ": " + String.join(", ", now.uris()));
        return new Moved(lease.toString(), reason, now);
    }

    /** A provider's text as one printable line of at most 200 characters: no terminal control sequences. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(200).forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }

    private List<BidId> activeLeases() {
        List<BidId> out = new ArrayList<>();
        for (JsonNode l : chain.getJson("/v1/leases?owner=" + deployment.owner() + "&state=active&limit=1000")
                .orElseThrow()
                .path("items")) {
            BidId id = ChainIds.bidId(l.path("id"));
            if (id.deployment().equals(deployment)) {
                out.add(id);
            }
        }
        return out;
    }
}
