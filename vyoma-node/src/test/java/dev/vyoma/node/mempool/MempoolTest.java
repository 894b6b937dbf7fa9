package dev.vyoma.node.mempool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Invariants;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.Signature;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.mempool.Mempool.Accepted;
import dev.vyoma.node.mempool.Mempool.Evicted;
import dev.vyoma.node.mempool.Mempool.Outcome;
import dev.vyoma.node.mempool.Mempool.Refused;
import dev.vyoma.testkit.Seeds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MempoolTest {
    private static final String CHAIN = "vyoma-mempool-test";
    private static final long FEE = 1_000; // Params.defaults(): a Send costs 1,000 uvyo

    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private Ledger ledger;
    private long height;

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("mempool");

    private Mempool pool(Mempool.Limits limits, String... funded) {
        return pool(limits, 10_000, funded);
    }

    private Mempool pool(Mempool.Limits limits, long uvyo, String... funded) {
        List<Genesis.Allocation> accounts = new ArrayList<>();
        for (String name : funded) {
            accounts.add(new Genesis.Allocation(
                    KEYS.key(name).address(), List.of(new Coin("uusd", 1_000_000), new Coin("uvyo", uvyo))));
        }
        ledger = Ledger.fromGenesis(new Genesis(CHAIN, 1_700_000_000_000L, Params.defaults(), accounts));
        return new Mempool(ledger, limits);
    }

    private static SignedTx send(String from, long sequence, String to, long amount, String chain) {
        KeyPair k = KEYS.key(from);
        Tx tx = new Tx(
                chain,
                k.publicKey(),
                sequence,
                new Coin("uvyo", FEE),
                List.of(new Msg.Send(k.address(), KEYS.key(to).address(), new Coin("uusd", amount))),
                "");
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }

    private static SignedTx send(String from, long sequence, String to) {
        return send(from, sequence, to, 1, CHAIN);
    }

    /** Builds a block from the pool, applies it as a node would, and tells the pool. */
    private BlockResult produce(Mempool mempool, int maxTxs) {
        return mempool.exclusive(() -> {
            Block block = new Block(
                    ++height,
                    1_700_000_000_000L + height * 1_000,
                    KEYS.key("validator").address(),
                    mempool.reap(maxTxs, 1L << 30));
            BlockResult result = ledger.apply(block, mempool.verdicts(block, pool));
            Invariants.verify(ledger.state());
            mempool.committed(block);
            return result;
        });
    }

    private static Refused refused(Outcome o, ErrorCode code) {
        assertThat(o).isInstanceOf(Refused.class);
        Refused r = (Refused) o;
        assertThat(r.code()).as(r.why()).isEqualTo(code);
        assertThat(r.why()).isNotBlank().doesNotContain("\n");
        return r;
    }

    @Test
    void admitsAValidTransactionOnceAndTheBlockAppliesIt() {
        Mempool mempool = pool(Mempool.Limits.defaults(), "alice", "bob");
        SignedTx tx = send("alice", 0, "bob");
        assertThat(mempool.submit(tx)).isEqualTo(new Accepted(tx.hashHex(), FEE));
        assertThat(mempool.size()).isOne();
        assertThat(mempool.bytes()).isEqualTo(tx.wireLength());

        Refused again = refused(mempool.submit(tx), ErrorCode.TX_IN_MEMPOOL);
        assertThat(again.why()).contains(tx.hashHex());

        BlockResult block = produce(mempool, 100);
        assertThat(block.txs()).extracting(TxResult::code).containsExactly((ErrorCode) null);
        assertThat(mempool.size()).isZero();
        assertThat(mempool.bytes()).isZero();

        // The same bytes again, now that the sequence is used: a replay.
        refused(mempool.submit(tx), ErrorCode.WRONG_SEQUENCE);
    }

    @Test
    void refusesWhatTheLedgerWouldRefuseAndKeepsNothing() {
        Mempool mempool = pool(Mempool.Limits.defaults(), "alice", "bob");

        SignedTx good = send("alice", 0, "bob");
        byte[] sig = good.signature().bytes();
        sig[5] ^= 1;
        refused(mempool.submit(new SignedTx(good.tx(), new Signature(sig))), ErrorCode.UNAUTHORIZED);
        refused(mempool.submit(send("alice", 0, "bob", 1, "other-chain")), ErrorCode.WRONG_CHAIN_ID);
        refused(mempool.submit(send("carol", 0, "bob")), ErrorCode.INSUFFICIENT_FUNDS);
        Refused gap = refused(mempool.submit(send("alice", 3, "bob")), ErrorCode.WRONG_SEQUENCE);
        assertThat(gap.why()).contains("account sequence is 0");

        KeyPair alice = KEYS.key("alice");
        Tx cheap = new Tx(
                CHAIN,
                alice.publicKey(),
                0,
                new Coin("uvyo", FEE - 1),
                List.of(new Msg.Send(alice.address(), KEYS.key("bob").address(), new Coin("uusd", 1))),
                "");
        refused(
                mempool.submit(new SignedTx(cheap, Ed25519.sign(alice.privateKey(), cheap.signBytes()))),
                ErrorCode.INSUFFICIENT_FEE);
        Tx foreign = new Tx(
                CHAIN,
                alice.publicKey(),
                0,
                new Coin("uvyo", FEE),
                List.of(new Msg.Send(KEYS.key("bob").address(), alice.address(), new Coin("uusd", 1))),
                "");
        refused(
                mempool.submit(new SignedTx(foreign, Ed25519.sign(alice.privateKey(), foreign.signBytes()))),
                ErrorCode.WRONG_SIGNER);

        assertThat(mempool.size()).isZero();
        assertThat(mempool.bytes()).isZero();
        // Nothing was used up: the first good transaction is still the next.
        assertThat(mempool.submit(good)).isInstanceOf(Accepted.class);
    }

    @Test
    void aSignersTransactionsFollowEachOtherAndTheirFeesAreReserved() {
        Mempool mempool = pool(Mempool.Limits.defaults(), "alice", "bob");
        // 10,000 uvyo pays for ten Sends.
        for (long s = 0; s < 10; s++) {
            assertThat(mempool.submit(send("alice", s, "bob"))).isInstanceOf(Accepted.class);
        }
        Refused next = refused(mempool.submit(send("alice", 11, "bob")), ErrorCode.WRONG_SEQUENCE);
        assertThat(next.why()).contains("next is 10");
        Refused broke = refused(mempool.submit(send("alice", 10, "bob")), ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(broke.why()).contains("10000uvyo its pending transactions reserve");

        BlockResult block = produce(mempool, 4);
        assertThat(block.txs()).hasSize(4).allMatch(TxResult::ok);
        assertThat(mempool.size()).isEqualTo(6);
        block = produce(mempool, 100);
        assertThat(block.txs()).hasSize(6).allMatch(TxResult::ok);
        assertThat(ledger.state().accounts.get(KEYS.key("alice").address()).sequence())
                .isEqualTo(10);
    }

    @Test
    void staysWithinItsLimits() {
        Mempool mempool = pool(new Mempool.Limits(3, 1L << 20, 2), "alice", "bob", "carol");
        assertThat(mempool.submit(send("alice", 0, "bob"))).isInstanceOf(Accepted.class);
        assertThat(mempool.submit(send("alice", 1, "bob"))).isInstanceOf(Accepted.class);
        assertThat(refused(mempool.submit(send("alice", 2, "bob")), ErrorCode.MEMPOOL_FULL)
                        .why())
                .contains("already has 2 transactions waiting");
        assertThat(mempool.submit(send("bob", 0, "alice"))).isInstanceOf(Accepted.class);
        assertThat(refused(mempool.submit(send("carol", 0, "alice")), ErrorCode.MEMPOOL_FULL)
                        .why())
                .contains("the mempool is full (3 transactions");

        SignedTx one = send("carol", 0, "alice");
        Mempool small = new Mempool(ledger, new Mempool.Limits(100, one.wireLength() * 2L, 100));
        assertThat(small.submit(send("alice", 0, "bob"))).isInstanceOf(Accepted.class);
        assertThat(small.submit(send("bob", 0, "alice"))).isInstanceOf(Accepted.class);
        refused(small.submit(one), ErrorCode.MEMPOOL_FULL);
    }

    @Test
    void aBlockFromElsewhereEvictsWhatCanNoLongerApply() {
        Mempool mempool = pool(Mempool.Limits.defaults(), "alice", "bob");
        SignedTx a0 = send("alice", 0, "bob", 1, CHAIN);
        SignedTx a1 = send("alice", 1, "bob");
        SignedTx a2 = send("alice", 2, "bob");
        SignedTx b0 = send("bob", 0, "alice");
        for (SignedTx t : List.of(a0, a1, a2, b0)) {
            assertThat(mempool.submit(t)).isInstanceOf(Accepted.class);
        }
        // Another member's block used alice's sequence 0 for a different transaction and spent her uvyo down
        // to what pays for one more Send.
        Tx otherTx = otherTx();
        SignedTx signed = new SignedTx(otherTx, Ed25519.sign(KEYS.key("alice").privateKey(), otherTx.signBytes()));
        Block block =
                new Block(++height, 1_700_000_001_000L, KEYS.key("validator").address(), List.of(signed));
        List<Evicted> evicted = mempool.exclusive(() -> {
            BlockResult r = ledger.apply(block, mempool.verdicts(block, pool));
            assertThat(r.txs().get(0).ok()).as(r.txs().get(0).log()).isTrue();
            return mempool.committed(block);
        });
        // alice: 10,000 − 2,000 fee − 7,000 sent = 1,000 uvyo: a1 still applies, a2's fee is not covered.
        assertThat(evicted).extracting(Evicted::txHash).containsExactly(a0.hashHex(), a2.hashHex());
        assertThat(evicted.get(0).code()).isEqualTo(ErrorCode.WRONG_SEQUENCE);
        assertThat(evicted.get(1).code()).isEqualTo(ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(mempool.contains(a1.hashHex())).isTrue();
        assertThat(mempool.contains(b0.hashHex())).isTrue();
        assertThat(mempool.reap(10, 1 << 20)).containsExactly(a1, b0);
    }

    private static Tx otherTx() {
        KeyPair alice = KEYS.key("alice");
        return new Tx(
                CHAIN,
                alice.publicKey(),
                0,
                new Coin("uvyo", 2_000),
                List.of(
                        new Msg.Send(alice.address(), KEYS.key("bob").address(), new Coin("uvyo", 1)),
                        new Msg.Send(alice.address(), KEYS.key("bob").address(), new Coin("uvyo", 6_999))),
                "");
    }

    @Test
    void parallelVerificationAdmitsTheSameAsOneByOne() {
        Mempool mempool = pool(Mempool.Limits.defaults(), "alice", "bob", "carol");
        List<SignedTx> txs = new ArrayList<>();
        for (long s = 0; s < 5; s++) {
            txs.add(send("alice", s, "bob"));
            txs.add(send("bob", s, "carol"));
        }
        SignedTx bad = send("carol", 0, "alice");
        byte[] sig = bad.signature().bytes();
        sig[0] ^= 1;
        txs.add(new SignedTx(bad.tx(), new Signature(sig)));
        txs.add(send("carol", 0, "alice"));
        List<Outcome> outcomes = mempool.submitAll(txs, pool);
        assertThat(outcomes).hasSize(12);
        assertThat(outcomes.subList(0, 10)).allMatch(o -> o instanceof Accepted);
        refused(outcomes.get(10), ErrorCode.UNAUTHORIZED);
        assertThat(outcomes.get(11)).isInstanceOf(Accepted.class);
        BlockResult block = produce(mempool, 100);
        assertThat(block.txs()).hasSize(11).allMatch(TxResult::ok);
    }

    /**
     * Clients submit from several threads while blocks are produced: every accepted transaction is applied
     * exactly once and successfully, nothing else is, and the ledger's invariants hold after every block.
     */
    @Test
    void concurrentSubmittersAndBlocks() throws Exception {
        long seed = Seeds.seed("MempoolTest.concurrentSubmittersAndBlocks");
        String[] names = new String[8];
        for (int i = 0; i < names.length; i++) {
            names[i] = "user" + i;
        }
        Mempool mempool = pool(Mempool.Limits.defaults(), 1_000_000, names);
        ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < names.length; c++) {
            String me = names[c];
            int index = c;
            SplittableRandom random = new SplittableRandom(seed + c);
            clients.add(Thread.ofPlatform().start(() -> {
                long next = 0;
                for (int i = 0; i < 40; i++) {
                    // Mostly the right sequence, sometimes a stale or future one.
                    long seq = random.nextInt(10) == 0 ? next + random.nextInt(-2, 3) : next;
                    String to = names[(index + 1 + random.nextInt(names.length - 1)) % names.length];
                    SignedTx tx = send(me, Math.max(0, seq), to);
                    if (mempool.submit(tx) instanceof Accepted a) {
                        accepted.add(a.txHash());
                        next = tx.tx().sequence() + 1;
                    }
                }
            }));
        }
        Set<String> applied = new HashSet<>();
        List<String> problems = new ArrayList<>();
        Thread producer = Thread.ofPlatform().start(() -> {
            while (!done.get() || mempool.size() > 0) {
                for (TxResult r : produce(mempool, 7).txs()) {
                    if (!r.ok()) {
                        problems.add(r.txHash() + ": " + r.log());
                    }
                    if (!applied.add(r.txHash())) {
                        problems.add(r.txHash() + " applied twice");
                    }
                }
            }
        });
        for (Thread t : clients) {
            t.join();
        }
        done.set(true);
        producer.join();
        assertThat(problems)
                .as(Seeds.replay("MempoolTest.concurrentSubmittersAndBlocks", seed))
                .isEmpty();
        assertThat(applied).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(accepted).hasSizeGreaterThan(100);
    }
}
