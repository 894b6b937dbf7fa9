package dev.vyoma.benchmarks;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Invariants;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.ledger.crypto.Signature;
import dev.vyoma.ledger.deployment.Deployment;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DeploymentState;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.deployment.GroupState;
import dev.vyoma.ledger.escrow.AccountState;
import dev.vyoma.ledger.escrow.Depositor;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.escrow.Payment;
import dev.vyoma.ledger.escrow.PaymentState;
import dev.vyoma.ledger.machine.Escrow;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.Bid;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.Lease;
import dev.vyoma.ledger.market.LeaseState;
import dev.vyoma.ledger.market.Order;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.market.OrderState;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A deterministic marketplace workload shared by the ledger benchmarks: a fixed set of funded tenants and
 * providers, and a model of the chain (the active leases, the deployments waiting for bids, the orders
 * waiting for a lease, every signer's next sequence) from which it writes blocks whose transactions all
 * succeed when the blocks are applied in order. Each deployment goes through the life Akash deployments
 * have: {@code CreateDeployment} (one group of one service priced at 100uusd per block, 5,000,000uusd
 * deposit), one block later {@code CreateBid} from {@link Mix#bidsPerOrder} distinct providers at
 * fractional prices, one block later {@code CreateLease} on the cheapest bid (the others are lost and
 * refunded), then {@code WithdrawLease} by its provider and finally {@code CloseDeployment} by its tenant,
 * both on leases picked at random among all active leases; bank {@code Send}s between random tenants
 * complete the mix. A block's messages are shuffled before sequences are assigned, so kinds interleave.
 * Transactions are signed with the parties' real Ed25519 keys, or, when the benchmark passes verdicts
 * itself, all carry one dummy signature. The model can also write active leases straight into the ledger's
 * tables ({@link #writeLeasesDirectly}), exactly as the transaction handlers would have left them.
 */
final class LedgerWorkload {
    static final String CHAIN_ID = "vyoma-bench-1";
    static final long GENESIS_MILLIS = 1_700_000_000_000L;
    static final long BLOCK_MILLIS = 6_000;
    static final long DEPLOYMENT_DEPOSIT = 5_000_000;
    static final Coin BID_DEPOSIT = new Coin("uvyo", 500_000);
    static final Coin MAX_FEE = new Coin("uvyo", 100_000);
    static final long GENESIS_COINS = 10_000_000_000_000L;
    /** Bid prices per block; the order's maximum is 100uusd. */
    static final String[] BID_PRICES = {"87.5", "91.333333333333333333", "93.25", "99.000000000000000001"};

    /**
     * The messages of one block: {@code sends}, {@code deployments} new deployments (and as many leases and
     * {@code bidsPerOrder} times as many bids for the deployments of the two blocks before),
     * {@code withdrawals} and {@code closes}.
     */
    record Mix(int sends, int deployments, int bidsPerOrder, int withdrawals, int closes) {
        int size() {
            return sends + deployments * (2 + bidsPerOrder) + withdrawals + closes;
        }

        Mix times(int k) {
            return new Mix(sends * k, deployments * k, bidsPerOrder, withdrawals * k, closes * k);
        }

        @Override
        public String toString() {
            return "%d txs: %d Send, %d CreateDeployment, %d CreateBid, %d CreateLease, %d WithdrawLease, %d CloseDeployment"
                    .formatted(
                            size(), sends, deployments, deployments * bidsPerOrder, deployments, withdrawals, closes);
        }
    }

    /** 500 transactions: 20% sends, 10% deployments, 20% bids, 10% leases, 30% withdrawals, 10% closes. */
    static final Mix MIX_500 = new Mix(100, 50, 2, 150, 50);

    /** An account with its keys and the sequence of its next transaction. */
    static final class Party {
        final KeyPair keys;
        final PublicKey publicKey;
        final Address address;
        long sequence;

        Party(String name) {
            keys = KeyPair.fromSeed(Arrays.copyOf(("bench:" + name).getBytes(StandardCharsets.UTF_8), 32));
            publicKey = keys.publicKey();
            address = keys.address();
        }
    }

    record Live(BidId lease, Party tenant, Party provider) {}

    private record Created(DeploymentId id, Party tenant) {}

    private record Bidded(OrderId order, Party tenant, Party winner) {}

    private record Pending(Party signer, Msg msg) {}

    final Party[] tenants;
    final Party[] providers;
    final boolean sign;
    final Address proposer;
    private final Signature dummySignature = new Signature(new byte[Signature.LENGTH_BYTES]);
    private final SplittableRandom random;
    private final List<GroupSpec> groups;
    private final String versionHex;
    private final DecCoin[] bidPrices;
    private final ArrayList<Live> active = new ArrayList<>();
    private List<Created> created = new ArrayList<>();
    private List<Bidded> bidded = new ArrayList<>();
    private long nextDseq = 1;
    private long nextHeight = 1;

    LedgerWorkload(int tenantCount, int providerCount, boolean sign, long seed) {
        this.sign = sign;
        this.random = new SplittableRandom(seed);
        tenants = IntStream.range(0, tenantCount)
                .parallel()
                .mapToObj(i -> new Party("tenant-" + i))
                .toArray(Party[]::new);
        providers = IntStream.range(0, providerCount)
                .parallel()
                .mapToObj(i -> new Party("provider-" + i))
                .toArray(Party[]::new);
        proposer = new Party("validator").address;
        SdlDocument doc = Sdl.parse(SDL, "bench.yaml").document();
        groups = doc.groups();
        versionHex = doc.manifestVersion().hex();
        bidPrices = Arrays.stream(BID_PRICES)
                .map(p -> new DecCoin("uusd", new BigDecimal(p)))
                .toArray(DecCoin[]::new);
    }

    /** Every tenant holds uusd and uvyo, every provider uvyo. */
    Genesis genesis() {
        List<Genesis.Allocation> allocations = new ArrayList<>();
        for (Party t : tenants) {
            allocations.add(new Genesis.Allocation(
                    t.address, List.of(new Coin("uusd", GENESIS_COINS), new Coin("uvyo", GENESIS_COINS))));
        }
        for (Party p : providers) {
            allocations.add(new Genesis.Allocation(p.address, List.of(new Coin("uvyo", GENESIS_COINS))));
        }
        return new Genesis(CHAIN_ID, GENESIS_MILLIS, Params.defaults(), allocations);
    }

    /** Active leases in the model. */
    int activeLeases() {
        return active.size();
    }

    /** The first block: every provider registers. */
    Block providersBlock() {
        List<Pending> msgs = new ArrayList<>();
        for (int i = 0; i < providers.length; i++) {
            Party p = providers[i];
            msgs.add(new Pending(
                    p,
                    new Msg.CreateProvider(
                            p.address, "https://provider-" + i + ".example.com:8443", List.of(), "", "")));
        }
        return seal(msgs);
    }

    /**
     * A block that brings the model towards {@code target} active leases, creating at most {@code perBlock}
     * deployments (one bid each); null once the target is reached and nothing is in the pipeline.
     */
    Block fillBlock(int target, int perBlock) {
        int pipeline = created.size() + bidded.size();
        if (pipeline == 0 && active.size() >= target) {
            return null;
        }
        int creates = Math.max(0, Math.min(perBlock, target - active.size() - pipeline));
        return next(new Mix(0, creates, 1, 0, 0));
    }

    /** The next block of {@code mix}; it has {@code mix.size()} transactions once the pipeline is primed. */
    Block next(Mix mix) {
        List<Pending> out = new ArrayList<>(mix.size());
        int n = active.size();
        if (n < mix.closes() + mix.withdrawals()) {
            throw new IllegalStateException("only " + n + " active leases for " + mix);
        }
        // Closes: a random sample moved to the end of the list, then cut off.
        for (int i = 0; i < mix.closes(); i++) {
            Collections.swap(active, random.nextInt(n - i), n - 1 - i);
        }
        List<Live> closing = new ArrayList<>(active.subList(n - mix.closes(), n));
        active.subList(n - mix.closes(), n).clear();
        for (Live l : closing) {
            out.add(new Pending(l.tenant(), new Msg.CloseDeployment(l.lease().deployment())));
        }
        // Withdrawals: a random sample of the rest, distinct.
        int m = active.size();
        for (int i = 0; i < mix.withdrawals(); i++) {
            Collections.swap(active, i, i + random.nextInt(m - i));
            Live l = active.get(i);
            out.add(new Pending(l.provider(), new Msg.WithdrawLease(l.lease())));
        }
        // Leases on the orders bid on in the last block.
        List<Live> leased = new ArrayList<>(bidded.size());
        for (Bidded b : bidded) {
            BidId id = new BidId(b.order(), b.winner().address);
            out.add(new Pending(b.tenant(), new Msg.CreateLease(id)));
            leased.add(new Live(id, b.tenant(), b.winner()));
        }
        // Bids on the deployments created in the last block.
        List<Bidded> nextBidded = new ArrayList<>(created.size());
        for (Created c : created) {
            OrderId order = new OrderId(new GroupId(c.id(), 1), 1);
            Party[] bidders = distinctProviders(mix.bidsPerOrder());
            Party winner = null;
            DecCoin best = null;
            for (Party p : bidders) {
                DecCoin price = bidPrices[random.nextInt(bidPrices.length)];
                out.add(new Pending(p, new Msg.CreateBid(order, p.address, price, BID_DEPOSIT)));
                if (best == null || price.amount().compareTo(best.amount()) < 0) {
                    best = price;
                    winner = p;
                }
            }
            nextBidded.add(new Bidded(order, c.tenant(), winner));
        }
        // New deployments.
        List<Created> nextCreated = new ArrayList<>(mix.deployments());
        for (int i = 0; i < mix.deployments(); i++) {
            Party t = tenants[random.nextInt(tenants.length)];
            DeploymentId id = new DeploymentId(t.address, nextDseq++);
            out.add(new Pending(
                    t, new Msg.CreateDeployment(id, groups, versionHex, new Coin("uusd", DEPLOYMENT_DEPOSIT))));
            nextCreated.add(new Created(id, t));
        }
        for (int i = 0; i < mix.sends(); i++) {
            int a = random.nextInt(tenants.length);
            int b = (a + 1 + random.nextInt(tenants.length - 1)) % tenants.length;
            out.add(new Pending(
                    tenants[a],
                    new Msg.Send(
                            tenants[a].address, tenants[b].address, new Coin("uvyo", 1_000 + random.nextInt(1_000)))));
        }
        active.addAll(leased);
        created = nextCreated;
        bidded = nextBidded;
        Collections.shuffle(out, random);
        return seal(out);
    }

    private Party[] distinctProviders(int k) {
        if (k > providers.length) {
            throw new IllegalArgumentException(k + " bids per order but only " + providers.length + " providers");
        }
        Party[] out = new Party[k];
        for (int i = 0; i < k; i++) {
            Party p;
            do {
                p = providers[random.nextInt(providers.length)];
            } while (contains(out, i, p));
            out[i] = p;
        }
        return out;
    }

    private static boolean contains(Party[] a, int n, Party p) {
        for (int i = 0; i < n; i++) {
            if (a[i] == p) {
                return true;
            }
        }
        return false;
    }

    /** Assigns sequences in block order, signs (in parallel) and makes the block. */
    private Block seal(List<Pending> msgs) {
        Tx[] txs = new Tx[msgs.size()];
        for (int i = 0; i < txs.length; i++) {
            Pending p = msgs.get(i);
            txs[i] = new Tx(CHAIN_ID, p.signer().publicKey, p.signer().sequence++, MAX_FEE, List.of(p.msg()), "");
        }
        SignedTx[] signed = new SignedTx[txs.length];
        IntStream.range(0, txs.length).parallel().forEach(i -> {
            Signature s =
                    sign ? Ed25519.sign(msgs.get(i).signer().keys.privateKey(), txs[i].signBytes()) : dummySignature;
            signed[i] = new SignedTx(txs[i], s);
        });
        long h = nextHeight++;
        return new Block(h, GENESIS_MILLIS + h * BLOCK_MILLIS, proposer, Arrays.asList(signed));
    }

    /**
     * Writes {@code count} active leases into the ledger's tables at its current height, as {@code
     * CreateDeployment}, {@code CreateBid} and {@code CreateLease} would have (one bid per order, the escrow
     * settled at this height, the deposits taken from the balances; the run-out and provider indexes follow
     * the tables by themselves), folds them into the commitment in chunks of 1,000 leases, and checks the
     * ledger's invariants.
     */
    void writeLeasesDirectly(Ledger ledger, int count) {
        if (!created.isEmpty() || !bidded.isEmpty()) {
            throw new IllegalStateException("write leases directly before any deployment is in the pipeline");
        }
        LedgerState s = ledger.state();
        long h = s.meta().height();
        GroupSpec spec = groups.get(0);
        DecCoin maxPrice = spec.price();
        BigDecimal deposit = Escrow.dec(DEPLOYMENT_DEPOSIT);
        BigDecimal zero = BigDecimal.ZERO.setScale(Escrow.SCALE);
        Map<Address, Map<String, Long>> spent = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            Party t = tenants[i % tenants.length];
            Party p = providers[random.nextInt(providers.length)];
            DecCoin price = bidPrices[random.nextInt(bidPrices.length)];
            DeploymentId id = new DeploymentId(t.address, nextDseq++);
            GroupId gid = new GroupId(id, 1);
            OrderId oid = new OrderId(gid, 1);
            BidId bid = new BidId(oid, p.address);
            long blocks =
                    deposit.divide(price.amount(), 0, RoundingMode.CEILING).longValueExact();
            long runOut = Math.max(h + blocks, h + 1);
            s.escrow.put(
                    id,
                    new EscrowAccount(
                            id,
                            t.address,
                            AccountState.OPEN,
                            "uusd",
                            deposit,
                            List.of(new Depositor(t.address, deposit)),
                            h,
                            price.amount(),
                            runOut));
            s.deployments.put(id, new Deployment(id, DeploymentState.ACTIVE, versionHex, h, 0, null));
            s.groups.put(gid, new Group(gid, GroupState.OPEN, spec, h));
            s.orders.put(oid, new Order(oid, OrderState.ACTIVE, maxPrice, h));
            s.bids.put(bid, new Bid(bid, BidState.ACTIVE, price, BID_DEPOSIT, h, 0, null));
            s.leases.put(bid, new Lease(bid, LeaseState.ACTIVE, price, h, 0, null));
            s.payments.put(bid, new Payment(bid, PaymentState.OPEN, price.amount(), zero, 0));
            spent.computeIfAbsent(t.address, a -> new TreeMap<>()).merge("uusd", DEPLOYMENT_DEPOSIT, Long::sum);
            spent.computeIfAbsent(p.address, a -> new TreeMap<>())
                    .merge(BID_DEPOSIT.denom(), BID_DEPOSIT.amount(), Long::sum);
            active.add(new Live(bid, t, p));
            // Fold in chunks about the size of one block's writes, as blocks of transactions would.
            if ((i + 1) % 1_000 == 0) {
                s.store.finishBlock();
            }
        }
        for (Map.Entry<Address, Map<String, Long>> e : spent.entrySet()) {
            Account a = s.accounts.get(e.getKey());
            for (Map.Entry<String, Long> d : e.getValue().entrySet()) {
                a = a.withBalance(d.getKey(), a.balance(d.getKey()) - d.getValue());
            }
            s.accounts.put(e.getKey(), a);
        }
        s.store.finishBlock();
        Invariants.verify(s);
    }

    /** Counts of applied and failed transactions per message kind. */
    static final class Tally {
        private final Map<String, long[]> byKind = new TreeMap<>();
        long ok;
        long failed;
        String firstFailure;

        void add(Block block, BlockResult result) {
            for (int i = 0; i < block.txs().size(); i++) {
                TxResult r = result.txs().get(i);
                String kind = block.txs().get(i).tx().msgs().get(0).kind();
                long[] c = byKind.computeIfAbsent(kind, k -> new long[2]);
                if (r.ok()) {
                    ok++;
                    c[0]++;
                } else {
                    failed++;
                    c[1]++;
                    if (firstFailure == null) {
                        firstFailure = kind + ": " + r.code() + " " + r.log();
                    }
                }
            }
        }

        /** Fails unless at least {@code share} of the transactions succeeded. */
        void require(double share) {
            if (ok < share * (ok + failed)) {
                throw new IllegalStateException(
                        "only " + ok + " of " + (ok + failed) + " transactions succeeded; first: " + firstFailure);
            }
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append(ok).append(" ok, ").append(failed).append(" failed");
            byKind.forEach((k, c) -> b.append("; ")
                    .append(k)
                    .append(' ')
                    .append(c[0])
                    .append('/')
                    .append(c[0] + c[1]));
            if (firstFailure != null) {
                b.append("; first failure: ").append(firstFailure);
            }
            return b.toString();
        }
    }

    /** One group, one service, 100uusd per block. */
    private static final String SDL = """
            version: "2.0"
            services:
              web:
                image: nginx:1.27
                expose:
                  - port: 80
                    to:
                      - global: true
            profiles:
              compute:
                web:
                  resources:
                    cpu: {units: 1}
                    memory: {size: 512Mi}
                    storage: {size: 1Gi}
              placement:
                dc:
                  pricing:
                    web: {denom: uusd, amount: 100}
            deployment:
              web:
                dc: {profile: web, count: 1}
            """;
}
