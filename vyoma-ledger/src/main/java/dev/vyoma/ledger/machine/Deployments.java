package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.deployment.GroupSpecRules;
import dev.vyoma.ledger.deployment.GroupState;
import dev.vyoma.ledger.escrow.AccountState;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.GroupSpec;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Deployment and group messages (a deposit from the owner or from a grant), and closing a deployment whose escrow ran out. */
public final class Deployments {
    private static final Pattern HASH_HEX = Pattern.compile("^[0-9a-f]{64}$");

    private Deployments() {}

    static void create(Context ctx, Msg.CreateDeployment m) {
        create(ctx, m, null);
    }

    /** The same rules as {@link #create(Context, Msg.CreateDeployment)}; only who pays the deposit differs. */
    static void createFromGrant(Context ctx, Msg.CreateDeploymentFromGrant m) {
        create(ctx, new Msg.CreateDeployment(m.id(), m.groups(), m.versionHex(), m.deposit()), m.granter());
    }

    /** Creates a deployment funded from the owner's balance ({@code granter} null) or from a grant to the owner. */
    private static void create(Context ctx, Msg.CreateDeployment m, Address granter) {
        var p = ctx.params();
        Rejected.unless(m.id().dseq() < Long.MAX_VALUE, ErrorCode.INVALID_DEPLOYMENT_ID, "dseq is too large");
        Rejected.unless(
                !ctx.state().deployments.contains(m.id()),
                ErrorCode.DEPLOYMENT_EXISTS,
                () -> "deployment " + m.id() + " exists; pick another dseq");
        Rejected.unless(
                HASH_HEX.matcher(m.versionHex()).matches(),
                ErrorCode.INVALID_HASH,
                "the manifest version must be 64 lowercase hex digits (vyoma sdl version)");
        Rejected.unless(
                m.deposit().denom().equals(p.depositDenom()) && m.deposit().amount() >= p.minDeploymentDeposit(),
                ErrorCode.INVALID_DEPOSIT,
                () -> "a deployment deposit is at least " + p.minDeploymentDeposit() + p.depositDenom() + ", got "
                        + m.deposit());
        String why = GroupSpecRules.check(m.groups(), p.depositDenom());
        Rejected.unless(why == null, ErrorCode.INVALID_GROUPS, () -> String.valueOf(why));
        if (granter == null) {
            Escrow.open(ctx, m.id(), m.id().owner(), m.deposit());
        } else {
            DepositGrants.draw(ctx, granter, m.id(), m.deposit());
            Escrow.open(ctx, m.id(), granter, m.deposit());
        }
        ctx.state()
                .deployments
                .put(m.id(), new Deployment(m.id(), DeploymentState.ACTIVE, m.versionHex(), ctx.height(), 0, null));
        ctx.emit(new Event.DeploymentCreated(m.id(), m.versionHex()));
        List<GroupSpec> specs = m.groups();
        for (int i = 0; i < specs.size(); i++) {
            Group g = new Group(new GroupId(m.id(), i + 1), GroupState.OPEN, specs.get(i), ctx.height());
            ctx.state().groups.put(g.id(), g);
            Market.createOrder(ctx, g);
        }
    }

    static void update(Context ctx, Msg.UpdateDeployment m) {
        Deployment d = active(ctx, m.id());
        Rejected.unless(
                HASH_HEX.matcher(m.versionHex()).matches(),
                ErrorCode.INVALID_HASH,
                "the manifest version must be 64 lowercase hex digits");
        Rejected.unless(
                !d.versionHex().equals(m.versionHex()),
                ErrorCode.INVALID_HASH,
                "the deployment already has this manifest version");
        ctx.state().deployments.put(d.id(), d.withVersion(m.versionHex()));
        ctx.emit(new Event.DeploymentUpdated(d.id(), m.versionHex()));
    }

    static void deposit(Context ctx, Msg.DepositDeployment m) {
        active(ctx, m.id());
        Escrow.deposit(ctx, m.id(), m.depositor(), m.amount());
    }

    static void depositFromGrant(Context ctx, Msg.DepositDeploymentFromGrant m) {
        active(ctx, m.id());
        DepositGrants.draw(ctx, m.granter(), m.id(), m.amount());
        Escrow.deposit(ctx, m.id(), m.granter(), m.amount());
    }

    static void close(Context ctx, Msg.CloseDeployment m) {
        active(ctx, m.id());
        closeDeployment(ctx, m.id(), CloseReason.TENANT);
    }

    /** The ledger closes a deployment whose escrow ran out, at exactly the run-out height. */
    public static void closeExhausted(Context ctx, DeploymentId id) {
        var acc = ctx.state().escrow.get(id);
        Escrow.settle(ctx, acc);
        closeDeployment(ctx, id, CloseReason.INSUFFICIENT_FUNDS);
    }

    private static void closeDeployment(Context ctx, DeploymentId id, CloseReason reason) {
        boolean broke = reason.equals(CloseReason.INSUFFICIENT_FUNDS);
        for (Group g : groupsOf(ctx, id)) {
            if (g.state() != GroupState.CLOSED) {
                Market.endGroup(ctx, g.id(), reason);
                ctx.state().groups.put(g.id(), g.with(broke ? GroupState.INSUFFICIENT_FUNDS : GroupState.CLOSED));
                ctx.emit(new Event.GroupClosed(g.id(), reason));
            }
        }
        Escrow.closeAccount(ctx, id, broke ? AccountState.EXHAUSTED : AccountState.CLOSED);
        ctx.state().deployments.put(id, ctx.state().deployments.get(id).closed(ctx.height(), reason));
        ctx.emit(new Event.DeploymentClosed(id, reason));
    }

    static void closeGroup(Context ctx, Msg.CloseGroup m) {
        Group g = group(ctx, m.id());
        Rejected.unless(
                g.state() != GroupState.CLOSED, ErrorCode.GROUP_CLOSED, () -> "group " + m.id() + " is already closed");
        Market.endGroup(ctx, g.id(), CloseReason.TENANT);
        ctx.state().groups.put(g.id(), g.with(GroupState.CLOSED));
        ctx.emit(new Event.GroupClosed(g.id(), CloseReason.TENANT));
    }

    static void pauseGroup(Context ctx, Msg.PauseGroup m) {
        Group g = group(ctx, m.id());
        Rejected.unless(g.state() != GroupState.CLOSED, ErrorCode.GROUP_CLOSED, () -> "group " + m.id() + " is closed");
        Rejected.unless(
                g.state() == GroupState.OPEN,
                ErrorCode.GROUP_PAUSED,
                () -> "group " + m.id() + " is " + g.state().name().toLowerCase(Locale.ROOT) + ", not open");
        Market.endGroup(ctx, g.id(), CloseReason.TENANT);
        ctx.state().groups.put(g.id(), g.with(GroupState.PAUSED));
        ctx.emit(new Event.GroupPaused(g.id()));
    }

    static void startGroup(Context ctx, Msg.StartGroup m) {
        Group g = group(ctx, m.id());
        Rejected.unless(g.state() != GroupState.CLOSED, ErrorCode.GROUP_CLOSED, () -> "group " + m.id() + " is closed");
        Rejected.unless(
                g.state() == GroupState.PAUSED,
                ErrorCode.GROUP_OPEN,
                () -> "group " + m.id() + " is " + g.state().name().toLowerCase(Locale.ROOT) + ", not paused");
        Group open = g.with(GroupState.OPEN);
        ctx.state().groups.put(g.id(), open);
        ctx.emit(new Event.GroupStarted(g.id()));
        Market.createOrder(ctx, open);
    }

    /** The groups of a deployment in gseq order. */
    public static List<Group> groupsOf(Context ctx, DeploymentId id) {
        List<GroupId> ids = ctx.state().groupsByDeployment.keys(id);
        List<Group> out = new java.util.ArrayList<>(ids.size());
        for (GroupId g : ids) {
            out.add(ctx.state().groups.get(g));
        }
        return out;
    }

    private static Deployment active(Context ctx, DeploymentId id) {
        Deployment d = ctx.state().deployments.get(id);
        Rejected.unless(d != null, ErrorCode.DEPLOYMENT_NOT_FOUND, () -> "no deployment " + id);
        Rejected.unless(
                d.state() == DeploymentState.ACTIVE,
                ErrorCode.DEPLOYMENT_CLOSED,
                () -> "deployment " + id + " is closed");
        return d;
    }

    /** A group of an active deployment (Akash lets group messages touch closed deployments; we do not). */
    private static Group group(Context ctx, GroupId id) {
        active(ctx, id.deployment());
        Group g = ctx.state().groups.get(id);
        Rejected.unless(g != null, ErrorCode.GROUP_NOT_FOUND, () -> "no group " + id);
        return g;
    }

    /** Handles the deployment module's messages. */
    public static void handle(Context ctx, Msg m) {
        switch (m) {
            case Msg.CreateDeployment c -> create(ctx, c);
            case Msg.UpdateDeployment u -> update(ctx, u);
            case Msg.DepositDeployment d -> deposit(ctx, d);
            case Msg.CreateDeploymentFromGrant c -> createFromGrant(ctx, c);
            case Msg.DepositDeploymentFromGrant d -> depositFromGrant(ctx, d);
            case Msg.CloseDeployment c -> close(ctx, c);
            case Msg.CloseGroup c -> closeGroup(ctx, c);
            case Msg.PauseGroup p -> pauseGroup(ctx, p);
            case Msg.StartGroup s -> startGroup(ctx, s);
            default -> throw new IllegalArgumentException("not a deployment message: " + m.kind());
        }
    }
}
