package dev.vyoma.client;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.tx.Msg;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps a deployment's escrow from running dry unnoticed (AEP-33/71): each {@link #poll} reads the escrow, tops
 * it up when less than {@code keep} is funded (by enough for {@code keep + step}), and raises an alert when the
 * run-out height comes within a threshold: once per threshold, armed again when a deposit moves the run-out
 * beyond it. Driven by its caller, who decides how often to poll; it owns no thread.
 */
public final class EscrowWatcher {
    /** The most deposits one top-up sends when the first lands later than the next block. */
    static final int MAX_TOP_UP_ROUNDS = 3;

    /**
     * What to do: keep the run-out at least {@code keep} ahead (null: never deposit), by deposits of enough for
     * {@code keep + step}; alert at each of {@code alertAt} before the run-out.
     */
    public record Options(Duration keep, Duration step, List<Duration> alertAt) {
        public Options {
            if (keep != null && (keep.isNegative() || keep.isZero())) {
                throw new IllegalArgumentException("keep must be positive, got " + keep);
            }
            step = step == null ? Duration.ZERO : step;
            if (step.isNegative()) {
                throw new IllegalArgumentException("step must not be negative, got " + step);
            }
            List<Duration> sorted = new ArrayList<>(new HashSet<>(alertAt));
            sorted.sort(Comparator.reverseOrder());
            for (Duration d : sorted) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("an alert threshold must be positive, got " + d);
                }
            }
            alertAt = List.copyOf(sorted);
        }
    }

    /** The run-out of {@code view}'s deployment came within {@code threshold}. */
    public record Alert(Duration threshold, EscrowView view) {}

    /** What one poll found. */
    public sealed interface Outcome {
        EscrowView view();
    }

    /** The deployment is open; {@code depositedMicro} went into its escrow during this poll. */
    public record Watching(EscrowView view, long depositedMicro) implements Outcome {}

    /** The deployment is closed (by its owner, or by the network at its run-out height). */
    public record Ended(EscrowView view, long closedAtHeight, String reason) implements Outcome {}

    /**
     * What a one-off top-up did: the micro-units deposited, the height its last deposit landed in (0: none was
     * needed), the escrow after it.
     */
    public record TopUp(long depositedMicro, long landedAt, EscrowView after) {}

    /** A top-up the node refused, with its reason. */
    public static final class TopUpRefused extends RuntimeException {
        TopUpRefused(String message) {
            super(message);
        }
    }

    private final VyomaClient chain;
    private final KeyPair tenant;
    private final DeploymentId deployment;
    private final Options options;
    private final Consumer<Alert> alerts;
    private final Consumer<String> progress;
    private final Set<Duration> fired = new HashSet<>();

    public EscrowWatcher(
            VyomaClient chain,
            KeyPair tenant,
            DeploymentId deployment,
            Options options,
            Consumer<Alert> alerts,
            Consumer<String> progress) {
        this.chain = chain;
        this.tenant = tenant;
        this.deployment = deployment;
        this.options = options;
        this.alerts = alerts;
        this.progress = progress;
    }

    /** Reads the escrow once; tops it up and raises alerts as the options say. */
    public Outcome poll() {
        EscrowView view = read(chain, deployment);
        if (!view.state().equals("open")) {
            var d = chain.deployment(deployment).orElseThrow();
            return new Ended(
                    view,
                    d.path("closedAt").asLong(),
                    view.state().equals("exhausted") ? "its escrow ran out of funds" : "closed by its owner");
        }
        long deposited = 0;
        if (options.keep() != null && view.paying() && view.blocksLeft() < view.blocksFor(options.keep())) {
            try {
                TopUp t = topUp(chain, tenant, deployment, options.keep().plus(options.step()));
                deposited = t.depositedMicro();
                view = t.after();
                progress.accept("topped up " + deposited + view.denom() + ": funded until height " + view.runOutHeight()
                        + " (about " + view.runOutTime() + ")");
            } catch (TopUpRefused e) {
                // The alerts below say what it means; the next poll tries again.
                progress.accept(e.getMessage());
            }
        }
        for (Duration threshold : options.alertAt()) {
            if (view.paying() && view.blocksLeft() <= view.blocksFor(threshold)) {
                if (fired.add(threshold)) {
                    alerts.accept(new Alert(threshold, view));
                }
            } else {
                fired.remove(threshold);
            }
        }
        return new Watching(view, deposited);
    }

    /**
     * Deposits what the escrow needs to be funded for {@code keep} from the block the deposit lands in; nothing
     * when it already is. If a deposit lands later than the next block, the shortfall is sent again, at most
     * {@link #MAX_TOP_UP_ROUNDS} deposits in all.
     */
    public static TopUp topUp(VyomaClient chain, KeyPair tenant, DeploymentId deployment, Duration keep) {
        long total = 0;
        long landedAt = 0;
        EscrowView view = read(chain, deployment);
        for (int round = 0; round < MAX_TOP_UP_ROUNDS; round++) {
            if (!view.state().equals("open")) {
                throw new TopUpRefused("deployment " + deployment.dseq() + " is " + view.state());
            }
            long amount = view.topUpFor(keep);
            if (amount == 0) {
                break;
            }
            VyomaClient.TxOutcome out = chain.broadcast(
                    chain.sign(
                            tenant,
                            List.of(new Msg.DepositDeployment(
                                    tenant.address(), deployment, new Coin(view.denom(), amount))),
                            ""),
                    true);
            if (!out.ok()) {
                throw new TopUpRefused("the top-up of " + amount + view.denom() + " was refused: " + out.log());
            }
            total = Math.addExact(total, amount);
            landedAt = out.height();
            view = read(chain, deployment);
            if (!view.paying() || view.runOutHeight() - out.height() >= view.blocksFor(keep)) {
                break;
            }
        }
        return new TopUp(total, landedAt, view);
    }

    private static EscrowView read(VyomaClient chain, DeploymentId deployment) {
        return EscrowView.read(chain, deployment)
                .orElseThrow(() -> new TopUpRefused(
                        "deployment " + deployment.owner() + "/" + deployment.dseq() + " has no escrow account"));
    }
}
