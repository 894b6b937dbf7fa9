package dev.vyoma.node.mempool;

import dev.vyoma.ledger.Admission;
import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.tx.SignedTx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Transactions waiting for a block. Each is admitted once: its signature is verified on the caller's thread
 * (or in parallel, {@link #submitAll}) outside the pool's lock, then the ledger's own admission checks run
 * against the current state ({@link Admission}), with the signer's transactions already in the pool counted:
 * a signer's next transaction must carry the sequence after its last pending one, and its balance must cover
 * the fees of all of them. Duplicates (by hash) are refused, and so is a transaction when the pool is full,
 * in count or bytes, or holds too many of the signer's. Every refusal has a code and a one-line reason.
 *
 * <p>The pool reads the ledger's state under its own monitor. Whoever applies blocks to that ledger does it
 * through {@link #exclusive}, and calls {@link #committed} there, so admission never sees a block half
 * applied; queries of the ledger go through {@link #exclusive} too. Signature verdicts are kept by
 * transaction hash ({@link #verdicts}) so that a block built from the pool is not verified twice.
 *
 * <p>The pool checks fees, not what the messages do: a transaction that spends the balance a later one's fee
 * needs makes that one fail admission in its block, which costs its signer nothing.
 */
public final class Mempool {
    /** Bounds of the pool. */
    public record Limits(int maxTxs, long maxBytes, int maxPerSigner) {
        public Limits {
            if (maxTxs < 1 || maxBytes < 1 || maxPerSigner < 1) {
                throw new IllegalArgumentException(
                        "mempool limits must be positive: " + maxTxs + ", " + maxBytes + ", " + maxPerSigner);
            }
        }

        /** 20,000 transactions, 64 MiB, 500 per signer. */
        public static Limits defaults() {
            return new Limits(20_000, 64L << 20, 500);
        }
    }

    /** What became of a submitted transaction. */
    public sealed interface Outcome {
        String txHash();
    }

    /** In the pool, and charged {@code fee} when its block applies (unless its messages fail first). */
    public record Accepted(String txHash, long fee) implements Outcome {}

    /** Not in the pool: {@code code} and a reason that says what to fix. */
    public record Refused(String txHash, ErrorCode code, String why) implements Outcome {}

    /** A transaction that left the pool without being included, and why (after a block changed the state). */
    public record Evicted(String txHash, ErrorCode code, String why) {}

    private record Entry(SignedTx tx, Address signer, long fee) {}

    /** Most signature verdicts remembered; an evicted verdict is computed again if a block needs it. */
    private static final int VERDICTS_KEPT = 1 << 17;

    private Ledger ledger;
    private final Limits limits;
    /** Pending transactions by hash, in arrival order, which is also each signer's sequence order. */
    private final LinkedHashMap<String, Entry> pending = new LinkedHashMap<>();

    private final Map<Address, ArrayDeque<Entry>> bySigner = new LinkedHashMap<>();
    private final Map<String, Boolean> verdicts = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > VERDICTS_KEPT;
        }
    };
    private long bytes;

    public Mempool(Ledger ledger, Limits limits) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Verifies and admits one transaction. */
    public Outcome submit(SignedTx tx) {
        Boolean known = knownVerdict(tx.hashHex());
        boolean valid = known != null ? known : verify(tx);
        synchronized (this) {
            return admit(tx, valid);
        }
    }

    /** Verifies the transactions in parallel on {@code executor}, then admits them in the order given. */
    public List<Outcome> submitAll(List<SignedTx> txs, Executor executor) {
        List<CompletableFuture<Boolean>> checks = new ArrayList<>(txs.size());
        for (SignedTx tx : txs) {
            checks.add(CompletableFuture.supplyAsync(() -> verify(tx), executor));
        }
        List<Outcome> out = new ArrayList<>(txs.size());
        synchronized (this) {
            for (int i = 0; i < txs.size(); i++) {
                out.add(admit(txs.get(i), checks.get(i).join()));
            }
        }
        return out;
    }

    /**
     * The transactions for the next block: the oldest first, at most {@code maxTxs} and {@code maxBytes} of
     * them (their wire size). They stay in the pool until {@link #committed}.
     */
    public synchronized List<SignedTx> reap(int maxTxs, long maxBytes) {
        List<SignedTx> out = new ArrayList<>(Math.min(maxTxs, pending.size()));
        long size = 0;
        for (Entry e : pending.values()) {
            if (out.size() >= maxTxs || size + e.tx.wireLength() > maxBytes) {
                break;
            }
            size += e.tx.wireLength();
            out.add(e.tx);
        }
        return out;
    }

    /**
     * Signature verdicts for a block's transactions: the remembered ones, and the others verified now (in
     * parallel on {@code executor}), as a node does for a block built by another member.
     */
    public boolean[] verdicts(Block block, Executor executor) {
        List<SignedTx> txs = block.txs();
        boolean[] out = new boolean[txs.size()];
        List<CompletableFuture<Void>> missing = new ArrayList<>();
        for (int i = 0; i < txs.size(); i++) {
            Boolean known = knownVerdict(txs.get(i).hashHex());
            if (known != null) {
                out[i] = known;
            } else {
                int index = i;
                missing.add(CompletableFuture.runAsync(() -> out[index] = verify(txs.get(index)), executor));
            }
        }
        // join() also publishes what the other threads wrote into out.
        missing.forEach(CompletableFuture::join);
        return out;
    }

    /**
     * Runs {@code action} holding the pool's lock: applying a block to the ledger (then {@link #committed})
     * and reading the ledger's state go through here.
     */
    public synchronized <T> T exclusive(Supplier<T> action) {
        return action.get();
    }

    /**
     * After {@code block} applied to the ledger: drops its transactions and checks what is left against the
     * new state; a signer's transactions from the first that no longer passes on are evicted (their
     * sequences would not follow). Call it inside {@link #exclusive}, right after the block.
     */
    public synchronized List<Evicted> committed(Block block) {
        for (SignedTx tx : block.txs()) {
            Entry e = pending.remove(tx.hashHex());
            if (e != null) {
                bytes -= e.tx.wireLength();
                ArrayDeque<Entry> queue = bySigner.get(e.signer);
                queue.remove(e);
                if (queue.isEmpty()) {
                    bySigner.remove(e.signer);
                }
            }
        }
        List<Evicted> evicted = new ArrayList<>();
        LedgerState state = ledger.state();
        Iterator<Map.Entry<Address, ArrayDeque<Entry>>> signers =
                bySigner.entrySet().iterator();
        while (signers.hasNext()) {
            Map.Entry<Address, ArrayDeque<Entry>> s = signers.next();
            Account account = state.accounts.get(s.getKey());
            long sequence = account == null ? 0 : account.sequence();
            long reserved = 0;
            boolean failed = false;
            Iterator<Entry> it = s.getValue().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (!failed && e.tx.tx().sequence() < sequence) {
                    // Another transaction with this sequence made it into a block: this one can never apply,
                    // but the signer's later ones still follow.
                    evicted.add(new Evicted(
                            e.tx.hashHex(),
                            ErrorCode.WRONG_SEQUENCE,
                            "sequence " + e.tx.tx().sequence() + " of " + e.signer
                                    + " was used by another transaction"));
                    it.remove();
                    pending.remove(e.tx.hashHex());
                    bytes -= e.tx.wireLength();
                    continue;
                }
                Admission.Verdict v = failed ? null : Admission.check(state, e.tx, e.signer, true, sequence, reserved);
                if (v != null && v.admitted()) {
                    sequence++;
                    reserved += v.fee();
                    continue;
                }
                if (v == null) {
                    evicted.add(new Evicted(
                            e.tx.hashHex(),
                            ErrorCode.WRONG_SEQUENCE,
                            "an earlier transaction of " + e.signer + " left the pool, so sequence "
                                    + e.tx.tx().sequence() + " no longer follows"));
                } else {
                    evicted.add(new Evicted(e.tx.hashHex(), v.code(), v.why()));
                }
                failed = true;
                it.remove();
                pending.remove(e.tx.hashHex());
                bytes -= e.tx.wireLength();
            }
            if (s.getValue().isEmpty()) {
                signers.remove();
            }
        }
        return evicted;
    }

    /**
     * Points the pool at another ledger (a node that installed a snapshot) and checks what it holds against
     * that state, as after a block; returns what left.
     */
    public synchronized List<Evicted> replaceLedger(Ledger replacement) {
        this.ledger = Objects.requireNonNull(replacement, "replacement");
        return committed(new Block(0, 0, dev.vyoma.ledger.crypto.Address.MIN, List.of()));
    }

    /** The ledger the pool checks against; read it only inside {@link #exclusive}. */
    public synchronized Ledger ledger() {
        return ledger;
    }

    /** Whether the pool holds the transaction with this hash (hex). */
    public synchronized boolean contains(String txHash) {
        return pending.containsKey(txHash);
    }

    /** Transactions in the pool. */
    public synchronized int size() {
        return pending.size();
    }

    /** Wire bytes of the transactions in the pool. */
    public synchronized long bytes() {
        return bytes;
    }

    public Limits limits() {
        return limits;
    }

    private Outcome admit(SignedTx tx, boolean signatureValid) {
        String hash = tx.hashHex();
        remember(hash, signatureValid);
        if (pending.containsKey(hash)) {
            return new Refused(hash, ErrorCode.TX_IN_MEMPOOL, "transaction " + hash + " is already in the mempool");
        }
        Address signer = tx.tx().signer().address();
        ArrayDeque<Entry> queue = bySigner.get(signer);
        LedgerState state = ledger.state();
        long sequence;
        long reserved = 0;
        if (queue == null) {
            Account account = state.accounts.get(signer);
            sequence = account == null ? 0 : account.sequence();
        } else {
            sequence = queue.peekLast().tx.tx().sequence() + 1;
            for (Entry e : queue) {
                reserved += e.fee;
            }
        }
        Admission.Verdict v = Admission.check(state, tx, signer, signatureValid, sequence, reserved);
        if (!v.admitted()) {
            return new Refused(hash, v.code(), v.why());
        }
        if (queue != null && queue.size() >= limits.maxPerSigner()) {
            return new Refused(
                    hash,
                    ErrorCode.MEMPOOL_FULL,
                    signer + " already has " + queue.size() + " transactions waiting (the most per account); "
                            + "submit again after the next block");
        }
        if (pending.size() >= limits.maxTxs() || bytes + tx.wireLength() > limits.maxBytes()) {
            return new Refused(
                    hash,
                    ErrorCode.MEMPOOL_FULL,
                    "the mempool is full (" + pending.size() + " transactions, " + bytes + " bytes); try again "
                            + "after the next block");
        }
        Entry e = new Entry(tx, signer, v.fee());
        pending.put(hash, e);
        bySigner.computeIfAbsent(signer, a -> new ArrayDeque<>()).addLast(e);
        bytes += tx.wireLength();
        return new Accepted(hash, v.fee());
    }

    private static boolean verify(SignedTx tx) {
        return Ed25519.verify(tx.tx().signer(), tx.signBytes(), tx.signature());
    }

    private Boolean knownVerdict(String hash) {
        synchronized (verdicts) {
            return verdicts.get(hash);
        }
    }

    private void remember(String hash, boolean valid) {
        synchronized (verdicts) {
            verdicts.put(hash, valid);
        }
    }
}
