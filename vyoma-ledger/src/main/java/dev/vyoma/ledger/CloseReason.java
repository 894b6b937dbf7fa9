package dev.vyoma.ledger;

/**
 * Why a lease, bid or deployment closed, with Akash's lease-closed reason codes: 1 the tenant, 10000–19999
 * the provider (10000 unstable, 10001 decommission, 10002 unspecified, 10003 manifest timeout), 20000 the
 * network because the escrow ran out of funds.
 */
public record CloseReason(int code) {
    public static final CloseReason TENANT = new CloseReason(1);
    public static final CloseReason PROVIDER_UNSTABLE = new CloseReason(10000);
    public static final CloseReason PROVIDER_DECOMMISSION = new CloseReason(10001);
    public static final CloseReason PROVIDER_UNSPECIFIED = new CloseReason(10002);
    public static final CloseReason PROVIDER_MANIFEST_TIMEOUT = new CloseReason(10003);
    public static final CloseReason INSUFFICIENT_FUNDS = new CloseReason(20000);
    /** A losing bid: another bid of the same order won the lease. */
    public static final CloseReason LOST = new CloseReason(30000);

    /** Whether a provider may give this reason (10000–19999). */
    public boolean byProvider() {
        return code >= 10000 && code <= 19999;
    }

    /** A short name for people: {@code tenant}, {@code provider:manifest_timeout}, {@code insufficient_funds}. */
    public String label() {
        return switch (code) {
            case 1 -> "tenant";
            case 10000 -> "provider:unstable";
            case 10001 -> "provider:decommission";
            case 10002 -> "provider:unspecified";
            case 10003 -> "provider:manifest_timeout";
            case 20000 -> "insufficient_funds";
            case 30000 -> "lost";
            default -> byProvider() ? "provider:" + code : "code:" + code;
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
