package dev.vyoma.ledger.event;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.CloseReason;
import dev.vyoma.ledger.cert.CertificateId;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.sdl.spec.DecCoin;

/**
 * Everything that happened in a block, as typed records. Providers follow {@link OrderCreated} to bid
 * and {@link LeaseCreated}/{@link LeaseClosed} to run and stop workloads; the statistics indexer reads
 * them all. Unlike Akash, every close carries its reason and lost bids and escrow movements are events.
 */
public sealed interface Event {
    record Transfer(Address from, Address to, Coin amount) implements Event {}

    record FeePaid(Address payer, Coin amount) implements Event {}

    record ProviderCreated(Address owner) implements Event {}

    record ProviderUpdated(Address owner) implements Event {}

    record ProviderDeleted(Address owner) implements Event {}

    record ProviderAttributesSigned(Address provider, Address auditor) implements Event {}

    record ProviderAttributesDeleted(Address provider, Address auditor) implements Event {}

    record CertificateCreated(CertificateId id) implements Event {}

    record CertificateRevoked(CertificateId id) implements Event {}

    record DeploymentCreated(DeploymentId id, String versionHex) implements Event {}

    record DeploymentUpdated(DeploymentId id, String versionHex) implements Event {}

    record DeploymentClosed(DeploymentId id, CloseReason reason) implements Event {}

    record GroupPaused(GroupId id) implements Event {}

    record GroupStarted(GroupId id) implements Event {}

    record GroupClosed(GroupId id, CloseReason reason) implements Event {}

    record OrderCreated(OrderId id, DecCoin maxPrice) implements Event {}

    record OrderClosed(OrderId id) implements Event {}

    record BidCreated(BidId id, DecCoin price) implements Event {}

    record BidClosed(BidId id, CloseReason reason) implements Event {}

    record BidLost(BidId id) implements Event {}

    record LeaseCreated(BidId id, DecCoin price) implements Event {}

    record LeaseClosed(BidId id, CloseReason reason) implements Event {}

    /** Funds added to a deployment's escrow. */
    record EscrowDeposit(DeploymentId account, Address depositor, Coin amount) implements Event {}

    /** Whole micro-units paid from a lease's accrued balance to its provider. */
    record EscrowPayment(BidId lease, Address provider, Coin amount) implements Event {}

    /** Unspent escrow returned to a depositor when the account closed. */
    record EscrowRefund(DeploymentId account, Address depositor, Coin amount) implements Event {}

    /** A bid deposit returned to its provider. */
    record BidDepositRefund(BidId bid, Coin amount) implements Event {}

    /** A deposit grant given or replaced; {@code expiresAtMillis} 0 means it does not expire. */
    record DepositGrantCreated(Address granter, Address grantee, Coin spendLimit, long expiresAtMillis)
            implements Event {}

    /** A deposit grant revoked by its granter. */
    record DepositGrantRevoked(Address granter, Address grantee) implements Event {}

    /** A deposit drawn from a grant into a deployment's escrow, and what the grant has left. */
    record DepositGrantSpent(
            Address granter, Address grantee, DeploymentId deployment, Coin amount, long remainingMicro)
            implements Event {}

    /** An inference account opened (or opened again after a close). */
    record InferenceAccountOpened(InferenceAccountId id) implements Event {}

    /** Coins moved from the owner into an inference account. */
    record InferenceDeposit(InferenceAccountId id, Coin amount) implements Event {}

    /** One account's part of a gateway's batch: whole micro-units paid and the exact cost they settle. */
    record InferenceCharged(InferenceAccountId id, long batch, Coin paid, long costPico) implements Event {}

    /** A gateway's batch settled: how many accounts it charged and what it was paid in all. */
    record InferenceBatchSettled(Address gateway, long batch, int accounts, Coin paid) implements Event {}

    /** An inference account closed; its balance went back to the owner. */
    record InferenceAccountClosed(InferenceAccountId id, Coin refund) implements Event {}
}
