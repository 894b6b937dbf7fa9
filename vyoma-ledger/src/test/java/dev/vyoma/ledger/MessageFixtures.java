package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.state.Table;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.Gpu;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.sdl.spec.PlacementRequirements;
import dev.vyoma.sdl.spec.ResourceUnit;
import dev.vyoma.sdl.spec.Resources;
import dev.vyoma.sdl.spec.SignedBy;
import dev.vyoma.sdl.spec.Volume;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Helpers shared by the per-module message tests: funded chains, whole-state snapshots to prove that a
 * rejected transaction changed nothing but the fee and the sequence, and builders for providers,
 * deployments, bids and group specs.
 */
final class MessageFixtures {
    static final String USD = "uusd";
    static final String VYO = "uvyo";
    /** What every named account holds of each denomination at genesis. */
    static final long FUNDS = 100_000_000L;
    /** The default deployment deposit of {@link #deploy}. */
    static final long DEPOSIT = 5_000_000L;
    /** The minimum (and default) bid deposit, in uvyo. */
    static final long BID_DEPOSIT = 500_000L;
    /** A valid manifest version other than the test SDL's. */
    static final String OTHER_VERSION = "ab".repeat(32);

    private MessageFixtures() {}

    // ----- chains and fees -----

    /** A chain where every name holds {@link #FUNDS} uusd and uvyo. */
    static TestChain chain(String... names) {
        Map<String, List<Coin>> funded = new LinkedHashMap<>();
        for (String n : names) {
            funded.put(n, List.of(new Coin(USD, FUNDS), new Coin(VYO, FUNDS)));
        }
        return new TestChain(funded);
    }

    /** A chain with explicit allocations. */
    static TestChain chain(Map<String, List<Coin>> funded) {
        return new TestChain(funded);
    }

    /** The fee the default params charge for these messages. */
    static long fee(Msg... msgs) {
        Params p = Params.defaults();
        return Arrays.stream(msgs).mapToLong(m -> p.feeFor(m.kind())).sum();
    }

    static Coin usd(long amount) {
        return new Coin(USD, amount);
    }

    static Coin vyo(long amount) {
        return new Coin(VYO, amount);
    }

    static DecCoin price(String amount) {
        return new DecCoin(USD, new BigDecimal(amount));
    }

    static long sequence(TestChain c, String name) {
        Account a = c.ledger.state().accounts.get(c.addr(name));
        return a == null ? -1 : a.sequence();
    }

    // ----- state snapshots -----

    /** Every table of the state (except the chain meta row), copied. */
    static Map<String, NavigableMap<Object, Object>> snapshot(TestChain c) {
        LedgerState s = c.ledger.state();
        Map<String, NavigableMap<Object, Object>> out = new TreeMap<>();
        for (Field f : LedgerState.class.getFields()) {
            if (f.getType() != Table.class) {
                continue;
            }
            try {
                Table<?, ?> t = (Table<?, ?>) f.get(s);
                if (t.name().equals("meta")) {
                    continue;
                }
                NavigableMap<Object, Object> rows = new TreeMap<>();
                for (Map.Entry<?, ?> e : t.sorted()) {
                    rows.put(e.getKey(), e.getValue());
                }
                out.put(t.name(), rows);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    private static Map<String, NavigableMap<Object, Object>> copy(Map<String, NavigableMap<Object, Object>> s) {
        Map<String, NavigableMap<Object, Object>> out = new TreeMap<>();
        s.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
        return out;
    }

    /** Table by table, the state equals {@code expected}. */
    static void assertState(TestChain c, Map<String, NavigableMap<Object, Object>> expected) {
        Map<String, NavigableMap<Object, Object>> after = snapshot(c);
        assertThat(after.keySet()).isEqualTo(expected.keySet());
        for (String table : expected.keySet()) {
            assertThat(after.get(table)).as("table " + table).isEqualTo(expected.get(table));
        }
    }

    /** Nothing in the state changed since {@code before}. */
    static void assertUnchanged(TestChain c, Map<String, NavigableMap<Object, Object>> before) {
        assertState(c, before);
    }

    /** Since {@code before}, only {@code signer}'s fee was taken and its sequence moved by one. */
    static void assertOnlyFeeAndSequence(
            TestChain c, Map<String, NavigableMap<Object, Object>> before, String signer, long fee) {
        Map<String, NavigableMap<Object, Object>> expected = copy(before);
        Address a = c.addr(signer);
        Account acc = (Account) before.get("accounts").get(a);
        expected.get("accounts")
                .put(
                        a,
                        acc.withBalance(VYO, acc.balance(VYO) - fee)
                                .nextSequence(c.key(signer).publicKey()));
        expected.get("fees").put(VYO, (Long) before.get("fees").getOrDefault(VYO, 0L) + fee);
        assertState(c, expected);
    }

    // ----- rejections -----

    /**
     * Sends {@code msgs} from {@code signer} in one transaction and requires the message rejection
     * {@code code}: the fee was charged (and is the only event), the sequence moved, nothing else changed.
     */
    static TxResult rejectedCharged(TestChain c, String signer, ErrorCode code, Msg... msgs) {
        Map<String, NavigableMap<Object, Object>> before = snapshot(c);
        long seq = sequence(c, signer);
        TxResult r = c.rejected(c.tx(signer, msgs), code);
        assertThat(r.charged()).as("charged").isTrue();
        long fee = fee(msgs);
        assertThat(r.events()).containsExactly(new Event.FeePaid(c.addr(signer), vyo(fee)));
        assertThat(c.last.events()).containsExactly(new Event.FeePaid(c.addr(signer), vyo(fee)));
        assertThat(sequence(c, signer)).isEqualTo(seq + 1);
        assertOnlyFeeAndSequence(c, before, signer, fee);
        return r;
    }

    /**
     * Applies {@code tx} alone in a block and requires the admission rejection {@code code}: no fee, no
     * event, no sequence change, no state change at all. Re-syncs the chain's next sequence for the
     * signer from the ledger afterwards.
     */
    static TxResult rejectedAtAdmission(TestChain c, SignedTx tx, ErrorCode code) {
        Map<String, NavigableMap<Object, Object>> before = snapshot(c);
        TxResult r = c.block(tx).txs().get(0);
        assertThat(r.code()).as(r.log()).isEqualTo(code);
        assertThat(r.charged()).as("charged").isFalse();
        assertThat(r.events()).isEmpty();
        assertThat(c.last.events()).isEmpty();
        assertUnchanged(c, before);
        resync(c, tx.tx().signer().address());
        return r;
    }

    /** Sets the chain's next sequence for {@code a} to what the ledger expects. */
    static void resync(TestChain c, Address a) {
        Account acc = c.ledger.state().accounts.get(a);
        c.nextSequence.put(a, acc == null ? 0L : acc.sequence());
    }

    // ----- custom transactions -----

    /** A transaction with every envelope field chosen; it takes the chain's next sequence slot. */
    static SignedTx customTx(
            TestChain c, String signer, String chainId, long seq, Coin maxFee, String memo, Msg... msgs) {
        KeyPair k = c.key(signer);
        Tx tx = new Tx(chainId, k.publicKey(), seq, maxFee, List.of(msgs), memo);
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }

    /** The next sequence the chain helper would give {@code signer}. */
    static long nextSeq(TestChain c, String signer) {
        return c.nextSequence.getOrDefault(c.addr(signer), 0L);
    }

    // ----- market setup -----

    static Msg.CreateProvider createProvider(TestChain c, String name, Attribute... attrs) {
        return new Msg.CreateProvider(
                c.addr(name), "https://" + name + ".example.com:8443", List.of(attrs), "ops@example.com", "");
    }

    /** Registers {@code name} as a provider with these attributes. */
    static void provider(TestChain c, String name, Attribute... attrs) {
        c.ok(c.tx(name, createProvider(c, name, attrs)));
    }

    /** The one group spec of the test SDL, priced at {@code price} uusd per block. */
    static GroupSpec spec(String price) {
        return TestChain.sdl(price).groups().get(0);
    }

    static GroupSpec named(GroupSpec g, String name) {
        return new GroupSpec(name, g.requirements(), g.resources());
    }

    static GroupSpec withRequirements(GroupSpec g, SignedBy signedBy, Attribute... attrs) {
        return new GroupSpec(g.name(), new PlacementRequirements(signedBy, List.of(attrs)), g.resources());
    }

    static GroupSpec withGpu(GroupSpec g, long units, Attribute... attrs) {
        List<ResourceUnit> units2 = new ArrayList<>();
        for (ResourceUnit u : g.resources()) {
            Resources r = u.resources();
            units2.add(new ResourceUnit(
                    new Resources(
                            r.id(), r.cpu(), r.memory(), r.storage(), new Gpu(units, List.of(attrs)), r.endpoints()),
                    u.count(),
                    u.price()));
        }
        return new GroupSpec(g.name(), g.requirements(), units2);
    }

    static GroupSpec withVolumeAttributes(GroupSpec g, Attribute... attrs) {
        List<ResourceUnit> units2 = new ArrayList<>();
        for (ResourceUnit u : g.resources()) {
            Resources r = u.resources();
            List<Volume> vols = r.storage().stream()
                    .map(v -> new Volume(v.name(), v.bytes(), List.of(attrs)))
                    .toList();
            units2.add(new ResourceUnit(
                    new Resources(r.id(), r.cpu(), r.memory(), vols, r.gpu(), r.endpoints()), u.count(), u.price()));
        }
        return new GroupSpec(g.name(), g.requirements(), units2);
    }

    static GroupSpec withPriceDenom(GroupSpec g, String denom) {
        List<ResourceUnit> units2 = new ArrayList<>();
        for (ResourceUnit u : g.resources()) {
            units2.add(new ResourceUnit(
                    u.resources(), u.count(), new DecCoin(denom, u.price().amount())));
        }
        return new GroupSpec(g.name(), g.requirements(), units2);
    }

    /** The spec with every unit priced at {@code amount} (bypassing the SDL parser's own checks). */
    static GroupSpec withUnitPrice(GroupSpec g, String amount) {
        List<ResourceUnit> units2 = new ArrayList<>();
        for (ResourceUnit u : g.resources()) {
            units2.add(new ResourceUnit(
                    u.resources(), u.count(), new DecCoin(u.price().denom(), new BigDecimal(amount))));
        }
        return new GroupSpec(g.name(), g.requirements(), units2);
    }

    static Msg.CreateDeployment createDeployment(DeploymentId id, List<GroupSpec> groups, long deposit) {
        return new Msg.CreateDeployment(
                id, groups, TestChain.sdl("100").manifestVersion().hex(), usd(deposit));
    }

    /** Creates deployment {@code owner/dseq} with these groups and deposit. */
    static DeploymentId deploy(TestChain c, String owner, long dseq, List<GroupSpec> groups, long deposit) {
        DeploymentId id = new DeploymentId(c.addr(owner), dseq);
        c.ok(c.tx(owner, createDeployment(id, groups, deposit)));
        return id;
    }

    /** Creates deployment {@code owner/dseq}: one group priced 100uusd per block, deposit {@link #DEPOSIT}. */
    static DeploymentId deploy(TestChain c, String owner, long dseq) {
        return deploy(c, owner, dseq, List.of(spec("100")), DEPOSIT);
    }

    static GroupId group(DeploymentId d, int gseq) {
        return new GroupId(d, gseq);
    }

    static OrderId order(DeploymentId d, int gseq, int oseq) {
        return new OrderId(new GroupId(d, gseq), oseq);
    }

    /** Order 1 of group 1. */
    static OrderId order(DeploymentId d) {
        return order(d, 1, 1);
    }

    static Msg.CreateBid createBid(TestChain c, String provider, OrderId o, String price) {
        return new Msg.CreateBid(o, c.addr(provider), price(price), vyo(BID_DEPOSIT));
    }

    /** {@code provider} bids {@code price} with the minimum deposit. */
    static BidId bid(TestChain c, String provider, OrderId o, String price) {
        c.ok(c.tx(provider, createBid(c, provider, o, price)));
        return new BidId(o, c.addr(provider));
    }
}
