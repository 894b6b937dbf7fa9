package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.tx.Msg;

/** Balances: credit, debit with a clear shortfall message, and the {@code Send} message. */
public final class Bank {
    private Bank() {}

    /** The balance of {@code owner} in {@code denom}. */
    public static long balance(Context ctx, Address owner, String denom) {
        Account a = ctx.state().accounts.get(owner);
        return a == null ? 0 : a.balance(denom);
    }

    /**
     * Adds coins to an account (from escrow, refunds, genesis). Receiving coins opens the account, so that
     * its owner can then sign transactions.
     */
    public static void credit(Context ctx, Address owner, Coin coin) {
        if (coin.isZero()) {
            return;
        }
        Account a = ctx.state().accounts.get(owner);
        if (a == null) {
            a = Account.empty(owner);
        }
        ctx.state()
                .accounts
                .put(owner, a.withBalance(coin.denom(), Math.addExact(a.balance(coin.denom()), coin.amount())));
    }

    /** Takes coins from an account, or rejects with what is missing. */
    public static void debit(Context ctx, Address owner, Coin coin, String what) {
        Account a = ctx.state().accounts.get(owner);
        long have = a == null ? 0 : a.balance(coin.denom());
        if (have < coin.amount()) {
            throw new Rejected(
                    ErrorCode.INSUFFICIENT_FUNDS,
                    owner + " has " + have + coin.denom() + " but " + what + " needs " + coin);
        }
        if (coin.amount() > 0) {
            ctx.state().accounts.put(owner, a.withBalance(coin.denom(), have - coin.amount()));
        }
    }

    static void send(Context ctx, Msg.Send m) {
        Rejected.unless(m.amount().amount() > 0, ErrorCode.INVALID_COINS, "send a positive amount");
        Rejected.unless(
                !m.from().equals(m.to()), ErrorCode.INVALID_REQUEST, "sender and recipient are the same account");
        debit(ctx, m.from(), m.amount(), "this send");
        credit(ctx, m.to(), m.amount());
        ctx.emit(new Event.Transfer(m.from(), m.to(), m.amount()));
    }

    /** Handles the bank's messages. */
    public static void handle(Context ctx, Msg.Send m) {
        send(ctx, m);
    }
}
