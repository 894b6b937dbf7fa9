package dev.vyoma.client;

import dev.vyoma.ledger.deployment.DeploymentId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A deployment's escrow as a tenant reads it at one height: what is left, what its leases burn per block, and the
 * height at which the ledger closes it for want of funds (the ledger's own run-out height, not an estimate). Only
 * the date of that height is estimated, from the chain's block interval.
 *
 * @param state {@code open}, {@code closed} or {@code exhausted} (closed by the network at its run-out height)
 * @param height the height the balance is projected to (the chain's latest when read)
 * @param heightTime the time of the block at {@code height}
 * @param balance unspent funds at {@code height}, in micro-units with 18 decimals
 * @param ratePerBlock what the open leases take per block together
 * @param runOutHeight the block at which the funds run out and the deployment closes; 0 when nothing pays from it
 */
public record EscrowView(
        DeploymentId deployment,
        String state,
        String denom,
        long height,
        Instant heightTime,
        Duration blockInterval,
        BigDecimal balance,
        BigDecimal ratePerBlock,
        long runOutHeight) {
    private static final Duration DAY = Duration.ofDays(1);

    /** Reads the deployment's escrow at the chain's latest height; empty if the deployment has no escrow account. */
    public static java.util.Optional<EscrowView> read(VyomaClient chain, DeploymentId id) {
        JsonNode status = chain.getJson("/v1/status").orElseThrow();
        long height = status.path("height").asLong();
        long intervalMillis = status.path("blockIntervalMillis").asLong(0);
        if (intervalMillis <= 0) {
            throw new VyomaClient.NodeException(
                    0, null, "the node does not say its block interval (/v1/status blockIntervalMillis); upgrade it");
        }
        Instant time;
        try {
            time = Instant.parse(status.path("latestBlockTime").asString());
        } catch (RuntimeException e) {
            throw new VyomaClient.NodeException(0, null, "the node's latestBlockTime is not a time");
        }
        // The same height for every figure: the account projected to the block just read.
        return chain.getJson("/v1/escrow/" + id + "?height=" + height).map(a -> {
            String state = a.path("state").asString();
            if (!state.equals("open") && !state.equals("closed") && !state.equals("exhausted")) {
                throw new VyomaClient.NodeException(0, null, "unknown escrow state from the node: " + state);
            }
            return new EscrowView(
                    id,
                    state,
                    a.path("denom").asString(),
                    height,
                    time,
                    Duration.ofMillis(intervalMillis),
                    amount(a, "funds"),
                    amount(a, "totalRate"),
                    Math.max(0, a.path("runOutHeight").asLong()));
        });
    }

    /** A non-negative decimal of at most 18 places, as the node writes amounts, or a NodeException. */
    private static BigDecimal amount(JsonNode account, String field) {
        String text = account.path(field).asString("");
        try {
            BigDecimal v = new BigDecimal(text);
            if (v.signum() < 0 || v.scale() > dev.vyoma.ledger.machine.Escrow.SCALE || v.precision() > 40) {
                throw new NumberFormatException();
            }
            return v.setScale(dev.vyoma.ledger.machine.Escrow.SCALE);
        } catch (NumberFormatException e) {
            throw new VyomaClient.NodeException(0, null, "the node's escrow " + field + " is not an amount: " + text);
        }
    }

    /** Whether leases pay from the account, so that it has a run-out height. */
    public boolean paying() {
        return state.equals("open") && ratePerBlock.signum() > 0 && runOutHeight > 0;
    }

    /** Blocks from {@code height} to the run-out height (0 when nothing pays from it). */
    public long blocksLeft() {
        return paying() ? Math.max(0, runOutHeight - height) : 0;
    }

    /** The estimated time of the run-out block: the block at {@code height} plus the blocks left at the interval. */
    public Instant runOutTime() {
        return heightTime.plus(blockInterval.multipliedBy(blocksLeft()));
    }

    /** What the leases take in a day at the chain's block interval. */
    public BigDecimal perDay() {
        return ratePerBlock
                .multiply(BigDecimal.valueOf(DAY.toMillis()))
                .divide(
                        BigDecimal.valueOf(blockInterval.toMillis()),
                        dev.vyoma.ledger.machine.Escrow.SCALE,
                        RoundingMode.HALF_EVEN);
    }

    /** The whole blocks that cover {@code d} at the chain's block interval (rounded up). */
    public long blocksFor(Duration d) {
        long ms = blockInterval.toMillis();
        return Math.ceilDiv(d.toMillis(), ms);
    }

    /**
     * The micro-units to deposit now so that the run-out height is at least {@code keep} after the next block,
     * the first one a deposit can land in; 0 when it is already that far, or when nothing pays from the account.
     * The ledger's run-out height is {@code height + ceil(funds / rate)}, so funds of {@code rate × (blocks + 1)}
     * put it exactly {@code blocks} after the next block.
     */
    public long topUpFor(Duration keep) {
        if (!paying()) {
            return 0;
        }
        long blocks = Math.addExact(blocksFor(keep), 1);
        BigDecimal needed = ratePerBlock.multiply(BigDecimal.valueOf(blocks)).subtract(balance);
        if (needed.signum() <= 0) {
            return 0;
        }
        return needed.setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
