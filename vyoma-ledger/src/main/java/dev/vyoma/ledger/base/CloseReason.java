package dev.vyoma.ledger.base;

/**
 * Why a lease, bid or deployment closed, with Akash's lease-closed reason codes: 1 the tenant, 10000–19999
 * the provider (10000 unstable, 10001 decommission, 10002 unspecified, 10003 manifest timeout), 20000 the
 * network because the escrow ran out of funds. Vyoma adds two codes in the tenant's range (Akash's 0–9999,
 * where it records only 1) for a tenant that closes a lease because its provider failed it: 2 the provider
 * stopped answering, 3 the provider reported the lease failed. They are the tenant's claim, never a
 * provider's code, so a provider's own record (10000–19999) stays its own.
 */
public record CloseReason(int code) {
    public static final CloseReason TENANT = new CloseReason(1);
    /** The tenant closed the lease: its provider stopped answering for the tenant's grace period. */
    public static final CloseReason TENANT_PROVIDER_UNRESPONSIVE = new CloseReason(2);
    /** The tenant closed the lease: its provider reported the lease failed. */
    public static final CloseReason TENANT_PROVIDER_FAILED = new CloseReason(3);

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

    /** Whether a tenant may give this reason when it closes a lease for its provider's fault (2 or 3). */
    public boolean tenantBlamesProvider() {
        return code == 2 || code == 3;
    }

    /** A short name for people: {@code tenant}, {@code provider:manifest_timeout}, {@code insufficient_funds}. */
    public String label() {
        return switch (code) {
            case 1 -> "tenant";
            case 2 -> "tenant:provider_unresponsive";
            case 3 -> "tenant:provider_failed";
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
