package dev.vyoma.ledger.base;

/**
 * Why a transaction was rejected: a codespace and code (Akash's where one exists, so tools that know
 * Akash's errors read ours) and a default description. The rejection's own message says what to fix.
 */
public enum ErrorCode {
    // sdk: transaction admission
    TX_MALFORMED("sdk", 2, "transaction cannot be decoded"),
    UNAUTHORIZED("sdk", 4, "signature verification failed"),
    INSUFFICIENT_FUNDS("sdk", 5, "insufficient funds"),
    WRONG_SEQUENCE("sdk", 32, "wrong account sequence"),
    INSUFFICIENT_FEE("sdk", 13, "insufficient fee"),
    WRONG_CHAIN_ID("sdk", 34, "wrong chain id"),
    TX_TOO_LARGE("sdk", 21, "transaction too large"),
    TOO_MANY_MESSAGES("sdk", 41, "too many messages in one transaction"),
    INVALID_ADDRESS("sdk", 7, "invalid address"),
    INVALID_COINS("sdk", 10, "invalid coins"),
    WRONG_SIGNER("sdk", 8, "message signer differs from the transaction signer"),
    INVALID_REQUEST("sdk", 18, "invalid request"),
    TX_IN_MEMPOOL("sdk", 19, "tx already in mempool"),
    MEMPOOL_FULL("sdk", 20, "mempool is full"),

    // deployment
    DEPLOYMENT_EXISTS("deployment", 3, "deployment exists"),
    DEPLOYMENT_NOT_FOUND("deployment", 4, "deployment not found"),
    DEPLOYMENT_CLOSED("deployment", 5, "deployment closed"),
    INVALID_GROUPS("deployment", 7, "invalid groups"),
    INVALID_DEPLOYMENT_ID("deployment", 8, "invalid deployment id"),
    INVALID_HASH("deployment", 10, "invalid manifest hash"),
    GROUP_NOT_FOUND("deployment", 14, "group not found"),
    GROUP_CLOSED("deployment", 15, "group closed"),
    GROUP_OPEN("deployment", 16, "group open"),
    GROUP_PAUSED("deployment", 17, "group paused"),
    GROUP_SPEC_INVALID("deployment", 19, "group spec invalid"),
    INVALID_DEPOSIT("deployment", 20, "invalid deposit"),
    INVALID_PRICE("deployment", 24, "invalid price"),

    // market
    SAME_ACCOUNT("market", 2, "owner and provider are the same account"),
    ATTRIBUTE_MISMATCH("market", 5, "provider attributes do not meet the order's requirements"),
    UNKNOWN_BID("market", 6, "unknown bid"),
    UNKNOWN_LEASE("market", 7, "unknown lease"),
    LEASE_NOT_ACTIVE("market", 10, "lease not active"),
    BID_NOT_ACTIVE("market", 11, "bid not active"),
    BID_NOT_OPEN("market", 12, "bid not open"),
    ORDER_NOT_OPEN("market", 13, "order not open"),
    ORDER_NOT_FOUND("market", 15, "order not found"),
    BID_ZERO_PRICE("market", 19, "bid price is zero"),
    BID_EXISTS("market", 21, "bid exists"),
    BID_INVALID_PRICE("market", 22, "bid price above the order's maximum"),
    INVALID_BID_DEPOSIT("market", 28, "invalid bid deposit"),
    UNKNOWN_PROVIDER("market", 30, "unknown provider"),
    TOO_MANY_BIDS("market", 31, "too many bids on the order"),
    CAPABILITIES_MISMATCH("market", 32, "provider capabilities do not meet the order's resources"),
    INVALID_CLOSE_REASON("market", 33, "invalid lease close reason"),

    // escrow
    ACCOUNT_CLOSED("escrow", 2, "escrow account closed"),
    ACCOUNT_NOT_FOUND("escrow", 3, "escrow account not found"),
    INVALID_DENOMINATION("escrow", 5, "invalid denomination"),
    PAYMENT_CLOSED("escrow", 7, "escrow payment closed"),

    // authz: deposit grants (the codes of Cosmos' authz module)
    GRANT_NOT_FOUND("authz", 2, "deposit grant not found"),
    GRANT_EXPIRATION_INVALID("authz", 3, "grant expiry is not in the future"),
    GRANT_EXPIRED("authz", 6, "deposit grant expired"),
    GRANTEE_IS_GRANTER("authz", 7, "grantee and granter are the same account"),

    // provider
    PROVIDER_EXISTS("provider", 2, "provider exists"),
    PROVIDER_NOT_FOUND("provider", 3, "provider not found"),
    INVALID_PROVIDER("provider", 4, "invalid provider"),
    PROVIDER_HAS_LEASES("provider", 5, "provider has active leases"),

    // audit
    AUDIT_NOT_FOUND("audit", 1, "no attributes signed by this auditor for this provider"),
    AUDIT_ATTRIBUTE_NOT_FOUND("audit", 2, "attribute not found"),

    // cert
    CERT_EXISTS("cert", 1, "certificate exists"),
    CERT_NOT_FOUND("cert", 2, "certificate not found"),
    CERT_INVALID("cert", 3, "invalid certificate"),
    CERT_REVOKED("cert", 4, "certificate already revoked"),

    // inference
    INFERENCE_ACCOUNT_EXISTS("inference", 1, "inference account exists"),
    INFERENCE_ACCOUNT_NOT_FOUND("inference", 2, "inference account not found"),
    INFERENCE_ACCOUNT_CLOSED("inference", 3, "inference account closed"),
    INFERENCE_BATCH_OUT_OF_ORDER("inference", 4, "inference batch out of order"),
    INFERENCE_CHARGE_INVALID("inference", 5, "invalid inference charge");

    private final String codespace;
    private final int code;
    private final String description;

    ErrorCode(String codespace, int code, String description) {
        this.codespace = codespace;
        this.code = code;
        this.description = description;
    }

    public String codespace() {
        return codespace;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }
}
