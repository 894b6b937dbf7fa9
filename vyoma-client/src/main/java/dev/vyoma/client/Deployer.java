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
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.spec.GroupSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The tenant's whole path in one call, what {@code vyoma deploy} runs: post the deployment, wait for bids, take
 * the cheapest (or a chosen provider's) for each group, send the manifest to each winner's gateway (over
 * HTTPS, trusting exactly the certificates the provider published on the chain, with a lease token), and wait
 * until the services are ready. If no provider bids on a group in time, the deployment is closed (the
 * deposit comes back) and the error says so.
 */
public final class Deployer {
    /**
     * How to deploy: the deposit, which bid to take, how long to wait for bids and for readiness, and providers
     * to avoid when taking the cheapest bid (a bid from another provider wins if there is one; used to spread
     * replicas over providers).
     */
    public record Options(Coin deposit, String pick, Duration bidWait, Duration readyWait, Set<Address> avoid) {
        public Options {
            avoid = avoid == null ? Set.of() : Set.copyOf(avoid);
        }

        /** Options that avoid no provider. */
        public Options(Coin deposit, String pick, Duration bidWait, Duration readyWait) {
            this(deposit, pick, bidWait, readyWait, Set.of());
        }
    }

    /** One group's lease: the provider, its price, the service URIs and readiness. */
    public record Leased(String lease, Address provider, String price, List<String> uris, int ready, int total) {}

    /** A deployment and its leases. */
    public record Result(DeploymentId deployment, List<Leased> leases) {}

    /** Why a deployment did not come up; the deployment is closed when {@code closed}. */
    public static class DeployException extends RuntimeException {
        DeployException(String message) {
            super(message);
        }
    }

    /** No provider (or not the one picked) bid on a group in time; the deployment is closed. */
    public static final class NoBidsException extends DeployException {
        NoBidsException(String message) {
            super(message);
        }
    }

    private final VyomaClient chain;
    private final ProviderGateway gateway;

    /** The providers' uptime that {@code pick: best} weighs bids by; none unless given. */
    private ProviderUptimes uptimes;

    public Deployer(VyomaClient chain) {
        this.chain = chain;
        this.gateway = new ProviderGateway(chain);
    }

    /** Weighs bids by {@code uptimes} when the pick is {@code best} (see {@link ProviderUptimes}); returns this. */
    public Deployer weighingBidsBy(ProviderUptimes uptimes) {
        this.uptimes = uptimes;
        return this;
    }

    public Result deploy(KeyPair tenant, SdlDocument doc, Options o, Consumer<String> progress)
            throws InterruptedException {
        return deploy(tenant, doc, o, null, progress);
    }

    /**
     * As {@link #deploy(KeyPair, SdlDocument, Options, Consumer)}, the deposit drawn from {@code granter}'s deposit
     * grant to the tenant when {@code granter} is not null (what is left of it goes back to the granter).
     */
    public Result deploy(KeyPair tenant, SdlDocument doc, Options o, Address granter, Consumer<String> progress)
            throws InterruptedException {
        // Before anything is posted: a pick that cannot be made is refused here, not after the deployment exists.
        bidOrder(o.pick());
        DeploymentId dep = create(tenant, doc, o.deposit(), granter);
        progress.accept("deployment " + tenant.address() + "/" + dep.dseq() + " created; waiting for bids");
        List<Leased> leases = new ArrayList<>();
        for (int g = 0; g < doc.groups().size(); g++) {
            leases.add(leaseOrder(tenant, doc, new OrderId(new GroupId(dep, g + 1), 1), o, progress));
        }
        return new Result(dep, leases);
    }

    /**
     * Posts {@code doc} as a new deployment of {@code tenant} with {@code deposit} in escrow (drawn from {@code
     * granter}'s deposit grant when not null), numbered by the chain's height; returns it once committed. Its orders
     * open at once: {@link #leaseOrder} takes a bid on each.
     */
    public DeploymentId create(KeyPair tenant, SdlDocument doc, Coin deposit, Address granter) {
        long dseq = chain.status().height();
        DeploymentId dep = new DeploymentId(tenant.address(), dseq);
        String version = doc.manifestVersion().hex();
        Msg create = granter == null || granter.equals(tenant.address())
                ? new Msg.CreateDeployment(dep, doc.groups(), version, deposit)
                : new Msg.CreateDeploymentFromGrant(dep, doc.groups(), version, deposit, granter);
        VyomaClient.TxOutcome created = chain.broadcast(chain.sign(tenant, List.of(create), ""), true);
        if (!created.ok()) {
            throw new DeployException("the deployment was refused: " + created.log());
        }
        return dep;
    }

    /** The active leases of {@code dep} (its owner's, from the chain), in the chain's order. */
    public List<BidId> activeLeases(DeploymentId dep) {
        List<BidId> out = new ArrayList<>();
        for (JsonNode l : chain.getJson("/v1/leases?owner=" + dep.owner() + "&state=active&limit=1000")
                .orElseThrow()
                .path("items")) {
            BidId id = ChainIds.bidId(l.path("id"));
            if (id.deployment().equals(dep)) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * One group's part of {@link #deploy}, also what a failover runs for the group's next order: waits for bids
     * on {@code order}, leases the one {@code o} picks (providers in {@code o.avoid()} only when no other bids),
     * sends the manifest and waits for the services. If no bid comes or the manifest fails, the deployment is
     * closed and the rest of its deposit returned.
     */
    public Leased leaseOrder(KeyPair tenant, SdlDocument doc, OrderId order, Options o, Consumer<String> progress)
            throws InterruptedException {
        DeploymentId dep = order.group().deployment();
        GroupSpec spec = doc.groups().get(order.group().gseq() - 1);
        JsonNode chosen = pick(order, o, spec.name(), dep, tenant, progress);
        Address provider = ChainIds.bidId(chosen.path("id")).provider();
        VyomaClient.TxOutcome lease =
                chain.broadcast(chain.sign(tenant, List.of(new Msg.CreateLease(new BidId(order, provider))), ""), true);
        if (!lease.ok()) {
            throw new DeployException("the lease on " + provider + " was refused: " + lease.log());
        }
        String leaseId = new BidId(order, provider).toString();
        progress.accept("lease " + leaseId + " at "
                + chosen.path("price").path("amount").asString()
                + chosen.path("price").path("denom").asString() + " per block");
        try {
            return sendManifest(tenant, doc, provider, leaseId, chosen, o, progress);
        } catch (DeployException e) {
            // Nothing runs for it: stop paying.
            chain.broadcast(chain.sign(tenant, List.of(new Msg.CloseDeployment(dep)), ""), true);
            throw new DeployException(
                    e.getMessage() + "; the deployment is closed and the rest of its deposit returned");
        }
    }

    private JsonNode pick(
            OrderId order, Options o, String group, DeploymentId dep, KeyPair tenant, Consumer<String> progress)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(o.bidWait());
        Instant settle = null;
        // cheapest and best take the first bid by their order; any other pick names the provider.
        Comparator<JsonNode> ranking = bidOrder(o.pick());
        Address only = ranking != null ? null : pickedProvider(o.pick());
        while (true) {
            JsonNode bids =
                    chain.getJson("/v1/bids?order=" + order).orElseThrow().path("items");
            List<JsonNode> open = new ArrayList<>();
            for (JsonNode b : bids) {
                // Only bids on exactly this order count, whatever else an answer holds.
                if (b.path("state").asString().equals("open")
                        && ChainIds.bidId(b.path("id")).order().equals(order)) {
                    open.add(b);
                }
            }
            boolean wanted =
                    only == null || open.stream().anyMatch(b -> bidder(b).equals(only));
            if (!open.isEmpty() && settle == null) {
                // Give the other providers a moment to bid too.
                settle = Instant.now().plusSeconds(2);
            }
            if ((settle != null && Instant.now().isAfter(settle) && wanted) || (wanted && ranking == null)) {
                JsonNode chosen;
                if (ranking != null) {
                    List<JsonNode> preferred = open.stream()
                            .filter(b -> !o.avoid().contains(bidder(b)))
                            .toList();
                    chosen = (preferred.isEmpty() ? open : preferred)
                            .stream().min(ranking).orElseThrow();
                } else {
                    chosen = open.stream()
                            .filter(b -> bidder(b).equals(only))
                            .findFirst()
                            .orElseThrow();
                }
                showBids(group, open, chosen, progress);
                if (o.pick().equals("best")) {
                    progress.accept(weighed(chosen));
                }
                return chosen;
            }
            if (Instant.now().isAfter(deadline)) {
                chain.broadcast(chain.sign(tenant, List.of(new Msg.CloseDeployment(dep)), ""), true);
                throw new NoBidsException((open.isEmpty()
                                ? "no provider bid on group " + group + " within "
                                        + o.bidWait().toSeconds() + " s"
                                : "provider " + o.pick() + " did not bid on group " + group)
                        + "; the deployment is closed and its deposit returned. No provider matched its requirements"
                        + " (placement attributes, GPU model, capacity, price); vyoma deploy FILE --dry-run says why");
            }
            Thread.sleep(250);
        }
    }

    /** The provider of a bid in the node's JSON. */
    private static Address bidder(JsonNode bid) {
        return ChainIds.bidId(bid.path("id")).provider();
    }

    /**
     * The order in which {@code pick} takes bids: {@code cheapest} by price, {@code best} by uptime-weighted price
     * ({@link ProviderUptimes}, then price, then provider); null for a pick that names a provider.
     */
    private Comparator<JsonNode> bidOrder(String pick) {
        Comparator<JsonNode> byPrice = Comparator.comparing(Deployer::price);
        return switch (pick) {
            case "cheapest" -> byPrice;
            case "best" -> {
                ProviderUptimes u = uptimes;
                if (u == null) {
                    throw new DeployException(
                            "pick best weighs bids by the providers' uptime: give the stats service (--stats URL)");
                }
                yield Comparator.<JsonNode, BigDecimal>comparing(b -> u.weightedPrice(bidder(b), price(b)))
                        .thenComparing(byPrice)
                        .thenComparing(b -> bidder(b).toString());
            }
            default -> null;
        };
    }

    /** How a bid taken by {@code best} was weighed, for the progress lines. */
    private String weighed(JsonNode chosen) {
        Address p = bidder(chosen);
        return "picked " + p + " by uptime-weighted price: "
                + price(chosen).stripTrailingZeros().toPlainString() + " ÷ "
                + uptimes.weight(p).stripTrailingZeros().toPlainString() + " (uptime over 7 d "
                + uptimes.of(p).week().map(v -> v.toPlainString() + "%").orElse("unknown") + ") = "
                + uptimes.weightedPrice(p, price(chosen)).stripTrailingZeros().toPlainString();
    }

    private static BigDecimal price(JsonNode bid) {
        return new BigDecimal(bid.path("price").path("amount").asString());
    }

    /** The provider named by {@code pick} (an address), or a {@link DeployException} that says what it must be. */
    private static Address pickedProvider(String pick) {
        try {
            return Address.parse(pick);
        } catch (IllegalArgumentException e) {
            throw new DeployException("pick is cheapest, best or a provider's address: " + e.getMessage());
        }
    }

    /** The bids on a group as a small table, cheapest first, the one taken marked. */
    private static void showBids(String group, List<JsonNode> open, JsonNode chosen, Consumer<String> progress) {
        List<JsonNode> sorted = new ArrayList<>(open);
        sorted.sort((a, b) -> new BigDecimal(a.path("price").path("amount").asString())
                .compareTo(new BigDecimal(b.path("price").path("amount").asString())));
        int width = "PROVIDER".length();
        for (JsonNode b : sorted) {
            width = Math.max(width, b.path("id").path("provider").asString().length());
        }
        progress.accept(sorted.size() + (sorted.size() == 1 ? " bid" : " bids") + " on group " + group + ":");
        progress.accept("  " + pad("PROVIDER", width) + "  PRICE/BLOCK");
        for (JsonNode b : sorted) {
            progress.accept("  " + pad(b.path("id").path("provider").asString(), width) + "  "
                    + new BigDecimal(b.path("price").path("amount").asString())
                            .stripTrailingZeros()
                            .toPlainString()
                    + b.path("price").path("denom").asString() + (b == chosen ? "  <- taken" : ""));
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private Leased sendManifest(
            KeyPair tenant,
            SdlDocument doc,
            Address provider,
            String lease,
            JsonNode bid,
            Options o,
            Consumer<String> progress)
            throws InterruptedException {
        String manifest = JsonWriter.compact(AkashJson.manifest(doc.manifest()));
        try {
            gateway.sendManifest(tenant, lease, manifest);
        } catch (ProviderGateway.GatewayException e) {
            throw new DeployException("the manifest was not delivered: " + e.getMessage());
        }
        progress.accept("manifest accepted by " + provider + "; waiting for the services");
        String price = bid.path("price").path("amount").asString()
                + bid.path("price").path("denom").asString();
        return awaitReady(tenant, lease, provider, price, o.readyWait(), "");
    }

    /** Polls the lease's status until every replica is ready (running {@code version}, if given) or time is up. */
    private Leased awaitReady(
            KeyPair tenant, String lease, Address provider, String price, Duration wait, String version)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            JsonNode s;
            try {
                s = gateway.leaseStatus(tenant, lease);
            } catch (ProviderGateway.GatewayException e) {
                throw new DeployException(e.getMessage());
            }
            int ready = s.path("ready").asInt();
            int total = s.path("total").asInt();
            List<String> uris = new ArrayList<>();
            s.path("uris").forEach(u -> uris.add(u.asString()));
            s.path("forwardedPorts")
                    .forEach(f -> uris.add(f.path("host").asString() + ":"
                            + f.path("externalPort").asInt() + " ("
                            + f.path("service").asString() + " port "
                            + f.path("port").asInt() + ")"));
            if (!s.path("problem").asString("").isEmpty()) {
                throw new DeployException(
                        "provider " + provider + ": " + s.path("problem").asString());
            }
            // An update rolling out ("updating") runs the old replicas until the new ones are ready.
            boolean current =
                    (version.isEmpty() || version.equals(s.path("version").asString(version)))
                            && s.path("updating").asString("").isEmpty();
            if ((total > 0 && ready == total && current) || Instant.now().isAfter(deadline)) {
                return new Leased(lease, provider, price, uris, ready, total);
            }
            Thread.sleep(250);
        }
    }

    /**
     * Updates a running deployment to a new SDL: its groups (resources, placement, prices) must be the ones
     * on the chain, as Akash allows; what changes is the manifest (images, commands, env, exposes). Posts the
     * new version, sends the manifest to every active lease's provider and waits until each runs it.
     */
    public List<Leased> update(
            KeyPair tenant, DeploymentId dep, SdlDocument doc, Duration readyWait, Consumer<String> progress)
            throws InterruptedException {
        JsonNode d = chain.deployment(dep)
                .orElseThrow(() -> new DeployException("no deployment " + dep.owner() + "/" + dep.dseq()));
        if (!d.path("state").asString().equals("active")) {
            throw new DeployException("deployment " + dep.dseq() + " is "
                    + d.path("state").asString() + "; only an active deployment can be updated");
        }
        for (int g = 0; g < Math.max(doc.groups().size(), d.path("groups").size()); g++) {
            GroupId gid = new GroupId(dep, g + 1);
            java.util.Optional<dev.vyoma.ledger.deployment.Group> onChain = chain.group(gid);
            if (g >= doc.groups().size() || onChain.isEmpty()) {
                throw new DeployException("the SDL has " + doc.groups().size()
                        + " placement group(s) but the deployment has others; an update keeps the groups"
                        + " (create a new deployment to change them)");
            }
            GroupSpec mine = doc.groups().get(g);
            if (!mine.equals(onChain.get().spec())) {
                throw new DeployException("group " + mine.name()
                        + " differs from the deployment's on the chain (resources, counts, placement or prices);"
                        + " an update may change images, commands, env and exposes only."
                        + " Create a new deployment to change what is leased");
            }
        }
        String version = doc.manifestVersion().hex();
        if (!version.equals(d.path("versionHex").asString())) {
            VyomaClient.TxOutcome out =
                    chain.broadcast(chain.sign(tenant, List.of(new Msg.UpdateDeployment(dep, version)), ""), true);
            if (!out.ok()) {
                throw new DeployException("the update was refused: " + out.log());
            }
            progress.accept("deployment " + dep.owner() + "/" + dep.dseq() + " now has version " + version);
        }
        String manifest = JsonWriter.compact(AkashJson.manifest(doc.manifest()));
        List<Leased> out = new ArrayList<>();
        for (JsonNode l : chain.getJson("/v1/leases?owner=" + dep.owner() + "&state=active&limit=1000")
                .orElseThrow()
                .path("items")) {
            BidId id = ChainIds.bidId(l.path("id"));
            if (!id.deployment().equals(dep)) {
                continue;
            }
            Address provider = id.provider();
            String lease = id.toString();
            String running;
            try {
                running = gateway.sendManifest(tenant, lease, manifest)
                        .path("version")
                        .asString();
            } catch (ProviderGateway.GatewayException e) {
                throw new DeployException("the new manifest was not delivered: " + e.getMessage());
            }
            progress.accept("new manifest accepted by " + provider + "; waiting for the services");
            out.add(awaitReady(
                    tenant,
                    lease,
                    provider,
                    l.path("price").path("amount").asString()
                            + l.path("price").path("denom").asString(),
                    readyWait,
                    running));
        }
        if (out.isEmpty()) {
            throw new DeployException("deployment " + dep.dseq() + " has no active lease to update");
        }
        return out;
    }

    /**
     * What the provider of {@code lease} ({@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}) says about it: manifest held,
     * replicas ready of total, URIs, any problem.
     */
    public JsonNode status(KeyPair tenant, String lease) {
        try {
            return gateway.leaseStatus(tenant, lease);
        } catch (ProviderGateway.GatewayException e) {
            throw new DeployException(e.getMessage());
        }
    }

    /** The gateways this deployer talks to. */
    public ProviderGateway gateway() {
        return gateway;
    }
}
