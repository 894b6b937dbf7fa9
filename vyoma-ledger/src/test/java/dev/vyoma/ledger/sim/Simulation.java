package dev.vyoma.ledger.sim;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Invariants;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.base.ErrorCode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One simulated chain from one seed: genesis, then {@code blocks} generated blocks, each applied and
 * checked: {@link Invariants#verify}, what each transaction was expected to do, and the money the events
 * move. It records the state commitment, block hash and a fingerprint of the results at every height, and
 * a snapshot at a height drawn from the seed with the blocks after it, for the replays the test compares.
 */
final class Simulation {
    /** How often the model kept from events is compared with the ledger's tables. */
    private static final int MODEL_CHECK_EVERY = 500;

    /** Refusals the ledger decides before it charges the fee. */
    private static final Set<ErrorCode> REFUSED_BEFORE_FEE = Set.of(
            ErrorCode.WRONG_CHAIN_ID,
            ErrorCode.TX_TOO_LARGE,
            ErrorCode.TOO_MANY_MESSAGES,
            ErrorCode.UNAUTHORIZED,
            ErrorCode.WRONG_SEQUENCE,
            ErrorCode.WRONG_SIGNER,
            ErrorCode.INSUFFICIENT_FEE);

    final long seed;
    final int blocks;
    final long snapshotHeight;
    final SimAccounts accounts;
    final BlockGenerator generator;
    final String[] stateHex;
    final String[] blockHashHex;
    /** {@code BlockResult.hashCode()} per height: results and events, comparable within one JVM. */
    final int[] resultHash;
    /** Per height, each transaction's signature verdict as the results show it. */
    final boolean[][] verdicts;
    /** The snapshot after block {@link #snapshotHeight}, and the blocks after it (first run only). */
    byte[] snapshotAtHeight;

    final List<Block> blocksAfterSnapshot = new ArrayList<>();
    byte[] finalSnapshot;

    long txs;
    long txsOk;
    long refusedAdmission;
    long rejectedCharged;
    long maxActiveDeployments;
    private final Map<ErrorCode, Long> rejections = new EnumMap<>(ErrorCode.class);
    private final EscrowBook escrow = new EscrowBook();
    private Ledger ledger;

    private Simulation(long seed, int blocks) {
        this.seed = seed;
        this.blocks = blocks;
        SplittableRandom random = new SplittableRandom(seed);
        this.snapshotHeight = 1 + random.nextInt(Math.max(1, blocks - 1));
        this.accounts = new SimAccounts(random);
        this.generator = new BlockGenerator(random, accounts);
        this.stateHex = new String[blocks + 1];
        this.blockHashHex = new String[blocks + 1];
        this.resultHash = new int[blocks + 1];
        this.verdicts = new boolean[blocks + 1][];
    }

    /**
     * Runs {@code seed} for {@code blocks} blocks, with {@link Invariants#verify} after every block. With a
     * {@code reference} run of the same seed, every height must match it as it goes, so a divergence is
     * reported at the first height where it appears; a replay then verifies the invariants only at the end,
     * since the same commitment at every height means the same state the reference verified.
     */
    static Simulation run(long seed, int blocks, Simulation reference) {
        Simulation sim = new Simulation(seed, blocks);
        sim.execute(reference);
        return sim;
    }

    private void execute(Simulation reference) {
        ledger = Ledger.fromGenesis(accounts.genesis());
        verifyInvariants(0);
        stateHex[0] = HexFormat.of().formatHex(ledger.state().store.commitment());
        for (int h = 1; h <= blocks; h++) {
            BlockGenerator.Generated g = generator.next(ledger.state());
            BlockResult result = apply(h, g.block(), reference);
            stateHex[h] = result.stateHex();
            blockHashHex[h] = result.blockHashHex();
            resultHash[h] = result.hashCode();
            verdicts[h] = verdicts(result);
            if (reference != null) {
                compare(h, reference);
            } else {
                verifyInvariants(h);
            }
            checkResults(h, g, result);
            generator.observe(result);
            String money = escrow.observe(result);
            check(h, money == null, () -> "escrow accounting: " + money);
            maxActiveDeployments = Math.max(maxActiveDeployments, generator.market.activeDeployments.size());
            if (h % MODEL_CHECK_EVERY == 0 || h == blocks) {
                try {
                    Invariants.verifyIndexes(ledger.state());
                } catch (RuntimeException e) {
                    throw failure(h, "Invariants.verifyIndexes failed", e);
                }
                String mismatch = generator.market.mismatch(ledger.state());
                check(h, mismatch == null, () -> "the events disagree with the tables: " + mismatch);
            }
            if (reference == null && h == snapshotHeight) {
                snapshotAtHeight = ledger.snapshot();
            } else if (reference == null && h > snapshotHeight) {
                blocksAfterSnapshot.add(g.block());
            }
        }
        verifyInvariants(blocks);
        finalSnapshot = ledger.snapshot();
    }

    private BlockResult apply(int h, Block block, Simulation reference) {
        try {
            if (reference == null) {
                return ledger.apply(block);
            }
            check(
                    h,
                    block.txs().size() == reference.verdicts[h].length,
                    () -> "same seed, a block of another size than the first run's");
            return ledger.apply(block, reference.verdicts[h]);
        } catch (RuntimeException e) {
            throw failure(h, "an exception escaped Ledger.apply", e);
        }
    }

    private void compare(int h, Simulation reference) {
        check(
                h,
                stateHex[h].equals(reference.stateHex[h]),
                () -> "same seed, different state: " + stateHex[h] + " vs " + reference.stateHex[h]);
        check(h, blockHashHex[h].equals(reference.blockHashHex[h]), () -> "same seed, different block hash");
        check(h, resultHash[h] == reference.resultHash[h], () -> "same seed, different results or events");
    }

    /**
     * The signature verdicts a block's results show: a transaction whose signature does not verify is refused
     * as {@link ErrorCode#UNAUTHORIZED}; one refused by an earlier admission check never has its verdict read.
     * Replays pass these to {@link Ledger#apply(Block, boolean[])}, the entry point for callers that verify
     * signatures beforehand, so each signature is verified once per seed, by the first run's {@link
     * Ledger#apply(Block)}.
     */
    static boolean[] verdicts(BlockResult result) {
        boolean[] v = new boolean[result.txs().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = result.txs().get(i).code() != ErrorCode.UNAUTHORIZED;
        }
        return v;
    }

    private void checkResults(long h, BlockGenerator.Generated g, BlockResult result) {
        List<TxResult> results = result.txs();
        check(h, result.height() == h && ledger.state().meta().height() == h, () -> "the ledger is at height " + h);
        check(h, results.size() == g.expects().size(), () -> "one result per transaction");
        for (int i = 0; i < results.size(); i++) {
            TxResult r = results.get(i);
            BlockGenerator.Expect e = g.expects().get(i);
            int index = i;
            Supplier<String> where = () -> "tx " + index + " (" + e.what() + "): " + r.code() + " " + r.log();
            txs++;
            if (r.ok()) {
                txsOk++;
            } else {
                rejections.merge(r.code(), 1L, Long::sum);
                if (r.charged()) {
                    rejectedCharged++;
                } else {
                    refusedAdmission++;
                }
            }
            check(h, !r.ok() || r.charged(), () -> "an applied transaction is charged: " + where.get());
            check(
                    h,
                    r.ok() || !r.charged() || !REFUSED_BEFORE_FEE.contains(r.code()),
                    () -> "a transaction refused at admission is not charged: " + where.get());
            if (e.codes() != null) {
                boolean met = !r.ok() && (e.codes().isEmpty() || e.codes().contains(r.code()));
                check(
                        h,
                        met,
                        () -> "expected " + (e.codes().isEmpty() ? "a rejection" : e.codes()) + ", " + where.get());
            }
            if (e.admission()) {
                check(h, !r.charged(), () -> "a refused transaction costs nothing: " + where.get());
            }
        }
    }

    /** The {@code n} most frequent rejection codes with their counts, most frequent first. */
    String topRejections(int n) {
        return rejections.entrySet().stream()
                .sorted(Map.Entry.<ErrorCode, Long>comparingByValue().reversed())
                .limit(n)
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private void verifyInvariants(long h) {
        try {
            Invariants.verify(ledger.state());
        } catch (RuntimeException e) {
            throw failure(h, "Invariants.verify failed", e);
        }
    }

    void check(long h, boolean condition, Supplier<String> what) {
        if (!condition) {
            throw failure(h, what.get(), null);
        }
    }

    AssertionError failure(long h, String what, Throwable cause) {
        return new AssertionError(replayLine(seed) + " at height " + h + ": " + what, cause);
    }

    /** What every failure message starts with: the seed and how to replay it. */
    static String replayLine(long seed) {
        return "ledger simulation with seed " + seed + " failed (replay: mvn -pl vyoma-ledger -am test"
                + " -Dtest=LedgerSimulationTest -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=" + seed + ")";
    }
}
