package dev.vyoma.ledger;

import dev.vyoma.ledger.audit.AuditKey;
import dev.vyoma.ledger.audit.AuditedAttributes;
import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.bank.BalanceKey;
import dev.vyoma.ledger.cert.Certificate;
import dev.vyoma.ledger.cert.CertificateId;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.escrow.Payment;
import dev.vyoma.ledger.escrow.RunOutKey;
import dev.vyoma.ledger.market.Bid;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.Lease;
import dev.vyoma.ledger.market.Order;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.provider.Provider;
import dev.vyoma.ledger.state.StateStore;
import dev.vyoma.ledger.state.Table;

/** Every table of the ledger state, created in one place so the set of tables is explicit. */
public final class LedgerState {
    /** Chain-wide values that are not entities: the chain id, the last height, the supply per denom. */
    public record Meta(String chainId, long height, long timeMillis, String blockHashHex) {}

    /** Index key: an active lease of a provider. */
    public record ProviderLease(Address provider, BidId lease) implements Comparable<ProviderLease> {
        @Override
        public int compareTo(ProviderLease o) {
            int c = provider.compareTo(o.provider);
            return c != 0 ? c : lease.compareTo(o.lease);
        }
    }

    public final StateStore store = new StateStore();
    public final Table<String, Meta> meta = store.table("meta", String.class, Meta.class);
    public final Table<String, Params> params = store.table("params", String.class, Params.class);
    public final Table<String, Long> supply = store.table("supply", String.class, Long.class);
    public final Table<String, Long> fees = store.table("fees", String.class, Long.class);
    public final Table<Address, Account> accounts = store.table("accounts", Address.class, Account.class);
    public final Table<BalanceKey, Long> balances = store.table("balances", BalanceKey.class, Long.class);
    public final Table<Address, Provider> providers = store.table("providers", Address.class, Provider.class);
    public final Table<AuditKey, AuditedAttributes> audits =
            store.table("audits", AuditKey.class, AuditedAttributes.class);
    public final Table<CertificateId, Certificate> certificates =
            store.table("certificates", CertificateId.class, Certificate.class);
    public final Table<DeploymentId, Deployment> deployments =
            store.table("deployments", DeploymentId.class, Deployment.class);
    public final Table<GroupId, Group> groups = store.table("groups", GroupId.class, Group.class);
    public final Table<OrderId, Order> orders = store.table("orders", OrderId.class, Order.class);
    public final Table<OrderId, Boolean> openOrders = store.table("open_orders", OrderId.class, Boolean.class);
    public final Table<BidId, Bid> bids = store.table("bids", BidId.class, Bid.class);
    public final Table<BidId, Lease> leases = store.table("leases", BidId.class, Lease.class);
    public final Table<ProviderLease, Boolean> activeLeasesByProvider =
            store.table("active_leases_by_provider", ProviderLease.class, Boolean.class);
    public final Table<DeploymentId, EscrowAccount> escrow =
            store.table("escrow_accounts", DeploymentId.class, EscrowAccount.class);
    public final Table<BidId, Payment> payments = store.table("escrow_payments", BidId.class, Payment.class);
    public final Table<RunOutKey, Boolean> runOuts = store.table("escrow_run_outs", RunOutKey.class, Boolean.class);

    /** The parameters. */
    public Params params() {
        return params.get("params");
    }

    /** Chain id, height and last block hash. */
    public Meta meta() {
        return meta.get("chain");
    }
}
