package dev.vyoma.ledger.machine;

import java.util.List;
import java.util.Objects;

/**
 * The market's parameters, fixed in genesis: denominations, the fee per message kind, minimum deposits
 * and the limits every transaction and block must stay within.
 */
public record Params(
        String feeDenom,
        String depositDenom,
        String bidDepositDenom,
        long defaultFee,
        List<MsgFee> fees,
        long minDeploymentDeposit,
        long minBidDeposit,
        int maxBidsPerOrder,
        int maxTxBytes,
        int maxMsgsPerTx,
        int maxTxsPerBlock) {
    /** The fee for one message kind (a {@link dev.vyoma.ledger.tx.Msg} record's simple name). */
    public record MsgFee(String kind, long amount) {}

    public static final int MAX_BIDS_PER_ORDER = 20;
    public static final int MAX_TX_BYTES = 64 * 1024;
    public static final int MAX_MSGS_PER_TX = 16;
    public static final int MAX_TXS_PER_BLOCK = 10_000;

    public Params {
        Objects.requireNonNull(feeDenom, "feeDenom");
        Objects.requireNonNull(depositDenom, "depositDenom");
        Objects.requireNonNull(bidDepositDenom, "bidDepositDenom");
        fees = List.copyOf(fees);
    }

    /** Vyoma's devnet defaults: fees and bid deposits in uvyo, prices and deployment deposits in uusd. */
    public static Params defaults() {
        return new Params(
                "uvyo",
                "uusd",
                "uvyo",
                1_000,
                // A deployment costs the same whoever funds its deposit.
                List.of(
                        new MsgFee("CreateDeployment", 5_000),
                        new MsgFee("CreateDeploymentFromGrant", 5_000),
                        new MsgFee("CreateBid", 2_000)),
                500_000,
                500_000,
                MAX_BIDS_PER_ORDER,
                MAX_TX_BYTES,
                MAX_MSGS_PER_TX,
                MAX_TXS_PER_BLOCK);
    }

    /** The fee charged for one message of {@code kind}. */
    public long feeFor(String kind) {
        for (MsgFee f : fees) {
            if (f.kind().equals(kind)) {
                return f.amount();
            }
        }
        return defaultFee;
    }
}
