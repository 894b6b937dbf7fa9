package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.audit.AuditKey;
import dev.vyoma.ledger.audit.AuditedAttributes;
import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.cert.Certificate;
import dev.vyoma.ledger.cert.CertificateId;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DepositGrant;
import dev.vyoma.ledger.deployment.DepositGrantId;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.escrow.Payment;
import dev.vyoma.ledger.escrow.PaymentState;
import dev.vyoma.ledger.escrow.RunOutKey;
import dev.vyoma.ledger.inference.GatewaySettlement;
import dev.vyoma.ledger.inference.InferenceAccount;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.inference.InferenceChargeKey;
import dev.vyoma.ledger.inference.InferenceChargeRecord;
import dev.vyoma.ledger.market.Bid;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.Lease;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.Order;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.market.OrderState;
import dev.vyoma.ledger.provider.Provider;
import dev.vyoma.ledger.state.GroupedIndex;
import dev.vyoma.ledger.state.SortedIndex;
import dev.vyoma.ledger.state.StateStore;
import dev.vyoma.ledger.state.Table;

/** Every table of the ledger state, created in one place so the set of tables is explicit. */
public final class LedgerState {
    /** Chain-wide values that are not entities: the chain id, the last height, the supply per denom. */
    public record Meta(String chainId, long height, long timeMillis, String blockHashHex) {}

    public final StateStore store = new StateStore();
    public final Table<String, Meta> meta = store.table("meta", String.class, Meta.class);
    public final Table<String, Params> params = store.table("params", String.class, Params.class);
    public final Table<String, Long> supply = store.table("supply", String.class, Long.class);
    public final Table<String, Long> fees = store.table("fees", String.class, Long.class);
    public final Table<Address, Account> accounts = store.table("accounts", Address.class, Account.class);
    public final Table<Address, Provider> providers = store.table("providers", Address.class, Provider.class);
    public final Table<AuditKey, AuditedAttributes> audits =
            store.table("audits", AuditKey.class, AuditedAttributes.class);
    public final Table<CertificateId, Certificate> certificates =
            store.table("certificates", CertificateId.class, Certificate.class);
    public final Table<DeploymentId, Deployment> deployments =
            store.table("deployments", DeploymentId.class, Deployment.class);
    public final Table<GroupId, Group> groups = store.table("groups", GroupId.class, Group.class);
    public final Table<OrderId, Order> orders = store.table("orders", OrderId.class, Order.class);
    public final Table<BidId, Bid> bids = store.table("bids", BidId.class, Bid.class);
    public final Table<BidId, Lease> leases = store.table("leases", BidId.class, Lease.class);
    public final Table<DeploymentId, EscrowAccount> escrow =
            store.table("escrow_accounts", DeploymentId.class, EscrowAccount.class);
    public final Table<BidId, Payment> payments = store.table("escrow_payments", BidId.class, Payment.class);
    public final Table<DepositGrantId, DepositGrant> depositGrants =
            store.table("deposit_grants", DepositGrantId.class, DepositGrant.class);
    public final Table<InferenceAccountId, InferenceAccount> inferenceAccounts =
            store.table("inference_accounts", InferenceAccountId.class, InferenceAccount.class);
    public final Table<Address, GatewaySettlement> inferenceGateways =
            store.table("inference_gateways", Address.class, GatewaySettlement.class);
    public final Table<InferenceChargeKey, InferenceChargeRecord> inferenceCharges =
            store.table("inference_charges", InferenceChargeKey.class, InferenceChargeRecord.class);

    // Indexes: derived from the tables above and kept current by them; not committed, not in snapshots.
    // Each grouped index names an order hint that never decreases as keys grow within a group.

    /** The attributes auditors signed for a provider, by auditor. */
    public final GroupedIndex<AuditKey, AuditedAttributes, Address> auditsByProvider =
            audits.groupedIndex(AuditKey::provider, k -> k.auditor().orderPrefix(), v -> true);
    /** An owner's deployments, by dseq. */
    public final GroupedIndex<DeploymentId, Deployment, Address> deploymentsByOwner =
            deployments.groupedIndex(DeploymentId::owner, DeploymentId::dseq, v -> true);
    /** A deployment's groups, by gseq. */
    public final GroupedIndex<GroupId, Group, DeploymentId> groupsByDeployment =
            groups.groupedIndex(GroupId::deployment, GroupId::gseq, v -> true);
    /** A group's orders, oldest first. */
    public final GroupedIndex<OrderId, Order, GroupId> ordersByGroup =
            orders.groupedIndex(OrderId::group, OrderId::oseq, v -> true);
    /** Orders open for bids, in order id order. */
    public final SortedIndex<OrderId, Order, OrderId> openOrders = orders.sortedIndex(
            "open",
            (id, o) -> o.state() == OrderState.OPEN ? id : null,
            id -> id,
            id -> id.group().deployment().owner().orderPrefix());
    /** The bids on an order, by provider. */
    public final GroupedIndex<BidId, Bid, OrderId> bidsByOrder =
            bids.groupedIndex(BidId::order, k -> k.provider().orderPrefix(), v -> true);
    /** A provider's live bids: open, or active (leased). */
    public final GroupedIndex<BidId, Bid, Address> bidsByProvider = bids.groupedIndex(
            BidId::provider,
            k -> k.deployment().owner().orderPrefix(),
            b -> b.state() == BidState.OPEN || b.state() == BidState.ACTIVE);
    /** A tenant's leases. */
    public final GroupedIndex<BidId, Lease, Address> leasesByOwner = leases.groupedIndex(
            id -> id.deployment().owner(), id -> id.deployment().dseq(), v -> true);
    /** A provider's active leases. */
    public final GroupedIndex<BidId, Lease, Address> activeLeasesByProvider = leases.groupedIndex(
            BidId::provider, id -> id.deployment().owner().orderPrefix(), l -> l.state() == LeaseState.ACTIVE);
    /** A deployment's open payments, in lease order. */
    public final GroupedIndex<BidId, Payment, DeploymentId> openPaymentsByDeployment = payments.groupedIndex(
            BidId::deployment, id -> id.order().group().gseq(), p -> p.state() == PaymentState.OPEN);
    /**
     * Open escrow accounts that pay something, by the height at which their funds run out: the ledger
     * closes each at exactly that height without scanning the others.
     */
    public final SortedIndex<DeploymentId, EscrowAccount, RunOutKey> runOuts = escrow.sortedIndex(
            "run_outs",
            (id, a) -> a.runOutHeight() > 0 ? new RunOutKey(a.runOutHeight(), id) : null,
            RunOutKey::account,
            RunOutKey::orderHint);

    /** The deposit grants a granter has given, by grantee. */
    public final GroupedIndex<DepositGrantId, DepositGrant, Address> depositGrantsByGranter =
            depositGrants.groupedIndex(DepositGrantId::granter, k -> k.grantee().orderPrefix(), v -> true);
    /** The deposit grants a grantee may draw on, by granter. */
    public final GroupedIndex<DepositGrantId, DepositGrant, Address> depositGrantsByGrantee =
            depositGrants.groupedIndex(DepositGrantId::grantee, k -> k.granter().orderPrefix(), v -> true);

    /** The inference accounts a gateway may charge, by owner. */
    public final GroupedIndex<InferenceAccountId, InferenceAccount, Address> inferenceAccountsByGateway =
            inferenceAccounts.groupedIndex(
                    InferenceAccountId::gateway, k -> k.owner().orderPrefix(), v -> true);
    /** An owner's inference accounts, by gateway. */
    public final GroupedIndex<InferenceAccountId, InferenceAccount, Address> inferenceAccountsByOwner =
            inferenceAccounts.groupedIndex(
                    InferenceAccountId::owner, k -> k.gateway().orderPrefix(), v -> true);
    /** An inference account's settled charges, by batch. */
    public final GroupedIndex<InferenceChargeKey, InferenceChargeRecord, InferenceAccountId> inferenceChargesByAccount =
            inferenceCharges.groupedIndex(InferenceChargeKey::account, InferenceChargeKey::batch, v -> true);

    /** The parameters. */
    public Params params() {
        return params.get("params");
    }

    /** Chain id, height and last block hash. */
    public Meta meta() {
        return meta.get("chain");
    }
}
