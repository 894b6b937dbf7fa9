package dev.vyoma.ledger.sim;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.cert.CertificateId;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.Signature;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DepositGrantId;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.inference.InferenceAccount;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.inference.InferenceAccountState;
import dev.vyoma.ledger.inference.InferenceCharge;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.Order;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds every block of a simulated chain from one seeded random source. It keeps a model of the market
 * (active deployments, open orders and bids, active and ended leases, paused groups) from the events of
 * each applied block and reads balances, sequences and orders from the ledger's public tables; it never
 * iterates a hash-ordered collection, so the same seed gives the same blocks.
 */
final class BlockGenerator {
    static final long BLOCK_MILLIS = 6_000;
    private static final Coin MAX_FEE = new Coin("uvyo", 100_000);
    /** More than genesis allocates in all: a debit of this much always fails, whatever the block did before. */
    private static final long MORE_THAN_SUPPLY = 1_000_000_000_000_000L;

    /** The devnet parameters' smallest deployment deposit. */
    private static final long MIN_DEPLOYMENT_DEPOSIT =
            dev.vyoma.ledger.machine.Params.defaults().minDeploymentDeposit();

    private static final BigDecimal ATTO = new BigDecimal("0.000000000000000001");
    /** Deployment shapes, the ones most providers can serve more often than those few or none can. */
    private static final SdlCatalog.Variant[] VARIANTS = {
        SdlCatalog.Variant.WEB,
        SdlCatalog.Variant.WEB,
        SdlCatalog.Variant.WEB,
        SdlCatalog.Variant.REGION,
        SdlCatalog.Variant.REGION,
        SdlCatalog.Variant.AUDITED_ANY,
        SdlCatalog.Variant.AUDITED_ANY,
        SdlCatalog.Variant.AUDITED_ALL,
        SdlCatalog.Variant.GPU_H100,
        SdlCatalog.Variant.GPU_H100,
        SdlCatalog.Variant.GPU_A100,
        SdlCatalog.Variant.STORAGE_BETA2,
        SdlCatalog.Variant.STORAGE_BETA2,
        SdlCatalog.Variant.TWO_GROUPS,
        SdlCatalog.Variant.TWO_GROUPS
    };
    /** Above this many, a tenant closes a deployment instead of creating one, keeping the state bounded. */
    private static final int MAX_ACTIVE_DEPLOYMENTS = 120;

    /**
     * What the simulation requires of one transaction: {@code codes} null allows any outcome, empty requires a
     * rejection, else one of them; {@code admission} requires that it cost nothing.
     */
    record Expect(String what, Set<ErrorCode> codes, boolean admission) {
        static Expect any(String what) {
            return new Expect(what, null, false);
        }

        static Expect fail(String what) {
            return new Expect(what, Set.of(), false);
        }
    }

    /** A block and what is expected of each of its transactions. */
    record Generated(Block block, List<Expect> expects) {}

    private enum Action {
        CREATE_DEPLOYMENT(3),
        CREATE_BID(24),
        CREATE_LEASE(7),
        WITHDRAW_LEASE(5),
        DEPOSIT(5),
        CLOSE_LEASE(1),
        CLOSE_GROUP(1),
        PAUSE_GROUP(1),
        START_GROUP(2),
        CLOSE_DEPLOYMENT(1),
        CLOSE_BID(2),
        UPDATE_DEPLOYMENT(1),
        SEND(5),
        PROVIDER(1),
        AUDIT(1),
        MULTI(1),
        UNKNOWN_IDS(3),
        INFERENCE(3),
        GRANT(4),
        BAD_ADMISSION(6);

        final int weight;

        Action(int weight) {
            this.weight = weight;
        }
    }

    private static final int TOTAL_WEIGHT =
            java.util.Arrays.stream(Action.values()).mapToInt(a -> a.weight).sum();

    private final SplittableRandom random;
    private final SimAccounts accounts;
    private final SdlCatalog sdl;

    /** The market as the events tell it. */
    final MarketModel market = new MarketModel();

    private long nextDseq = 1;
    private long timeMillis = SimAccounts.GENESIS_MILLIS;
    private int quietBlocks;
    private OrderId stormOrder;
    private int stormNext;
    private int stormLeft;

    // The block being built.
    private LedgerState state;
    private final Map<Address, Long> nextSequence = new HashMap<>();
    private final Set<Address> signedInBlock = new HashSet<>();
    /** Grants a transaction of this block already names: what the next one sees of them is not known here. */
    private final Set<DepositGrantId> grantsInBlock = new HashSet<>();

    private final List<SignedTx> txs = new ArrayList<>();
    private final List<Expect> expects = new ArrayList<>();

    BlockGenerator(SplittableRandom random, SimAccounts accounts) {
        this.random = random;
        this.accounts = accounts;
        this.sdl = new SdlCatalog(
                accounts.auditor.address().toString(),
                accounts.auditor2.address().toString());
    }

    /** The next block on top of {@code current}. */
    Generated next(LedgerState current) {
        state = current;
        nextSequence.clear();
        signedInBlock.clear();
        grantsInBlock.clear();
        txs.clear();
        expects.clear();
        long height = current.meta().height() + 1;
        int roll = random.nextInt(1000);
        // Time mostly moves a block at a time, sometimes jumps, rarely stands still.
        timeMillis += roll < 5 ? 0 : roll < 20 ? BLOCK_MILLIS * (2 + random.nextInt(600)) : BLOCK_MILLIS;
        if (height == 1) {
            registerProviders();
        } else if (height == 2) {
            signAudits();
        } else if (quietBlocks > 0) {
            quietBlocks--;
        } else if (random.nextInt(1_000) == 0) {
            quietBlocks = 20 + random.nextInt(200); // a quiet stretch: escrows run out with nobody looking
        } else {
            // Most blocks are empty or light; one in ten carries up to twenty transactions.
            int load = random.nextInt(100);
            int n = load < 50 ? 0 : load < 90 ? 1 + random.nextInt(3) : random.nextInt(21);
            if (stormLeft > 0) {
                bidStorm(n);
            } else if (n >= 10 && random.nextInt(4) == 0 && !market.openOrders.isEmpty()) {
                startStorm();
                bidStorm(n);
            } else {
                for (int i = 0; i < n; i++) {
                    action(pick());
                }
            }
        }
        Address proposer =
                accounts.funded.get(random.nextInt(accounts.funded.size())).address();
        return new Generated(new Block(height, timeMillis, proposer, txs), List.copyOf(expects));
    }

    /** Updates the model from the block's events. */
    void observe(BlockResult result) {
        market.observe(result);
    }

    private Action pick() {
        int r = random.nextInt(TOTAL_WEIGHT);
        for (Action a : Action.values()) {
            r -= a.weight;
            if (r < 0) {
                return a;
            }
        }
        throw new AssertionError();
    }

    private void action(Action a) {
        switch (a) {
            case CREATE_DEPLOYMENT -> {
                if (market.activeDeployments.size() > MAX_ACTIVE_DEPLOYMENTS) {
                    closeDeployment(); // keep the state, and the invariant walk over it, bounded
                } else {
                    createDeployment();
                }
            }
            case CREATE_BID -> createBid();
            case CREATE_LEASE -> createLease();
            case WITHDRAW_LEASE -> withdrawLease();
            case DEPOSIT -> deposit();
            case CLOSE_LEASE -> closeLease();
            case CLOSE_GROUP -> groupMessage(0);
            case PAUSE_GROUP -> groupMessage(1);
            case START_GROUP -> startGroup();
            case CLOSE_DEPLOYMENT -> closeDeployment();
            case CLOSE_BID -> closeBid();
            case UPDATE_DEPLOYMENT -> updateDeployment();
            case SEND -> send();
            case INFERENCE -> inferenceMessage();
            case GRANT -> grantMessage();
            case PROVIDER -> providerMessage();
            case AUDIT -> auditMessage();
            case MULTI -> multiMessage();
            case UNKNOWN_IDS -> unknownIds();
            case BAD_ADMISSION -> badAdmission();
        }
    }

    // ----- setup -----

    private void registerProviders() {
        for (SimAccounts.ProviderProfile p : accounts.providers) {
            submit(p.key(), Expect.any("create provider"), createProvider(p));
        }
    }

    private Msg.CreateProvider createProvider(SimAccounts.ProviderProfile p) {
        return new Msg.CreateProvider(
                p.key().address(), host(p.key()), p.attributes(), "ops@provider.example", "https://provider.example");
    }

    private static String host(KeyPair key) {
        return "https://p" + key.address().toString().substring(6, 14) + ".example.com:8443";
    }

    private void signAudits() {
        for (SimAccounts.ProviderProfile p : accounts.providers) {
            if (random.nextInt(10) < 7) {
                submit(accounts.auditor, Expect.any("audit"), sign(accounts.auditor, p, random.nextInt(10) < 9));
            }
            if (random.nextInt(10) < 3) {
                submit(accounts.auditor2, Expect.any("audit"), sign(accounts.auditor2, p, true));
            }
        }
    }

    private static Msg.SignProviderAttributes sign(KeyPair auditor, SimAccounts.ProviderProfile p, boolean truthful) {
        String region = truthful ? p.region() : p.region().equals("us-west") ? "us-east" : "us-west";
        return new Msg.SignProviderAttributes(
                auditor.address(),
                p.key().address(),
                List.of(new Attribute("region", region), new Attribute("tier", "community")));
    }

    // ----- deployments -----

    private void createDeployment() {
        KeyPair owner = tenant();
        SdlCatalog.Variant variant = VARIANTS[random.nextInt(VARIANTS.length)];
        String price = SdlCatalog.PRICES[random.nextInt(SdlCatalog.PRICES.length)];
        String price2 = variant == SdlCatalog.Variant.TWO_GROUPS
                ? SdlCatalog.PRICES[random.nextInt(SdlCatalog.PRICES.length)]
                : "";
        SdlDocument doc = sdl.get(variant, price, price2, 1 + random.nextInt(2));
        var groups = doc.groups();
        String version = doc.manifestVersion().hex();
        Coin deposit = new Coin("uusd", 500_000 + random.nextLong(random.nextBoolean() ? 100_000 : 1_500_000));
        DeploymentId id = new DeploymentId(owner.address(), nextDseq++);
        Expect expect = Expect.any("create deployment " + variant);
        int roll = random.nextInt(100);
        if (roll < 4) {
            deposit = new Coin("uusd", 499_999);
            expect = Expect.fail("deployment deposit below the minimum");
        } else if (roll < 6) {
            deposit = new Coin("uvyo", 1_000_000);
            expect = Expect.fail("deployment deposit in the fee denomination");
        } else if (roll < 8) {
            groups = List.of();
            expect = Expect.fail("deployment without groups");
        } else if (roll < 10) {
            version = "not-a-manifest-hash";
            expect = Expect.fail("deployment with a bad manifest version");
        } else if (roll < 14 && !market.allDeployments.isEmpty()) {
            DeploymentId taken = market.allDeployments.get(random.nextInt(market.allDeployments.size()));
            owner = accounts.key(taken.owner());
            id = taken;
            expect = Expect.fail("deployment id already taken");
        } else if (roll < 16) {
            deposit = new Coin("uusd", MORE_THAN_SUPPLY);
            expect = Expect.fail("deployment deposit beyond the balance");
        }
        submit(owner, expect, new Msg.CreateDeployment(id, groups, version, deposit));
    }

    private void deposit() {
        if (market.activeDeployments.isEmpty()) {
            send();
            return;
        }
        // Tenants mostly top up what they pay leases from.
        DeploymentId id = !market.activeLeases.isEmpty() && random.nextBoolean()
                ? market.activeLeases.pick(random).deployment()
                : market.activeDeployments.pick(random);
        KeyPair depositor = random.nextInt(3) == 0 ? anyone() : accounts.key(id.owner());
        Coin amount = new Coin("uusd", 100_000 + random.nextLong(2_000_000));
        Expect expect = Expect.any("deposit");
        int roll = random.nextInt(100);
        if (roll < 5 && !market.allDeployments.isEmpty()) {
            id = market.allDeployments.get(random.nextInt(market.allDeployments.size()));
        } else if (roll < 8) {
            amount = new Coin("uvyo", 1_000);
            expect = Expect.fail("deposit in the wrong denomination");
        } else if (roll < 10) {
            amount = new Coin("uusd", 0);
            expect = Expect.fail("deposit of nothing");
        } else if (roll < 12) {
            amount = new Coin("uusd", MORE_THAN_SUPPLY);
            expect = Expect.fail("deposit beyond the balance");
        }
        submit(depositor, expect, new Msg.DepositDeployment(depositor.address(), id, amount));
    }

    // ----- deposit grants -----

    /**
     * Grant traffic: grants given (sometimes replaced, sometimes with an expiry a few blocks or hours ahead),
     * revoked, and drawn on by their grantees to create deployments and top them up; one micro-unit past what
     * a grant has left, grants to oneself, in the fee denomination or of nothing are refused.
     */
    private void grantMessage() {
        int roll = random.nextInt(100);
        if (roll < 30) {
            giveGrant();
        } else if (roll < 38) {
            revokeGrant();
        } else if (roll < 60) {
            drawOnGrant(true);
        } else if (roll < 90) {
            drawOnGrant(false);
        } else {
            KeyPair granter = anyone();
            int bad = random.nextInt(3);
            Address grantee = bad == 0 ? granter.address() : tenant().address();
            Coin limit = bad == 1 ? new Coin("uvyo", 1_000) : new Coin("uusd", bad == 2 ? 0 : 1_000);
            if (bad != 0 && grantee.equals(granter.address())) {
                bad = 0;
            }
            submit(
                    granter,
                    Expect.fail(bad == 0 ? "a grant to oneself" : bad == 1 ? "a grant in uvyo" : "a grant of nothing"),
                    new Msg.GrantDeposit(granter.address(), grantee, limit, 0));
        }
    }

    private void giveGrant() {
        KeyPair granter = anyone();
        KeyPair grantee = tenant();
        if (granter.equals(grantee)) {
            submit(
                    granter,
                    Expect.fail("a grant to oneself"),
                    new Msg.GrantDeposit(granter.address(), grantee.address(), new Coin("uusd", 1_000_000), 0));
            return;
        }
        long limit = 100_000 + random.nextLong(3_000_000);
        int e = random.nextInt(10);
        long expires = e < 6 ? 0 : timeMillis + BLOCK_MILLIS * (1 + random.nextLong(e < 8 ? 20 : 2_000));
        grantsInBlock.add(new DepositGrantId(granter.address(), grantee.address()));
        submit(
                granter,
                Expect.any("give a deposit grant"),
                new Msg.GrantDeposit(granter.address(), grantee.address(), new Coin("uusd", limit), expires));
    }

    private void revokeGrant() {
        KeyPair granter = anyone();
        List<DepositGrantId> given = state.depositGrantsByGranter.keys(granter.address());
        DepositGrantId id = given.isEmpty()
                ? new DepositGrantId(granter.address(), tenant().address())
                : given.get(random.nextInt(given.size()));
        grantsInBlock.add(id);
        Expect expect = given.isEmpty() && !id.granter().equals(id.grantee())
                ? new Expect("revoke a grant never given", Set.of(ErrorCode.GRANT_NOT_FOUND), false)
                : Expect.any("revoke a deposit grant");
        submit(granter, expect, new Msg.RevokeDepositGrant(id.granter(), id.grantee()));
    }

    /**
     * A grantee draws on one of its grants: a new deployment ({@code create}) or a top-up of one of its active
     * deployments. Within what the grant has left it may still fail (the granter's balance, an expiry); past it
     * by one micro-unit it must fail, with the reason the stored grant gives.
     */
    private void drawOnGrant(boolean create) {
        DeploymentId target = null;
        KeyPair owner;
        if (create) {
            owner = tenant();
        } else {
            if (market.activeDeployments.isEmpty()) {
                giveGrant();
                return;
            }
            target = market.activeDeployments.pick(random);
            owner = accounts.key(target.owner());
        }
        List<DepositGrantId> grants = state.depositGrantsByGrantee.keys(owner.address());
        if (grants.isEmpty()) {
            giveGrant();
            return;
        }
        DepositGrantId id = grants.get(random.nextInt(grants.size()));
        var grant = state.depositGrants.get(id);
        long left = grant.remainingMicro();
        boolean known = !grantsInBlock.contains(id);
        grantsInBlock.add(id);
        long amount;
        Expect expect;
        if (known && random.nextInt(5) == 0) {
            amount = left + 1;
            // The reason the ledger gives first: a deposit below the minimum, an expired grant, then the limit;
            // a top-up's deployment may also have run out at the start of this block.
            ErrorCode why = create && amount < MIN_DEPLOYMENT_DEPOSIT
                    ? ErrorCode.INVALID_DEPOSIT
                    : grant.expiredAt(timeMillis) ? ErrorCode.GRANT_EXPIRED : ErrorCode.INSUFFICIENT_FUNDS;
            expect = balance(owner.address(), MAX_FEE.denom()) < MAX_FEE.amount()
                    ? Expect.fail("one micro-unit past what a grant has left")
                    : new Expect(
                            "one micro-unit past what a grant has left",
                            create ? Set.of(why) : Set.of(why, ErrorCode.DEPLOYMENT_CLOSED),
                            false);
        } else {
            amount = create
                    ? MIN_DEPLOYMENT_DEPOSIT + random.nextLong(Math.max(1, left - MIN_DEPLOYMENT_DEPOSIT + 1))
                    : 1 + random.nextLong(left + 1);
            expect = Expect.any(create ? "create a deployment from a grant" : "top up from a grant");
        }
        if (create) {
            if (market.activeDeployments.size() > MAX_ACTIVE_DEPLOYMENTS) {
                closeDeployment();
                return;
            }
            SdlDocument doc = sdl.get(
                    SdlCatalog.Variant.WEB,
                    SdlCatalog.PRICES[random.nextInt(SdlCatalog.PRICES.length)],
                    "",
                    1 + random.nextInt(2));
            DeploymentId id2 = new DeploymentId(owner.address(), nextDseq++);
            submit(
                    owner,
                    expect,
                    new Msg.CreateDeploymentFromGrant(
                            id2, doc.groups(), doc.manifestVersion().hex(), new Coin("uusd", amount), id.granter()));
        } else {
            submit(owner, expect, new Msg.DepositDeploymentFromGrant(target, id.granter(), new Coin("uusd", amount)));
        }
    }

    private void closeDeployment() {
        DeploymentId id = activeOrAny();
        if (id == null) {
            send();
            return;
        }
        submit(accounts.key(id.owner()), Expect.any("close deployment"), new Msg.CloseDeployment(id));
    }

    private void updateDeployment() {
        DeploymentId id = activeOrAny();
        if (id == null) {
            send();
            return;
        }
        var d = state.deployments.get(id);
        String version = random.nextInt(10) == 0 && d != null ? d.versionHex() : randomHex();
        submit(accounts.key(id.owner()), Expect.any("update deployment"), new Msg.UpdateDeployment(id, version));
    }

    /** Close (0) or pause (1) a group of an active deployment (sometimes a closed one). */
    private void groupMessage(int kind) {
        DeploymentId id = activeOrAny();
        if (id == null) {
            send();
            return;
        }
        List<Group> groups = state.groupsByDeployment.keys(id).stream()
                .map(state.groups::get)
                .toList();
        GroupId gid = groups.isEmpty()
                ? new GroupId(id, 1)
                : groups.get(random.nextInt(groups.size())).id();
        Msg m = kind == 0 ? new Msg.CloseGroup(gid) : new Msg.PauseGroup(gid);
        submit(accounts.key(id.owner()), Expect.any(m.kind()), m);
    }

    private void startGroup() {
        GroupId gid;
        if (!market.pausedGroups.isEmpty() && random.nextInt(10) < 8) {
            gid = market.pausedGroups.pick(random);
        } else {
            DeploymentId id = activeOrAny();
            if (id == null) {
                send();
                return;
            }
            gid = new GroupId(id, 1);
        }
        submit(accounts.key(gid.deployment().owner()), Expect.any("start group"), new Msg.StartGroup(gid));
    }

    // ----- market -----

    private void createBid() {
        OrderId orderId;
        if (!market.openOrders.isEmpty() && random.nextInt(100) < 95) {
            orderId = market.openOrders.pick(random);
        } else if (!market.allBids.isEmpty()) {
            orderId = market.allBids.get(random.nextInt(market.allBids.size())).order();
        } else {
            send();
            return;
        }
        Order order = state.orders.get(orderId);
        KeyPair provider = provider();
        int who = random.nextInt(100);
        if (who < 3) {
            provider = accounts.key(orderId.group().deployment().owner()); // bidding on its own deployment
        } else if (who < 6) {
            provider = tenant(); // not a provider
        }
        submit(provider, Expect.any("create bid"), bid(orderId, order, provider));
    }

    /**
     * Every provider bids on one open order, the cheapest kind any provider can serve when there is one, over
     * as many blocks as it takes: past twenty bids the order refuses more.
     */
    private void startStorm() {
        stormOrder = market.openOrders.pick(random);
        for (int i = 0; i < 10; i++) {
            OrderId o = market.openOrders.pick(random);
            var spec = state.groups.get(o.group()).spec();
            if (spec.requirements().attributes().isEmpty()
                    && !spec.requirements().signedBy().required()) {
                stormOrder = o;
                break;
            }
        }
        stormNext = random.nextInt(accounts.providers.size());
        stormLeft = accounts.providers.size();
    }

    /** The next {@code n} providers of the storm bid the order's price. */
    private void bidStorm(int n) {
        Order order = state.orders.get(stormOrder);
        for (int i = 0; i < n && stormLeft > 0; i++, stormLeft--) {
            KeyPair provider = accounts.providers
                    .get(stormNext++ % accounts.providers.size())
                    .key();
            Msg m = new Msg.CreateBid(stormOrder, provider.address(), order.maxPrice(), new Coin("uvyo", 500_000));
            submit(provider, Expect.any("bid storm"), m);
        }
    }

    private Msg.CreateBid bid(OrderId orderId, Order order, KeyPair provider) {
        BigDecimal max = order.maxPrice().amount();
        BigDecimal price;
        int roll = random.nextInt(100);
        if (roll < 65) {
            price = max.multiply(BigDecimal.valueOf(1 + random.nextInt(100)))
                    .divide(BigDecimal.valueOf(100), DecCoin.SCALE, RoundingMode.DOWN);
        } else if (roll < 78) {
            price = max.divide(BigDecimal.valueOf(3), DecCoin.SCALE, RoundingMode.DOWN);
        } else if (roll < 88) {
            price = max;
        } else if (roll < 94) {
            price = max.add(ATTO); // one atto-unit above the order's price
        } else if (roll < 97) {
            price = max.multiply(BigDecimal.TWO);
        } else {
            price = BigDecimal.ZERO;
        }
        if (roll < 78 && price.signum() == 0) {
            price = max; // a fraction of a tiny price rounds to nothing: bid the price itself
        }
        String denom = random.nextInt(100) < 2 ? "uvyo" : "uusd";
        Coin deposit = random.nextInt(100) < 3 ? new Coin("uvyo", 499_999) : new Coin("uvyo", 500_000);
        return new Msg.CreateBid(orderId, provider.address(), new DecCoin(denom, price), deposit);
    }

    private void createLease() {
        BidId bid;
        int roll = random.nextInt(100);
        if (roll < 90 && !market.openBids.isEmpty()) {
            bid = market.openBids.pick(random);
        } else if (roll < 97 && !market.allBids.isEmpty()) {
            bid = market.allBids.get(random.nextInt(market.allBids.size())); // mostly lost, closed or leased already
        } else {
            send();
            return;
        }
        submit(accounts.key(bid.deployment().owner()), Expect.any("create lease"), new Msg.CreateLease(bid));
    }

    private void withdrawLease() {
        BidId lease = leaseOrEnded();
        if (lease == null) {
            send();
            return;
        }
        submit(accounts.key(lease.provider()), Expect.any("withdraw"), new Msg.WithdrawLease(lease));
    }

    private void closeLease() {
        BidId lease = leaseOrEnded();
        if (lease == null) {
            send();
            return;
        }
        submit(accounts.key(lease.deployment().owner()), Expect.any("close lease"), new Msg.CloseLease(lease));
    }

    private void closeBid() {
        BidId id;
        if (random.nextInt(2) == 0 && !market.openBids.isEmpty()) {
            id = market.openBids.pick(random);
        } else {
            id = leaseOrEnded();
        }
        if (id == null) {
            send();
            return;
        }
        int reason = 10_000 + random.nextInt(4);
        Expect expect = Expect.any("close bid");
        if (random.nextInt(100) < 5) {
            reason = random.nextBoolean() ? 1 : 20_000;
            expect = Expect.fail("a provider closing with a reason not its own");
        }
        submit(accounts.key(id.provider()), expect, new Msg.CloseBid(id, reason));
    }

    // ----- bank, providers, audits -----

    private void send() {
        KeyPair from = anyone();
        KeyPair to = random.nextInt(100) == 0 ? accounts.outsider : anyone();
        String denom = random.nextBoolean() ? "uusd" : "uvyo";
        long have = balance(from.address(), denom);
        Coin amount = new Coin(denom, 1 + random.nextLong(Math.max(1, have / 10 + 1)));
        Expect expect = Expect.any("send");
        int roll = random.nextInt(100);
        if (roll < 4) {
            to = from;
            expect = Expect.fail("send to oneself");
        } else if (roll < 8) {
            amount = new Coin(denom, MORE_THAN_SUPPLY + random.nextLong(1_000));
            expect = Expect.fail("send beyond the balance");
        } else if (roll < 10) {
            amount = new Coin(denom, 0);
            expect = Expect.fail("send of nothing");
        }
        submit(from, expect, new Msg.Send(from.address(), to.address(), amount));
    }

    /**
     * Inference accounts with three gateways (the first funded accounts): open, deposit, close, and batched
     * charges, mostly well-formed and sometimes beyond the balance, out of order, or unsorted.
     */
    private void inferenceMessage() {
        KeyPair gateway = accounts.funded.get(random.nextInt(Math.min(3, accounts.funded.size())));
        KeyPair owner = anyone();
        InferenceAccountId id = new InferenceAccountId(owner.address(), gateway.address());
        InferenceAccount a = state.inferenceAccounts.find(id).orElse(null);
        boolean open = a != null && a.state() == InferenceAccountState.OPEN;
        int roll = random.nextInt(100);
        long have = balance(owner.address(), "uusd");
        Coin some = new Coin("uusd", 1 + random.nextLong(Math.max(1, have / 50 + 1)));
        if (owner.equals(gateway)) {
            submit(
                    owner,
                    Expect.fail("an inference account with oneself"),
                    new Msg.OpenInferenceAccount(owner.address(), gateway.address(), some));
        } else if (!open || roll < 10) {
            submit(
                    owner,
                    Expect.any("open an inference account"),
                    new Msg.OpenInferenceAccount(owner.address(), gateway.address(), some));
        } else if (roll < 30) {
            submit(
                    owner,
                    Expect.any("deposit into an inference account"),
                    new Msg.DepositInferenceAccount(owner.address(), gateway.address(), some));
        } else if (roll < 38) {
            submit(
                    owner,
                    Expect.any("close an inference account"),
                    new Msg.CloseInferenceAccount(owner.address(), gateway.address()));
        } else {
            long last = state.inferenceGateways
                    .find(gateway.address())
                    .map(g -> g.lastBatch())
                    .orElse(0L);
            long batch = random.nextInt(10) == 0 ? last + random.nextInt(3) : last + 1;
            java.util.TreeMap<Address, Long> costs = new java.util.TreeMap<>();
            for (InferenceAccountId other : state.inferenceAccountsByGateway.keys(gateway.address())) {
                InferenceAccount o = state.inferenceAccounts.get(other);
                if (o.state() == InferenceAccountState.OPEN && random.nextInt(3) > 0) {
                    // Mostly within the balance; one in eight a little beyond it.
                    long cap = Math.max(1, Math.min(o.balance(), 1_000_000L) * 1_000_000L);
                    long cost = random.nextInt(8) == 0 ? cap + 2_000_000L : random.nextLong(cap);
                    costs.put(other.owner(), cost);
                }
                if (costs.size() == 4) {
                    break;
                }
            }
            List<InferenceCharge> charges = new ArrayList<>();
            costs.forEach((who, cost) -> charges.add(new InferenceCharge(
                    who, 1 + random.nextInt(5), random.nextInt(5_000), random.nextInt(5_000), cost, randomHex())));
            if (charges.size() > 1 && random.nextInt(20) == 0) {
                java.util.Collections.reverse(charges);
            }
            submit(
                    gateway,
                    charges.isEmpty() || batch != last + 1
                            ? Expect.fail("a bad inference batch")
                            : Expect.any("charge"),
                    new Msg.ChargeInference(gateway.address(), batch, charges));
        }
    }

    private void providerMessage() {
        SimAccounts.ProviderProfile p = accounts.providers.get(random.nextInt(accounts.providers.size()));
        boolean registered = state.providers.contains(p.key().address());
        int roll = random.nextInt(100);
        if (!registered || roll < 10) {
            submit(p.key(), Expect.any("create provider"), createProvider(p));
        } else if (roll < 25) {
            submit(
                    p.key(),
                    Expect.any("delete provider"),
                    new Msg.DeleteProvider(p.key().address()));
        } else if (roll < 35) {
            Msg m = new Msg.UpdateProvider(p.key().address(), "http://no-tls.example.com", p.attributes(), "", "");
            submit(p.key(), Expect.fail("provider with an http host"), m);
        } else {
            List<Attribute> attributes = new ArrayList<>(p.attributes());
            if (random.nextBoolean()) {
                attributes.removeIf(a -> a.key().startsWith("capabilities/gpu/"));
            }
            Msg m = new Msg.UpdateProvider(p.key().address(), host(p.key()), attributes, "", "");
            submit(p.key(), Expect.any("update provider"), m);
        }
    }

    private void auditMessage() {
        SimAccounts.ProviderProfile p = accounts.providers.get(random.nextInt(accounts.providers.size()));
        KeyPair auditor = random.nextInt(4) == 0 ? accounts.auditor2 : accounts.auditor;
        int roll = random.nextInt(100);
        if (roll < 50) {
            submit(auditor, Expect.any("sign attributes"), sign(auditor, p, random.nextInt(10) < 8));
        } else if (roll < 75) {
            Msg m = new Msg.DeleteProviderAttributes(auditor.address(), p.key().address(), List.of("tier"));
            submit(auditor, Expect.any("delete an attribute"), m);
        } else if (roll < 90) {
            Msg m = new Msg.DeleteProviderAttributes(auditor.address(), p.key().address(), List.of());
            submit(auditor, Expect.any("delete all attributes"), m);
        } else {
            Msg m = new Msg.DeleteProviderAttributes(auditor.address(), p.key().address(), List.of("never-signed"));
            submit(auditor, Expect.fail("delete an attribute never signed"), m);
        }
    }

    // ----- several messages in one transaction, unknown ids, refused admission -----

    private void multiMessage() {
        int roll = random.nextInt(3);
        if (roll == 0) {
            KeyPair owner = tenant();
            DeploymentId id = new DeploymentId(owner.address(), nextDseq++);
            SdlDocument doc = sdl.get(SdlCatalog.Variant.WEB, "100", "1", 1);
            submit(
                    owner,
                    Expect.any("create and top up a deployment"),
                    new Msg.CreateDeployment(
                            id, doc.groups(), doc.manifestVersion().hex(), new Coin("uusd", 500_000)),
                    new Msg.DepositDeployment(owner.address(), id, new Coin("uusd", 250_000)));
        } else if (roll == 1) {
            KeyPair from = anyone();
            KeyPair to = anyone();
            submit(
                    from,
                    Expect.fail("a good send then a send to oneself: all or nothing"),
                    new Msg.Send(
                            from.address(),
                            to.equals(from) ? accounts.auditor.address() : to.address(),
                            new Coin("uvyo", 1)),
                    new Msg.Send(from.address(), from.address(), new Coin("uvyo", 1)));
        } else if (market.openOrders.size() >= 2) {
            KeyPair provider = provider();
            OrderId a = market.openOrders.pick(random);
            OrderId b = market.openOrders.pick(random);
            submit(
                    provider,
                    Expect.any("two bids at once"),
                    bid(a, state.orders.get(a), provider),
                    bid(b, state.orders.get(b), provider));
        } else {
            send();
        }
    }

    private void unknownIds() {
        KeyPair signer = tenant();
        DeploymentId ghost = new DeploymentId(signer.address(), 1_000_000_000L + random.nextInt(1_000));
        OrderId ghostOrder = new OrderId(new GroupId(ghost, 1), 1);
        BidId ghostBid = new BidId(ghostOrder, provider().address());
        Msg m;
        switch (random.nextInt(9)) {
            case 0 -> m = new Msg.CreateLease(ghostBid);
            case 7 -> m = new Msg.RevokeCertificate(new CertificateId(signer.address(), "4242"));
            case 8 ->
                m = new Msg.CreateCertificate(
                        signer.address(),
                        "-----BEGIN CERTIFICATE-----\nnot base64\n" + "-----END CERTIFICATE-----\n",
                        "");
            case 1 -> m = new Msg.DepositDeployment(signer.address(), ghost, new Coin("uusd", 1_000));
            case 2 -> m = new Msg.CloseDeployment(ghost);
            case 3 -> m = new Msg.CloseLease(ghostBid);
            case 4 -> {
                if (market.activeDeployments.isEmpty()) {
                    m = new Msg.PauseGroup(new GroupId(ghost, 1));
                } else {
                    DeploymentId d = market.activeDeployments.pick(random);
                    signer = accounts.key(d.owner());
                    m = new Msg.CloseGroup(new GroupId(d, 17)); // no such group
                }
            }
            case 5 -> {
                KeyPair provider = provider();
                signer = provider;
                m = new Msg.CreateBid(
                        ghostOrder, provider.address(), new DecCoin("uusd", BigDecimal.ONE), new Coin("uvyo", 500_000));
            }
            default -> {
                KeyPair provider = provider();
                signer = provider;
                m = new Msg.WithdrawLease(new BidId(ghostOrder, provider.address()));
            }
        }
        submit(signer, Expect.fail("unknown id: " + m.kind()), m);
    }

    private void badAdmission() {
        KeyPair signer = anyone();
        Address addr = signer.address();
        long seq = sequence(addr);
        boolean first = !signedInBlock.contains(addr);
        Msg valid = new Msg.Send(addr, anyone().address(), new Coin("uvyo", 1));
        Tx tx;
        Signature signature = null;
        ErrorCode code;
        boolean sequenceFirst = true; // checked before the sequence: immune to earlier refusals in the block
        switch (random.nextInt(9)) {
            case 0 -> {
                tx = new Tx("vyoma-other-9", signer.publicKey(), seq, MAX_FEE, List.of(valid), "");
                code = ErrorCode.WRONG_CHAIN_ID;
            }
            case 1 -> {
                tx = new Tx(SimAccounts.CHAIN_ID, signer.publicKey(), seq, MAX_FEE, List.of(valid), "");
                signature = Ed25519.sign(anyoneBut(signer).privateKey(), tx.signBytes());
                code = ErrorCode.UNAUTHORIZED;
            }
            case 2 -> {
                tx = new Tx(SimAccounts.CHAIN_ID, signer.publicKey(), seq, MAX_FEE, List.of(valid), "");
                byte[] bytes = Ed25519.sign(signer.privateKey(), tx.signBytes()).bytes();
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                signature = new Signature(bytes);
                code = ErrorCode.UNAUTHORIZED;
            }
            case 3 -> {
                tx = new Tx(
                        SimAccounts.CHAIN_ID,
                        signer.publicKey(),
                        seq + 1 + random.nextInt(1_000),
                        MAX_FEE,
                        List.of(valid),
                        "");
                code = ErrorCode.WRONG_SEQUENCE;
            }
            case 4 -> {
                KeyPair other = anyoneBut(signer);
                Msg foreign = new Msg.Send(other.address(), addr, new Coin("uvyo", 1));
                tx = new Tx(SimAccounts.CHAIN_ID, signer.publicKey(), seq, MAX_FEE, List.of(valid, foreign), "");
                code = ErrorCode.WRONG_SIGNER;
                sequenceFirst = false;
            }
            case 5 -> {
                Coin low = random.nextBoolean() ? new Coin("uvyo", 1) : new Coin("uusd", 100_000);
                tx = new Tx(SimAccounts.CHAIN_ID, signer.publicKey(), seq, low, List.of(valid), "");
                code = ErrorCode.INSUFFICIENT_FEE;
                sequenceFirst = false;
            }
            case 6 -> {
                // A key nobody ever sent coins to: its account does not exist.
                signer = SimAccounts.key(random);
                Msg send = new Msg.Send(signer.address(), addr, new Coin("uvyo", 1));
                tx = new Tx(SimAccounts.CHAIN_ID, signer.publicKey(), 0, MAX_FEE, List.of(send), "");
                code = ErrorCode.INSUFFICIENT_FUNDS;
            }
            case 7 -> {
                List<Msg> msgs = new ArrayList<>();
                int n = random.nextBoolean() ? 0 : 17;
                for (int i = 0; i < n; i++) {
                    msgs.add(valid);
                }
                tx = new Tx(SimAccounts.CHAIN_ID, signer.publicKey(), seq, MAX_FEE, msgs, "");
                code = ErrorCode.TOO_MANY_MESSAGES;
            }
            default -> {
                if (random.nextInt(20) == 0) {
                    tx = new Tx(
                            SimAccounts.CHAIN_ID, signer.publicKey(), seq, MAX_FEE, List.of(valid), "x".repeat(70_000));
                    code = ErrorCode.TX_TOO_LARGE;
                } else {
                    tx = new Tx("", signer.publicKey(), seq, MAX_FEE, List.of(valid), "");
                    code = ErrorCode.WRONG_CHAIN_ID;
                }
            }
        }
        if (signature == null) {
            signature = Ed25519.sign(signer.privateKey(), tx.signBytes());
        }
        // A refusal checked after the sequence may show as a wrong sequence when an earlier transaction of the
        // same signer in this block was itself refused (the generator assumed it would be admitted).
        Set<ErrorCode> codes = first || sequenceFirst ? Set.of(code) : Set.of(code, ErrorCode.WRONG_SEQUENCE);
        txs.add(new SignedTx(tx, signature));
        expects.add(new Expect("refused admission: " + code, codes, true));
    }

    // ----- helpers -----

    /** Signs with the signer's next sequence; assumes admission, so the next one follows. */
    private void submit(KeyPair signer, Expect expect, Msg... msgs) {
        Address addr = signer.address();
        long seq = sequence(addr);
        Tx tx = new Tx(SimAccounts.CHAIN_ID, signer.publicKey(), seq, MAX_FEE, List.of(msgs), "");
        txs.add(new SignedTx(tx, Ed25519.sign(signer.privateKey(), tx.signBytes())));
        expects.add(expect);
        nextSequence.put(addr, seq + 1);
        signedInBlock.add(addr);
    }

    private long sequence(Address addr) {
        Long next = nextSequence.get(addr);
        if (next != null) {
            return next;
        }
        Account account = state.accounts.get(addr);
        return account == null ? 0 : account.sequence();
    }

    private long balance(Address addr, String denom) {
        Account account = state.accounts.get(addr);
        return account == null ? 0 : account.balance(denom);
    }

    private KeyPair anyone() {
        return accounts.funded.get(random.nextInt(accounts.funded.size()));
    }

    private KeyPair anyoneBut(KeyPair not) {
        KeyPair k = anyone();
        return k.equals(not) ? accounts.auditor2.equals(not) ? accounts.auditor : accounts.auditor2 : k;
    }

    private KeyPair tenant() {
        return random.nextInt(10) == 0 ? anyone() : accounts.tenants.get(random.nextInt(accounts.tenants.size()));
    }

    private KeyPair provider() {
        return accounts.providers.get(random.nextInt(accounts.providers.size())).key();
    }

    private DeploymentId activeOrAny() {
        if (!market.activeDeployments.isEmpty() && random.nextInt(100) < 93) {
            return market.activeDeployments.pick(random);
        }
        return market.allDeployments.isEmpty()
                ? null
                : market.allDeployments.get(random.nextInt(market.allDeployments.size()));
    }

    private BidId leaseOrEnded() {
        if (!market.activeLeases.isEmpty() && random.nextInt(100) < 88) {
            return market.activeLeases.pick(random);
        }
        return market.endedLeases.isEmpty() ? null : market.endedLeases.get(random.nextInt(market.endedLeases.size()));
    }

    private String randomHex() {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < 64; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }
}
