package dev.vyoma.node.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.node.mempool.Mempool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Block production, forwarding and mempool eviction of a leader and a follower on one thread from a seed: a
 * fake clock, a log that is a list, and a transport that is a method call and sometimes fails. Invariants are
 * checked after every event; a failure names its seed, and {@code -Dsim.seed=N} runs that seed alone.
 */
class ChainTickTest {
    private static final String CHAIN = "vyoma-tick-test";
    private static final int ACCOUNTS = 6;
    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Instant START = Instant.ofEpochMilli(1_700_000_000_000L);

    static LongStream seeds() {
        String one = System.getProperty("sim.seed");
        return one != null ? LongStream.of(Long.parseLong(one)) : LongStream.rangeClosed(1, 8);
    }

    private static final NamedKeys KEYS = new NamedKeys("tick");

    private static KeyPair key(int account) {
        return KEYS.key(Integer.toString(account));
    }

    private static Genesis genesis() {
        List<Genesis.Allocation> accounts = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            accounts.add(new Genesis.Allocation(
                    key(a).address(), List.of(new Coin("uusd", 1_000_000), new Coin("uvyo", 1_000_000))));
        }
        return new Genesis(CHAIN, START.toEpochMilli(), Params.defaults(), accounts);
    }

    /** A member: its mempool over its own ledger, and how much of the log it has applied. */
    private static final class Member {
        final Mempool mempool = new Mempool(Ledger.fromGenesis(genesis()), Mempool.Limits.defaults());
        final Set<String> evicted = new HashSet<>();
        int applied;

        void catchUp(List<Block> log) {
            while (applied < log.size()) {
                Block proposed = log.get(applied++);
                AppliedBlock a = mempool.exclusive(() -> AppliedBlock.apply(mempool, proposed, Runnable::run));
                a.evicted().forEach(e -> evicted.add(e.txHash()));
            }
        }

        Ledger ledger() {
            return mempool.ledger();
        }
    }

    /** What one seed ends with: the state commitment of the last block, and how many blocks. */
    private record Outcome(String state, int blocks) {}

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aLeaderAndAFollowerAgreeAndLoseNoTransaction(long seed) throws Exception {
        Outcome first = run(seed);
        assertThat(run(seed)).as("seed %d replayed", seed).isEqualTo(first);
    }

    private static Outcome run(long seed) throws Exception {
        Random random = new Random(seed);
        List<Block> log = new ArrayList<>();
        Member leader = new Member();
        Member follower = new Member();
        boolean[] transportUp = {true};
        BlockProducer leaderProduction =
                new BlockProducer(leader.mempool, key(0).address(), INTERVAL, 20, () -> true, block -> log.add(block));
        BlockProducer followerProduction =
                new BlockProducer(follower.mempool, key(1).address(), INTERVAL, 20, () -> false, block -> {
                    throw new AssertionError("a follower proposed a block");
                });
        TxForwarder forwarding = new TxForwarder(
                follower.mempool,
                new TxForwarder.Leadership() {
                    @Override
                    public boolean isLeader() {
                        return false;
                    }

                    @Override
                    public Optional<String> leaderId() {
                        return Optional.of("leader");
                    }
                },
                (to, batch) -> {
                    assertThat(to).isEqualTo("leader");
                    if (!transportUp[0]) {
                        return false;
                    }
                    leader.mempool.submitAll(batch, Runnable::run);
                    return true;
                },
                Duration.ofMillis(200),
                7,
                Long.MAX_VALUE);

        long[] nextSequence = new long[ACCOUNTS];
        Set<String> admitted = new HashSet<>();
        Instant now = START;
        Instant firstTick = null;
        int[] blocksSeen = {0};
        Set<String> included = new HashSet<>();
        String where = "seed " + seed;
        for (int step = 0; step < 400; step++) {
            int event = random.nextInt(10);
            if (event < 4) {
                // A client sends to either member; now and then two transactions share a sequence.
                int a = random.nextInt(ACCOUNTS);
                boolean conflict = nextSequence[a] > 0 && random.nextInt(8) == 0;
                long sequence = conflict ? nextSequence[a] - 1 : nextSequence[a];
                SignedTx tx = send(a, sequence, 1 + random.nextInt(1_000), random.nextInt(ACCOUNTS));
                Member to = random.nextBoolean() ? leader : follower;
                if (to.mempool.submit(tx) instanceof Mempool.Accepted) {
                    admitted.add(tx.hashHex());
                    if (!conflict) {
                        nextSequence[a]++;
                    }
                    if (to == follower) {
                        forwarding.nudge();
                    }
                }
            } else if (event < 5) {
                transportUp[0] = random.nextInt(3) != 0;
            } else {
                now = now.plusMillis(1 + random.nextInt(300));
            }
            Instant t = now;
            leaderProduction.tick(t);
            followerProduction.tick(t);
            forwarding.tick(t);
            leader.catchUp(log);
            follower.catchUp(log);
            if (firstTick == null) {
                firstTick = t;
            }
            checkInvariants(
                    where + " step " + step,
                    log,
                    blocksSeen,
                    included,
                    leader,
                    follower,
                    firstTick,
                    t,
                    leaderProduction);
            // A sender's later transactions follow only what a member still holds: start again from the state.
            for (int a = 0; a < ACCOUNTS; a++) {
                long onChain = leader.ledger().state().accounts.get(key(a).address()) == null
                        ? 0
                        : leader.ledger().state().accounts.get(key(a).address()).sequence();
                if (nextSequence[a] < onChain || random.nextInt(50) == 0) {
                    nextSequence[a] = Math.max(onChain, pendingTop(a, leader, follower, onChain));
                }
            }
        }

        // Quiet: the transport works, nothing new arrives; everything admitted ends in a block or is evicted.
        transportUp[0] = true;
        for (int i = 0; i < 100 && (leader.mempool.size() > 0 || follower.mempool.size() > 0); i++) {
            now = now.plus(INTERVAL);
            leaderProduction.tick(now);
            forwarding.tick(now);
            leader.catchUp(log);
            follower.catchUp(log);
        }
        assertThat(leader.mempool.size() + follower.mempool.size())
                .as(where + ": pools drained")
                .isZero();
        for (Block b : log) {
            b.txs().forEach(tx -> included.add(tx.hashHex()));
        }
        for (String hash : admitted) {
            assertThat(included.contains(hash) || leader.evicted.contains(hash) || follower.evicted.contains(hash))
                    .as(where + ": admitted transaction " + hash + " was included or evicted")
                    .isTrue();
        }
        return new Outcome(leader.ledger().state().meta().blockHashHex(), log.size());
    }

    /** The sequence after the highest one a member still holds for account {@code a}. */
    private static long pendingTop(int a, Member leader, Member follower, long onChain) {
        long top = onChain;
        for (Member m : List.of(leader, follower)) {
            for (SignedTx tx : m.mempool.reap(Integer.MAX_VALUE, Long.MAX_VALUE)) {
                if (tx.tx().signer().equals(key(a).publicKey())) {
                    top = Math.max(top, tx.tx().sequence() + 1);
                }
            }
        }
        return top;
    }

    /**
     * After every event: both members applied the whole log and agree on the head; one block per interval
     * since the first tick, none early and none skipped (ticks come less than an interval apart); no block
     * holds a transaction twice, and nothing a block holds is still pending anywhere.
     */
    private static void checkInvariants(
            String where,
            List<Block> log,
            int[] blocksSeen,
            Set<String> included,
            Member leader,
            Member follower,
            Instant firstTick,
            Instant now,
            BlockProducer production) {
        assertThat(leader.applied).as(where).isEqualTo(log.size());
        assertThat(follower.applied).as(where).isEqualTo(log.size());
        assertThat(follower.ledger().state().meta())
                .as(where + ": follower's head")
                .isEqualTo(leader.ledger().state().meta());
        assertThat(production.proposed()).as(where).isEqualTo(log.size());
        long elapsedMs = now.toEpochMilli() - firstTick.toEpochMilli();
        assertThat((long) log.size())
                .as(where + ": blocks after " + elapsedMs + " ms")
                .isEqualTo(elapsedMs / INTERVAL.toMillis());
        for (int i = blocksSeen[0]; i < log.size(); i++) {
            assertThat(log.get(i).timeMillis())
                    .as(where + ": time of block " + (i + 1))
                    .isGreaterThanOrEqualTo(firstTick.toEpochMilli() + (i + 1) * INTERVAL.toMillis());
            for (SignedTx tx : log.get(i).txs()) {
                assertThat(included.add(tx.hashHex()))
                        .as(where + ": included once")
                        .isTrue();
            }
        }
        blocksSeen[0] = log.size();
        for (Member m : List.of(leader, follower)) {
            for (SignedTx tx : m.mempool.reap(Integer.MAX_VALUE, Long.MAX_VALUE)) {
                assertThat(included)
                        .as(where + ": included transaction still pending")
                        .doesNotContain(tx.hashHex());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aStalledProducerDoesNotMakeUpForLostBlocksAndAClockSetBackDoesNotStopIt() {
        List<Block> log = new ArrayList<>();
        Member leader = new Member();
        BlockProducer production =
                new BlockProducer(leader.mempool, key(0).address(), INTERVAL, 20, () -> true, log::add);
        assertThat(production.tick(START)).isEqualTo(START.plus(INTERVAL));
        assertThat(production.tick(START.plusMillis(499))).isEqualTo(START.plus(INTERVAL));
        assertThat(log).isEmpty();
        production.tick(START.plus(INTERVAL));
        assertThat(log).hasSize(1);

        // Ten intervals late: one block now and one for the deadline that passed, not ten.
        Instant late = START.plus(INTERVAL.multipliedBy(11));
        Instant next = production.tick(late);
        assertThat(next).isEqualTo(late);
        production.tick(next);
        assertThat(log).hasSize(3);
        assertThat(production.tick(late.plusMillis(1))).isEqualTo(late.plus(INTERVAL));

        // The wall clock set back an hour: the next block is one interval from the new now.
        Instant back = late.minus(Duration.ofHours(1));
        assertThat(production.tick(back)).isEqualTo(back.plus(INTERVAL));
        production.tick(back.plus(INTERVAL));
        assertThat(log).hasSize(4);
        assertThat(log.get(3).timeMillis()).isEqualTo(back.plus(INTERVAL).toEpochMilli());
    }

    @org.junit.jupiter.api.Test
    void aFollowerForwardsEachTransactionOncePerLeaderAndAgainToANewLeader() throws Exception {
        Member follower = new Member();
        List<String> sentTo = new ArrayList<>();
        String[] leaderId = {"a"};
        TxForwarder forwarding = new TxForwarder(
                follower.mempool,
                new TxForwarder.Leadership() {
                    @Override
                    public boolean isLeader() {
                        return false;
                    }

                    @Override
                    public Optional<String> leaderId() {
                        return Optional.of(leaderId[0]);
                    }
                },
                (to, batch) -> {
                    batch.forEach(tx -> sentTo.add(to));
                    return true;
                },
                Duration.ofMillis(200),
                2,
                Long.MAX_VALUE);
        for (long s = 0; s < 5; s++) {
            assertThat(follower.mempool.submit(send(2, s, 1, 3))).isInstanceOf(Mempool.Accepted.class);
        }
        forwarding.tick(START);
        assertThat(sentTo).isEmpty(); // the first round is an interval away
        forwarding.nudge();
        forwarding.tick(START);
        assertThat(sentTo).containsExactly("a", "a", "a", "a", "a");
        forwarding.tick(START.plusMillis(200));
        assertThat(sentTo).hasSize(5);
        leaderId[0] = "b";
        forwarding.tick(START.plusMillis(400));
        assertThat(sentTo).hasSize(10).endsWith("b", "b", "b", "b", "b");
    }

    private static SignedTx send(int from, long sequence, long amount, int to) {
        KeyPair k = key(from);
        Tx tx = new Tx(
                CHAIN,
                k.publicKey(),
                sequence,
                new Coin("uvyo", 1_000),
                List.of(new Msg.Send(k.address(), key(to).address(), new Coin("uusd", amount))),
                "");
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }
}
