package dev.vyoma.sim;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Signs the simulated agents' transactions and verifies their signatures on worker threads, the way a node
 * verifies at mempool admission, so that the ledger gets {@code apply(block, verdicts)} with verdicts computed
 * beforehand. What a batch contains and in which order is fixed when it is submitted, so the threads change
 * only when the work is done, never the result. Owns its threads: close it.
 *
 * <p>The simulator is the only signer, each agent with its own key, so checking its signatures re-proves what
 * it just did: {@code verifyEvery} lets a long run check one transaction in N (chosen by its place in the run,
 * so the same ones every time) and trust the others, as verdicts true. Verification is 70% of this class's
 * work; 1 checks every signature.
 */
final class TxPipeline implements AutoCloseable {
    /** Most messages one transaction carries (the ledger's limit). */
    static final int MSGS_PER_TX = dev.vyoma.ledger.machine.Params.MAX_MSGS_PER_TX;

    /** A batch's transactions, in block order, and each one's signature verdict. */
    // Handed once from the signing threads to Ledger.apply, which takes the verdicts as an array; never compared.
    @SuppressWarnings("ArrayRecordComponent")
    record Signed(List<SignedTx> txs, boolean[] verdicts) {}

    /** One transaction to sign: its signer and messages, with the sequence already assigned. */
    record Unsigned(KeyPair key, long sequence, List<Msg> msgs) {}

    private final String chainId;
    private final Coin maxFee;
    private final ExecutorService pool;
    private final int threads;

    private final int verifyEvery;
    private long submitted;

    TxPipeline(String chainId, Coin maxFee, int threads, int verifyEvery) {
        if (verifyEvery < 1) {
            throw new IllegalArgumentException("verifyEvery is 1 or more, got " + verifyEvery);
        }
        this.verifyEvery = verifyEvery;
        this.chainId = chainId;
        this.maxFee = maxFee;
        this.threads = Math.max(1, threads);
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "vyoma-sim-sign");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts signing and verifying {@code batch}; the future gives the transactions in the same order. */
    CompletableFuture<Signed> submit(List<Unsigned> batch) {
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(new Signed(List.of(), new boolean[0]));
        }
        int parts = Math.min(threads, batch.size());
        long first = submitted;
        submitted += batch.size();
        List<CompletableFuture<SignedTx[]>> futures = new ArrayList<>(parts);
        boolean[] verdicts = new boolean[batch.size()];
        for (int p = 0; p < parts; p++) {
            int from = p * batch.size() / parts;
            int to = (p + 1) * batch.size() / parts;
            futures.add(CompletableFuture.supplyAsync(
                    () -> {
                        SignedTx[] out = new SignedTx[to - from];
                        for (int i = from; i < to; i++) {
                            Unsigned u = batch.get(i);
                            Tx tx = new Tx(chainId, u.key().publicKey(), u.sequence(), maxFee, u.msgs(), "");
                            SignedTx s = new SignedTx(tx, sign(u.key(), tx.signBytes()));
                            verdicts[i] = (first + i) % verifyEvery != 0
                                    || Ed25519.verify(tx.signer(), s.signBytes(), s.signature());
                            out[i - from] = s;
                        }
                        return out;
                    },
                    pool));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    List<SignedTx> txs = new ArrayList<>(batch.size());
                    for (CompletableFuture<SignedTx[]> f : futures) {
                        txs.addAll(List.of(f.join()));
                    }
                    return new Signed(txs, verdicts);
                });
    }

    /**
     * The same RFC 8032 signature as {@link Ed25519#sign}, given BouncyCastle the public key the key pair already
     * has instead of deriving it again for every message (half the cost of signing).
     */
    static dev.vyoma.ledger.crypto.Signature sign(KeyPair key, byte[] message) {
        byte[] sig = new byte[dev.vyoma.ledger.crypto.Signature.LENGTH_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
                key.privateKey().seed(), 0, key.publicKey().bytes(), 0, message, 0, message.length, sig, 0);
        return new dev.vyoma.ledger.crypto.Signature(sig);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
