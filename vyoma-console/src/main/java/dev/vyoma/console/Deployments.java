package dev.vyoma.console;

import dev.vyoma.client.ChainIds;
import dev.vyoma.client.Deployer;
import dev.vyoma.client.EscrowView;
import dev.vyoma.client.EscrowWatcher;
import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.SdlDocument;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The deployments this console posted or acts on, and the work on them that takes a while (leasing a bid: the lease,
 * the manifest, the wait for the services; an update), each run on a thread of its own with its progress kept for the
 * pages. The SDL of a deployment posted here is kept in memory, since the manifest is sent after a bid is picked.
 */
final class Deployments {
    /** How long a lease waits for the picked provider's bid, then for the services. */
    static final Duration BID_WAIT = Duration.ofSeconds(60);

    static final Duration READY_WAIT = Duration.ofSeconds(120);

    /** Progress lines kept per deployment; deployments tracked at most. */
    static final int MAX_LINES = 200;

    static final int MAX_TRACKED = 256;

    /** A deployment's SDL (when posted here) and its work. */
    private static final class Tracked {
        final List<String> lines = new ArrayList<>();
        volatile SdlDocument doc;
        volatile String sdl;
        volatile Coin deposit;
        volatile boolean running;
        volatile boolean done;

        synchronized void say(String line) {
            if (lines.size() == MAX_LINES) {
                lines.remove(0);
            }
            lines.add(line);
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }
    }

    /** A request that cannot be carried out, with what to do instead. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final VyomaClient chain;
    private final Deployer deployer;
    private final Map<DeploymentId, Tracked> tracked = new ConcurrentHashMap<>();

    Deployments(VyomaClient chain) {
        this.chain = chain;
        this.deployer = new Deployer(chain);
    }

    ProviderGateway gateway() {
        return deployer.gateway();
    }

    /** The active leases of {@code dep}. */
    List<BidId> activeLeases(DeploymentId dep) {
        return deployer.activeLeases(dep);
    }

    /** Posts {@code doc} from {@code key} with {@code deposit}; its bids then show on the bids page. */
    DeploymentId post(KeyPair key, SdlDocument doc, String sdl, Coin deposit) {
        if (tracked.size() >= MAX_TRACKED) {
            tracked.entrySet().removeIf(e -> !e.getValue().running);
        }
        DeploymentId dep;
        try {
            dep = deployer.create(key, doc, deposit, null);
        } catch (Deployer.DeployException | VyomaClient.NodeException e) {
            throw new Refused(e.getMessage());
        }
        Tracked t = tracked.computeIfAbsent(dep, d -> new Tracked());
        t.doc = doc;
        t.sdl = sdl;
        t.deposit = deposit;
        t.say("deployment " + dep + " created with " + deposit.amount() + deposit.denom() + " in escrow");
        return dep;
    }

    /** The SDL posted for {@code dep} here, if any. */
    Optional<String> sdl(DeploymentId dep) {
        return Optional.ofNullable(tracked.get(dep)).map(t -> t.sdl);
    }

    List<String> progress(DeploymentId dep) {
        Tracked t = tracked.get(dep);
        return t == null ? List.of() : t.lines();
    }

    boolean done(DeploymentId dep) {
        Tracked t = tracked.get(dep);
        return t != null && t.done;
    }

    boolean busy(DeploymentId dep) {
        Tracked t = tracked.get(dep);
        return t != null && t.running;
    }

    /**
     * Leases {@code provider}'s bid on group {@code gseq}, sends the manifest and waits for the services, on a thread
     * of its own; the progress shows on the bids page.
     */
    void accept(KeyPair key, DeploymentId dep, int gseq, Address provider) {
        Tracked t = tracked.get(dep);
        if (t == null || t.doc == null) {
            throw new Refused("deployment " + dep.dseq() + " was not posted from this console session, so its"
                    + " manifest is not here: lease it with vyoma deploy, or post it again");
        }
        if (gseq < 1 || gseq > t.doc.groups().size()) {
            throw new Refused("the deployment has no group " + gseq);
        }
        start(t, () -> {
            Deployer.Leased l = deployer.leaseOrder(
                    key,
                    t.doc,
                    new OrderId(new GroupId(dep, gseq), 1),
                    new Deployer.Options(t.deposit, provider.toString(), BID_WAIT, READY_WAIT),
                    t::say);
            t.say("ready " + l.ready() + "/" + l.total()
                    + (l.uris().isEmpty() ? "" : "; " + String.join(", ", l.uris())));
        });
    }

    /** Updates {@code dep} to {@code doc} on a thread of its own. */
    void update(KeyPair key, DeploymentId dep, SdlDocument doc, String sdl) {
        Tracked t = tracked.computeIfAbsent(dep, d -> new Tracked());
        start(t, () -> {
            List<Deployer.Leased> out = deployer.update(key, dep, doc, READY_WAIT, t::say);
            t.doc = doc;
            t.sdl = sdl;
            out.forEach(l -> t.say("lease " + l.lease() + " runs the update: ready " + l.ready() + "/" + l.total()));
        });
    }

    private interface Work {
        void run() throws InterruptedException;
    }

    private static void start(Tracked t, Work work) {
        synchronized (t) {
            if (t.running) {
                throw new Refused("this deployment is busy with an earlier request; wait until it finishes");
            }
            t.running = true;
            t.done = false;
        }
        Thread.ofVirtual().name("console-job").start(() -> {
            try {
                work.run();
                t.done = true;
            } catch (Deployer.DeployException | VyomaClient.NodeException | ProviderGateway.GatewayException e) {
                t.say("failed: " + e.getMessage());
            } catch (InterruptedException e) {
                t.say("stopped");
            } catch (RuntimeException e) {
                t.say("failed: " + e);
            } finally {
                t.running = false;
            }
        });
    }

    /** Closes {@code dep}: its leases end and the rest of the deposit comes back. */
    void close(KeyPair key, DeploymentId dep) {
        VyomaClient.TxOutcome out = chain.broadcast(chain.sign(key, List.of(new Msg.CloseDeployment(dep)), ""), true);
        if (!out.ok()) {
            throw new Refused("the close was refused: " + out.log());
        }
        Tracked t = tracked.get(dep);
        if (t != null) {
            t.say("deployment closed at height " + out.height());
        }
    }

    /** Deposits what keeps {@code dep} funded for {@code keep}; returns what was deposited, worded. */
    String topUp(KeyPair key, DeploymentId dep, Duration keep) {
        try {
            EscrowWatcher.TopUp t = EscrowWatcher.topUp(chain, key, dep, keep);
            return t.depositedMicro() == 0
                    ? "already funded for " + keep.toHours() + " h; nothing sent"
                    : "deposited " + t.depositedMicro() + t.after().denom() + "; runs out at height "
                            + t.after().runOutHeight();
        } catch (EscrowWatcher.TopUpRefused | VyomaClient.NodeException e) {
            throw new Refused(e.getMessage());
        }
    }

    /** The deployment page's data: the chain's view, and with {@code key} what each provider says. */
    Views.DeploymentView view(KeyPair key, DeploymentId dep, String link) {
        JsonNode d = chain.deployment(dep).orElseThrow(() -> new Refused("no deployment " + dep));
        String state = d.path("state").asString();
        List<Views.LeaseRow> leases = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (JsonNode l : chain.getJson("/v1/leases?owner=" + dep.owner() + "&limit=1000")
                .orElseThrow()
                .path("items")) {
            BidId id = ChainIds.bidId(l.path("id"));
            if (!id.deployment().equals(dep)) {
                continue;
            }
            String leaseState = l.path("state").asString();
            String price = l.path("price").path("amount").asString() + " "
                    + l.path("price").path("denom").asString();
            String ready = "—";
            List<Views.Uri> uris = new ArrayList<>();
            String problem = "";
            if (leaseState.equals("active")) {
                try {
                    JsonNode s = deployer.gateway().leaseStatus(key, id.toString());
                    ready = s.path("ready").asInt() + "/" + s.path("total").asInt();
                    s.path("uris").forEach(u -> uris.add(new Views.Uri(href(u.asString()), u.asString())));
                    s.path("forwardedPorts")
                            .forEach(f -> uris.add(new Views.Uri(
                                    null,
                                    f.path("host").asString() + ":"
                                            + f.path("externalPort").asInt() + " ("
                                            + f.path("service").asString() + " port "
                                            + f.path("port").asInt() + ")")));
                    problem = s.path("problem").asString("");
                    for (JsonNode e :
                            deployer.gateway().leaseEvents(key, id.toString()).path("events")) {
                        events.add(e.path("time").asString() + " "
                                + e.path("message").asString());
                    }
                } catch (ProviderGateway.GatewayException e) {
                    problem = e.getMessage();
                }
            }
            leases.add(new Views.LeaseRow(id.provider().toString(), price, leaseState, ready, uris, problem));
        }
        Views.EscrowRow escrow = null;
        try {
            escrow = EscrowView.read(chain, dep).map(Deployments::escrow).orElse(null);
        } catch (VyomaClient.NodeException e) {
            escrow = new Views.EscrowRow("unknown", e.getMessage(), "", "");
        }
        return new Views.DeploymentView(
                dep.owner().toString(),
                dep.dseq(),
                link,
                state,
                state.equals("active"),
                leases,
                escrow,
                events,
                sdl(dep).orElse(""));
    }

    private static Views.EscrowRow escrow(EscrowView v) {
        String balance = v.balance().setScale(0, RoundingMode.DOWN).toPlainString() + " " + v.denom();
        String rate = v.ratePerBlock().stripTrailingZeros().toPlainString() + " " + v.denom();
        String runOut = v.paying()
                ? "at height " + v.runOutHeight() + " (" + v.blocksLeft() + " blocks, about " + v.runOutTime() + ")"
                : "nothing pays from it";
        return new Views.EscrowRow(v.state(), balance, rate, runOut);
    }

    /** A link for a service URI: as given when it has a scheme, else plain HTTP to that host. */
    static String href(String uri) {
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            return uri;
        }
        return "http://" + uri;
    }
}
