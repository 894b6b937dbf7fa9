package dev.vyoma.ledger;

import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Invariant;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.Hashes;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.Audits;
import dev.vyoma.ledger.machine.Bank;
import dev.vyoma.ledger.machine.Certificates;
import dev.vyoma.ledger.machine.Context;
import dev.vyoma.ledger.machine.Deployments;
import dev.vyoma.ledger.machine.DepositGrants;
import dev.vyoma.ledger.machine.Inference;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.machine.Market;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.machine.Providers;
import dev.vyoma.ledger.state.Workers;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The market's state machine: {@code apply(block)} gives every transaction's result, the events in
 * order and the new state commitment, and nothing else goes in: height, time and proposer come with
 * the block. Single-threaded; the caller may verify signatures beforehand (in parallel) and pass the
 * verdicts.
 */
public final class Ledger {
    /** Slots of the signer-address memo (a power of two). */
    private static final int ADDRESS_MEMO_SLOTS = 1 << 16;

    private final LedgerState state;

    /**
     * Signer addresses by public key: deriving one is a SHA-256 per transaction, and most transactions come
     * from accounts seen recently. A pure memo, direct-mapped: slot {@code i} holds a key at {@code 2i} and its
     * address at {@code 2i + 1}, and a key whose slot holds another replaces it. A hit reads one slot and
     * writes nothing (an access-ordered map relinked three entries on every hit, cold ones at a large state);
     * keys that share a slot only cost their SHA-256 again. What it holds never changes a result.
     */
    private final Object[] addressMemo = new Object[2 * ADDRESS_MEMO_SLOTS];

    private Ledger(LedgerState state) {
        this.state = state;
    }

    /** A new chain at height 0 from genesis. */
    public static Ledger fromGenesis(Genesis genesis) {
        return fromGenesis(genesis, Workers.inline());
    }

    /**
     * A new chain at height 0 from genesis, whose state commitment is folded on {@code workers} (threads
     * the caller owns; the results are the same as on one thread).
     */
    public static Ledger fromGenesis(Genesis genesis, Workers workers) {
        LedgerState s = new LedgerState();
        s.store.useWorkers(workers);
        Context ctx = new Context(s, 0, genesis.genesisTimeMillis(), genesis.params(), new ArrayList<>());
        s.params.put("params", genesis.params());
        for (Genesis.Allocation a : genesis.accounts()) {
            s.accounts.put(a.address(), Account.empty(a.address()));
            for (Coin c : a.coins()) {
                Bank.credit(ctx, a.address(), c);
                s.supply.put(c.denom(), Math.addExact(s.supply.find(c.denom()).orElse(0L), c.amount()));
            }
        }
        s.store.finishBlock();
        String hash = hex(Hashes.sha256(genesis.chainId().getBytes(StandardCharsets.UTF_8), s.store.commitment()));
        s.meta.put("chain", new LedgerState.Meta(genesis.chainId(), 0, genesis.genesisTimeMillis(), hash));
        s.store.finishBlock();
        return new Ledger(s);
    }

    /** A ledger restored from a snapshot taken with {@link #snapshot()}. */
    public static Ledger fromSnapshot(byte[] snapshot) {
        return fromSnapshot(snapshot, Workers.inline());
    }

    /** A ledger restored from a snapshot, folding its commitment on {@code workers}. */
    public static Ledger fromSnapshot(byte[] snapshot, Workers workers) {
        LedgerState s = new LedgerState();
        s.store.useWorkers(workers);
        s.store.importSnapshot(snapshot);
        return new Ledger(s);
    }

    /** Every table and the commitment, for {@link #fromSnapshot}. */
    public byte[] snapshot() {
        return state.store.exportSnapshot();
    }

    /** Read access for queries. */
    public LedgerState state() {
        return state;
    }

    /** Applies a block, verifying every signature here. */
    public BlockResult apply(Block block) {
        int n = block.txs().size();
        boolean[] verdicts = new boolean[n];
        for (int i = 0; i < n; i++) {
            SignedTx t = block.txs().get(i);
            verdicts[i] = Ed25519.verify(t.tx().signer(), t.signBytes(), t.signature());
        }
        return apply(block, verdicts);
    }

    /** Applies a block whose signatures were verified by the caller ({@code verdicts[i]} for tx i). */
    public BlockResult apply(Block block, boolean[] signatureValid) {
        LedgerState.Meta meta = state.meta();
        Invariant.check(
                block.height() == meta.height() + 1, "block height " + block.height() + " follows " + meta.height());
        Invariant.check(block.timeMillis() >= meta.timeMillis(), "block time does not go backwards");
        Invariant.check(signatureValid.length == block.txs().size(), "one signature verdict per transaction");
        Params params = state.params();
        List<Event> events = new ArrayList<>();
        Context ctx = new Context(state, block.height(), block.timeMillis(), params, events);

        // Deployments whose escrow runs out at this height close before any transaction sees them.
        for (DeploymentId id : dev.vyoma.ledger.machine.Escrow.dueRunOuts(ctx)) {
            Deployments.closeExhausted(ctx, id);
        }

        List<TxResult> results = new ArrayList<>(block.txs().size());
        int limit = Math.min(block.txs().size(), params.maxTxsPerBlock());
        for (int i = 0; i < block.txs().size(); i++) {
            SignedTx tx = block.txs().get(i);
            if (i >= limit) {
                results.add(new TxResult(
                        tx.hashHex(),
                        ErrorCode.INVALID_REQUEST,
                        "block has more than " + params.maxTxsPerBlock() + " transactions",
                        false,
                        List.of()));
                continue;
            }
            results.add(applyTx(ctx, tx, signatureValid[i]));
        }

        byte[] stateHash = state.store.finishBlock();
        byte[] txRoot = Hashes.sha256(results.stream()
                .map(r -> r.txHash().getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new));
        String blockHash = hex(Hashes.sha256(
                HexFormat.of().parseHex(meta.blockHashHex()),
                longBytes(block.height()),
                longBytes(block.timeMillis()),
                block.proposer().bytes(),
                txRoot,
                stateHash));
        state.meta.put("chain", new LedgerState.Meta(meta.chainId(), block.height(), block.timeMillis(), blockHash));
        // The meta row itself is part of the state: fold it in so the next block starts from a settled commitment.
        String finalState = hex(state.store.finishBlock());
        return new BlockResult(block.height(), results, events, finalState, blockHash);
    }

    /** The address of {@code key}, from the memo or derived (and remembered). */
    private Address signerAddress(PublicKey key) {
        int h = key.hashCode() * 0x9E3779B9;
        int slot = (h >>> (32 - Integer.numberOfTrailingZeros(ADDRESS_MEMO_SLOTS))) << 1;
        Object[] memo = addressMemo;
        if (memo[slot] instanceof PublicKey k && k.equals(key)) {
            return (Address) memo[slot + 1];
        }
        Address a = key.address();
        memo[slot] = key;
        memo[slot + 1] = a;
        return a;
    }

    private TxResult applyTx(Context ctx, SignedTx signed, boolean signatureValid) {
        String hash = signed.hashHex();
        Tx tx = signed.tx();
        Params p = ctx.params();
        Address signer = signerAddress(tx.signer());
        Account account = ctx.state().accounts.get(signer);
        long sequence = account == null ? 0 : account.sequence();
        Admission.Verdict verdict = Admission.check(ctx.state(), signed, signer, signatureValid, sequence, 0);
        if (!verdict.admitted()) {
            return new TxResult(hash, verdict.code(), verdict.why(), false, List.of());
        }
        long fee = verdict.fee();

        // Admitted: the fee and the sequence are taken whatever the messages do.
        int firstEvent = ctx.events().size();
        state.store.begin();
        Coin feeCoin = new Coin(p.feeDenom(), fee);
        Bank.debit(ctx, signer, feeCoin, "the fee");
        state.fees.put(p.feeDenom(), state.fees.find(p.feeDenom()).orElse(0L) + fee);
        state.accounts.put(signer, state.accounts.get(signer).nextSequence(tx.signer()));
        if (fee > 0) {
            ctx.emit(new Event.FeePaid(signer, feeCoin));
        }
        state.store.commit();

        int msgEvents = ctx.events().size();
        state.store.begin();
        try {
            for (Msg m : tx.msgs()) {
                String missing = MessageShape.missingField(m);
                if (missing != null) {
                    throw new Rejected(ErrorCode.INVALID_REQUEST, m.kind() + "." + missing + " is missing");
                }
                dispatch(ctx, m);
            }
            state.store.commit();
            return new TxResult(
                    hash,
                    null,
                    "",
                    true,
                    ctx.events().subList(firstEvent, ctx.events().size()));
        } catch (Rejected r) {
            state.store.rollback();
            ctx.events().subList(msgEvents, ctx.events().size()).clear();
            return new TxResult(
                    hash,
                    r.code(),
                    r.getMessage(),
                    true,
                    ctx.events().subList(firstEvent, ctx.events().size()));
        } catch (RuntimeException e) {
            // A record constructor or overflow check refused a value, or a field was missing: the message
            // is malformed. Whatever it is, the transaction's writes are undone and the node keeps going.
            state.store.rollback();
            ctx.events().subList(msgEvents, ctx.events().size()).clear();
            return new TxResult(
                    hash,
                    ErrorCode.INVALID_REQUEST,
                    e.getMessage(),
                    true,
                    ctx.events().subList(firstEvent, ctx.events().size()));
        }
    }

    private static void dispatch(Context ctx, Msg m) {
        switch (m) {
            case Msg.Send s -> Bank.handle(ctx, s);
            case Msg.CreateProvider c -> Providers.handle(ctx, c);
            case Msg.UpdateProvider u -> Providers.handle(ctx, u);
            case Msg.DeleteProvider d -> Providers.handle(ctx, d);
            case Msg.SignProviderAttributes s -> Audits.handle(ctx, s);
            case Msg.DeleteProviderAttributes d -> Audits.handle(ctx, d);
            case Msg.CreateCertificate c -> Certificates.handle(ctx, c);
            case Msg.RevokeCertificate r -> Certificates.handle(ctx, r);
            case Msg.CreateDeployment c -> Deployments.handle(ctx, c);
            case Msg.UpdateDeployment u -> Deployments.handle(ctx, u);
            case Msg.DepositDeployment d -> Deployments.handle(ctx, d);
            case Msg.CreateDeploymentFromGrant c -> Deployments.handle(ctx, c);
            case Msg.DepositDeploymentFromGrant d -> Deployments.handle(ctx, d);
            case Msg.GrantDeposit g -> DepositGrants.handle(ctx, g);
            case Msg.RevokeDepositGrant r -> DepositGrants.handle(ctx, r);
            case Msg.CloseDeployment c -> Deployments.handle(ctx, c);
            case Msg.CloseGroup c -> Deployments.handle(ctx, c);
            case Msg.PauseGroup p -> Deployments.handle(ctx, p);
            case Msg.StartGroup s -> Deployments.handle(ctx, s);
            case Msg.CreateBid b -> Market.handle(ctx, b);
            case Msg.CloseBid b -> Market.handle(ctx, b);
            case Msg.CreateLease l -> Market.handle(ctx, l);
            case Msg.CloseLease l -> Market.handle(ctx, l);
            case Msg.CloseLeaseForFault l -> Market.handle(ctx, l);
            case Msg.WithdrawLease w -> Market.handle(ctx, w);
            case Msg.OpenInferenceAccount o -> Inference.handle(ctx, o);
            case Msg.DepositInferenceAccount d -> Inference.handle(ctx, d);
            case Msg.CloseInferenceAccount c -> Inference.handle(ctx, c);
            case Msg.ChargeInference c -> Inference.handle(ctx, c);
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
