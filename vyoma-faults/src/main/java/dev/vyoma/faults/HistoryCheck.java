package dev.vyoma.faults;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Invariants;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.node.store.BlockCodec;
import dev.vyoma.node.store.BlockStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks of a run, on the block stores the members wrote (read after they stopped): every height holds the same
 * block and the same state commitment on every member that has it; replaying the blocks from genesis gives the
 * stored commitments with the supply and the other ledger invariants holding after every block; every acknowledged
 * transaction is where its answer said, and applied once; each client's applied transactions carry the sequences
 * 0, 1, 2, … in chain order and its acknowledgements follow that order. Each failure is one line.
 */
final class HistoryCheck {
    /** What the checks found: the failures and the figures of the history. */
    record Outcome(List<String> failures, long height, long txs, long acknowledged) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    /** Most failures listed; past these the first ones say enough. */
    private static final int MAX_FAILURES = 20;

    private HistoryCheck() {}

    static Outcome run(Genesis genesis, List<Path> homes, List<Workload.Ack> acks, int clients, long mustReach) {
        List<String> failures = new ArrayList<>();
        List<BlockStore> stores = new ArrayList<>();
        try {
            for (Path home : homes) {
                stores.add(BlockStore.open(home.resolve("blocks")));
            }
            return check(genesis, stores, acks, clients, mustReach, failures);
        } finally {
            stores.forEach(BlockStore::close);
        }
    }

    private static Outcome check(
            Genesis genesis,
            List<BlockStore> stores,
            List<Workload.Ack> acks,
            int clients,
            long mustReach,
            List<String> failures) {
        long top = 0;
        for (int m = 0; m < stores.size(); m++) {
            long latest = stores.get(m).latestHeight();
            top = Math.max(top, latest);
            if (latest < mustReach) {
                fail(failures, "n" + m + " is stuck at height " + latest + "; the others reached " + mustReach);
            }
        }
        // One block per height, the same on every member that holds it.
        List<Block> chain = new ArrayList<>();
        List<BlockResult> results = new ArrayList<>();
        for (long h = 1; h <= top; h++) {
            Block reference = null;
            BlockResult referenceResult = null;
            int holder = -1;
            for (int m = 0; m < stores.size(); m++) {
                BlockStore s = stores.get(m);
                Optional<Block> b = s.block(h);
                if (b.isEmpty()) {
                    // A member that joined from a snapshot holds the blocks after it only.
                    if (h >= s.firstHeight() && h <= s.latestHeight()) {
                        fail(failures, "n" + m + " holds height " + s.latestHeight() + " but no block " + h);
                    }
                    continue;
                }
                BlockResult r = s.result(h).orElse(null);
                if (r == null) {
                    fail(failures, "n" + m + " holds block " + h + " without its result");
                    continue;
                }
                if (reference == null) {
                    reference = b.get();
                    referenceResult = r;
                    holder = m;
                } else if (!Arrays.equals(BlockCodec.encode(reference), BlockCodec.encode(b.get()))
                        || !referenceResult.blockHashHex().equals(r.blockHashHex())
                        || !referenceResult.stateHex().equals(r.stateHex())) {
                    fail(
                            failures,
                            "divergence at height " + h + ": n" + holder + " has block "
                                    + referenceResult.blockHashHex()
                                    + " state " + referenceResult.stateHex() + ", n" + m + " has block "
                                    + r.blockHashHex() + " state " + r.stateHex());
                }
            }
            if (reference == null) {
                fail(failures, "no member holds block " + h);
                return new Outcome(List.copyOf(failures), top, 0, acks.size());
            }
            chain.add(reference);
            results.add(referenceResult);
        }

        // Replayed from genesis: the same commitments, and the invariants after every block.
        Ledger ledger = Ledger.fromGenesis(genesis);
        for (int i = 0; i < chain.size(); i++) {
            BlockResult replayed;
            try {
                replayed = ledger.apply(chain.get(i));
                Invariants.verify(ledger.state());
            } catch (RuntimeException e) {
                fail(failures, "replaying block " + (i + 1) + ": " + e.getMessage());
                break;
            }
            if (!replayed.stateHex().equals(results.get(i).stateHex())
                    || !replayed.blockHashHex().equals(results.get(i).blockHashHex())) {
                fail(
                        failures,
                        "block " + (i + 1) + " replayed from genesis gives state " + replayed.stateHex()
                                + ", the members stored " + results.get(i).stateHex());
                break;
            }
        }

        // Where every transaction is, and which were applied (charged: fee and sequence taken).
        record At(long height, int index, boolean charged) {}
        Map<String, List<At>> where = new HashMap<>();
        Map<Address, List<Long>> sequences = new LinkedHashMap<>();
        long txs = 0;
        for (int i = 0; i < chain.size(); i++) {
            List<SignedTx> blockTxs = chain.get(i).txs();
            for (int t = 0; t < blockTxs.size(); t++) {
                TxResult r = results.get(i).txs().get(t);
                SignedTx tx = blockTxs.get(t);
                where.computeIfAbsent(tx.hashHex(), k -> new ArrayList<>()).add(new At(i + 1, t, r.charged()));
                if (r.charged()) {
                    txs++;
                    sequences
                            .computeIfAbsent(tx.tx().signer().address(), k -> new ArrayList<>())
                            .add(tx.tx().sequence());
                }
            }
        }
        for (Workload.Ack a : acks) {
            List<At> at = where.getOrDefault(a.hash(), List.of());
            if (at.isEmpty()) {
                fail(
                        failures,
                        "acknowledged transaction " + a.hash() + " (client " + a.client() + ", sequence " + a.sequence()
                                + ", said to be at height " + a.height() + ") is in no block: lost");
                continue;
            }
            if (at.get(0).height() != a.height() || at.get(0).index() != a.index()) {
                fail(
                        failures,
                        "acknowledged transaction " + a.hash() + " was answered at " + a.height() + "/" + a.index()
                                + " but is first at " + at.get(0).height() + "/"
                                + at.get(0).index());
            }
            long applied = at.stream().filter(At::charged).count();
            if (applied != 1) {
                fail(failures, "acknowledged transaction " + a.hash() + " was applied " + applied + " times");
            }
        }
        for (int c = 0; c < clients; c++) {
            int client = c;
            Address address = Workload.client(c).address();
            List<Long> seen = sequences.getOrDefault(address, List.of());
            for (int k = 0; k < seen.size(); k++) {
                if (seen.get(k) != k) {
                    fail(
                            failures,
                            "client " + c + "'s applied transactions carry sequences " + seen + ": not 0, 1, 2, …");
                    break;
                }
            }
            List<Workload.Ack> mine = acks.stream()
                    .filter(a -> a.client() == client)
                    .sorted(Comparator.comparingLong(Workload.Ack::sequence))
                    .toList();
            for (int k = 1; k < mine.size(); k++) {
                Workload.Ack before = mine.get(k - 1);
                Workload.Ack after = mine.get(k);
                boolean ordered = before.height() < after.height()
                        || before.height() == after.height() && before.index() < after.index();
                if (!ordered || before.sequence() == after.sequence()) {
                    fail(
                            failures,
                            "client " + c + ": sequence " + before.sequence() + " acknowledged at " + before.height()
                                    + "/" + before.index() + ", sequence " + after.sequence() + " at "
                                    + after.height() + "/" + after.index());
                }
            }
        }
        return new Outcome(List.copyOf(failures), top, txs, acks.size());
    }

    private static void fail(List<String> failures, String line) {
        if (failures.size() < MAX_FAILURES) {
            failures.add(line);
        } else if (failures.size() == MAX_FAILURES) {
            failures.add("… more failures left out");
        }
    }
}
