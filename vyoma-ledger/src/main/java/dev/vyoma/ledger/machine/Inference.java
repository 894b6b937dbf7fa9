package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.inference.GatewaySettlement;
import dev.vyoma.ledger.inference.InferenceAccount;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.inference.InferenceAccountState;
import dev.vyoma.ledger.inference.InferenceCharge;
import dev.vyoma.ledger.inference.InferenceChargeKey;
import dev.vyoma.ledger.inference.InferenceChargeRecord;
import dev.vyoma.ledger.tx.Msg;

/**
 * The inference module's messages: open, deposit, close (the owner) and the batched charge (the gateway).
 * Rules: accounts hold the deposit denomination; only the named gateway charges; a gateway's batches are
 * numbered 1, 2, 3, … with no gap or repeat (a batch sent twice is refused, not paid twice); each charge pays
 * {@code floor((carry + costPico) / 10^6)} whole micro-units and carries the rest; a batch whose charge
 * exceeds an account's balance is refused whole; closing refunds the balance (a carry below one micro-unit
 * is forgiven).
 */
public final class Inference {

    /** Most accounts one batch charges. */
    public static final int MAX_CHARGES_PER_BATCH = 256;

    private Inference() {}

    /** Handles the inference module's messages. */
    public static void handle(Context ctx, Msg m) {
        switch (m) {
            case Msg.OpenInferenceAccount o -> open(ctx, o);
            case Msg.DepositInferenceAccount d -> deposit(ctx, d);
            case Msg.CloseInferenceAccount c -> close(ctx, c);
            case Msg.ChargeInference c -> charge(ctx, c);
            default -> throw new IllegalArgumentException("not an inference message: " + m.kind());
        }
    }

    private static void open(Context ctx, Msg.OpenInferenceAccount m) {
        String denom = ctx.params().depositDenom();
        Rejected.unless(
                !m.owner().equals(m.gateway()),
                ErrorCode.SAME_ACCOUNT,
                "an inference account's gateway must be another account than its owner");
        checkCoin(m.deposit(), denom, "the opening deposit");
        InferenceAccountId id = new InferenceAccountId(m.owner(), m.gateway());
        InferenceAccount existing = ctx.state().inferenceAccounts.get(id);
        Rejected.unless(
                existing == null || existing.state() == InferenceAccountState.CLOSED,
                ErrorCode.INFERENCE_ACCOUNT_EXISTS,
                () -> "inference account " + id + " is open; deposit into it instead");
        Bank.debit(ctx, m.owner(), m.deposit(), "this inference deposit");
        ctx.state()
                .inferenceAccounts
                .put(
                        id,
                        new InferenceAccount(
                                id,
                                denom,
                                m.deposit().amount(),
                                0,
                                m.deposit().amount(),
                                0,
                                existing == null ? 0 : existing.lastBatch(),
                                InferenceAccountState.OPEN,
                                ctx.height()));
        ctx.emit(new Event.InferenceAccountOpened(id));
        ctx.emit(new Event.InferenceDeposit(id, m.deposit()));
    }

    private static void deposit(Context ctx, Msg.DepositInferenceAccount m) {
        InferenceAccount a = open(ctx, new InferenceAccountId(m.owner(), m.gateway()));
        checkCoin(m.amount(), a.denom(), "the deposit");
        Bank.debit(ctx, m.owner(), m.amount(), "this inference deposit");
        ctx.state()
                .inferenceAccounts
                .put(
                        a.id(),
                        new InferenceAccount(
                                a.id(),
                                a.denom(),
                                Math.addExact(a.balance(), m.amount().amount()),
                                a.carryPico(),
                                Math.addExact(a.depositedTotal(), m.amount().amount()),
                                a.chargedTotal(),
                                a.lastBatch(),
                                a.state(),
                                a.openedHeight()));
        ctx.emit(new Event.InferenceDeposit(a.id(), m.amount()));
    }

    private static void close(Context ctx, Msg.CloseInferenceAccount m) {
        InferenceAccount a = open(ctx, new InferenceAccountId(m.owner(), m.gateway()));
        Coin refund = new Coin(a.denom(), a.balance());
        Bank.credit(ctx, m.owner(), refund);
        ctx.state()
                .inferenceAccounts
                .put(
                        a.id(),
                        new InferenceAccount(
                                a.id(),
                                a.denom(),
                                0,
                                0,
                                a.depositedTotal(),
                                a.chargedTotal(),
                                a.lastBatch(),
                                InferenceAccountState.CLOSED,
                                a.openedHeight()));
        ctx.emit(new Event.InferenceAccountClosed(a.id(), refund));
    }

    private static void charge(Context ctx, Msg.ChargeInference m) {
        GatewaySettlement g = ctx.state().inferenceGateways.get(m.gateway());
        long last = g == null ? 0 : g.lastBatch();
        Rejected.unless(
                m.batch() == last + 1,
                ErrorCode.INFERENCE_BATCH_OUT_OF_ORDER,
                () -> "gateway " + m.gateway() + " settled batch " + last + "; the next is " + (last + 1) + ", got "
                        + m.batch());
        Rejected.unless(
                !m.charges().isEmpty() && m.charges().size() <= MAX_CHARGES_PER_BATCH,
                ErrorCode.INFERENCE_CHARGE_INVALID,
                () -> "a batch charges 1–" + MAX_CHARGES_PER_BATCH + " accounts, got "
                        + m.charges().size());
        long paidTotal = 0;
        String denom = ctx.params().depositDenom();
        Address previous = null;
        for (InferenceCharge c : m.charges()) {
            Address prev = previous;
            Rejected.unless(
                    prev == null || prev.compareTo(c.owner()) < 0,
                    ErrorCode.INFERENCE_CHARGE_INVALID,
                    "a batch lists each account once, owners in ascending order");
            previous = c.owner();
            Rejected.unless(
                    c.requests() > 0 && c.inputTokens() >= 0 && c.outputTokens() >= 0 && c.costPico() >= 0,
                    ErrorCode.INFERENCE_CHARGE_INVALID,
                    () -> "the charge of " + c.owner() + " needs at least one request and no negative count");
            Rejected.unless(
                    isSha256Hex(c.recordsHashHex()),
                    ErrorCode.INFERENCE_CHARGE_INVALID,
                    () -> "the records hash of " + c.owner() + " is 64 lowercase hex digits");
            InferenceAccountId id = new InferenceAccountId(c.owner(), m.gateway());
            InferenceAccount a = open(ctx, id);
            long total = Math.addExact(a.carryPico(), c.costPico());
            long paid = total / InferenceAccount.PICO_PER_MICRO;
            long carry = total % InferenceAccount.PICO_PER_MICRO;
            Rejected.unless(
                    paid <= a.balance(),
                    ErrorCode.INSUFFICIENT_FUNDS,
                    () -> "inference account " + id + " holds " + a.balance() + a.denom() + " but the charge is " + paid
                            + a.denom());
            ctx.state()
                    .inferenceAccounts
                    .put(
                            id,
                            new InferenceAccount(
                                    id,
                                    a.denom(),
                                    a.balance() - paid,
                                    carry,
                                    a.depositedTotal(),
                                    Math.addExact(a.chargedTotal(), paid),
                                    m.batch(),
                                    a.state(),
                                    a.openedHeight()));
            InferenceChargeKey key = new InferenceChargeKey(id, m.batch());
            ctx.state()
                    .inferenceCharges
                    .put(
                            key,
                            new InferenceChargeRecord(
                                    key,
                                    c.requests(),
                                    c.inputTokens(),
                                    c.outputTokens(),
                                    c.costPico(),
                                    paid,
                                    carry,
                                    c.recordsHashHex(),
                                    ctx.height()));
            paidTotal = Math.addExact(paidTotal, paid);
            ctx.emit(new Event.InferenceCharged(id, m.batch(), new Coin(a.denom(), paid), c.costPico()));
            denom = a.denom();
        }
        Coin paid = new Coin(denom, paidTotal);
        Bank.credit(ctx, m.gateway(), paid);
        ctx.state()
                .inferenceGateways
                .put(
                        m.gateway(),
                        new GatewaySettlement(
                                m.gateway(), m.batch(), Math.addExact(g == null ? 0 : g.chargedTotal(), paidTotal)));
        ctx.emit(new Event.InferenceBatchSettled(
                m.gateway(), m.batch(), m.charges().size(), paid));
    }

    /** The open account {@code id}, or a rejection that says it is missing or closed. */
    private static InferenceAccount open(Context ctx, InferenceAccountId id) {
        InferenceAccount a = ctx.state().inferenceAccounts.get(id);
        Rejected.unless(
                a != null,
                ErrorCode.INFERENCE_ACCOUNT_NOT_FOUND,
                () -> "no inference account " + id + "; open one with vyoma tx inference open");
        Rejected.unless(
                a.state() == InferenceAccountState.OPEN,
                ErrorCode.INFERENCE_ACCOUNT_CLOSED,
                () -> "inference account " + id + " is closed; open it again");
        return a;
    }

    private static void checkCoin(Coin c, String denom, String what) {
        Rejected.unless(
                c.denom().equals(denom),
                ErrorCode.INVALID_DENOMINATION,
                () -> what + " is in " + denom + ", got " + c.denom());
        Rejected.unless(c.amount() > 0, ErrorCode.INVALID_COINS, () -> what + " must be positive");
    }

    private static boolean isSha256Hex(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char ch = s.charAt(i);
            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
