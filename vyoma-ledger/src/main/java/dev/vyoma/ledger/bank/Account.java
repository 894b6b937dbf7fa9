package dev.vyoma.ledger.bank;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An account: its public key (known from its first transaction; null before), the sequence number its
 * next transaction must carry, and the coins it holds, one positive amount per denomination in
 * denomination order. Coins live in the account rather than in a table of their own so that a
 * transaction's fee and sequence change one ledger entry, not two.
 */
public record Account(Address address, PublicKey publicKey, long sequence, List<Coin> coins) {
    public Account {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(coins, "coins");
        coins = List.copyOf(coins);
        for (int i = 0; i < coins.size(); i++) {
            if (coins.get(i).amount() <= 0) {
                throw new IllegalArgumentException("an account holds positive amounts only: " + coins.get(i));
            }
            if (i > 0 && coins.get(i - 1).denom().compareTo(coins.get(i).denom()) >= 0) {
                throw new IllegalArgumentException("an account's coins are one per denomination, in order");
            }
        }
    }

    /** A new account with no key, sequence 0 and nothing in it. */
    public static Account empty(Address address) {
        return new Account(address, null, 0, List.of());
    }

    /** The amount held in {@code denom}, 0 if none. */
    public long balance(String denom) {
        for (Coin c : coins) {
            if (c.denom().equals(denom)) {
                return c.amount();
            }
        }
        return 0;
    }

    /** This account holding {@code amount} of {@code denom} (none when 0), the rest unchanged. */
    public Account withBalance(String denom, long amount) {
        List<Coin> out = new ArrayList<>(coins.size() + 1);
        boolean placed = false;
        for (Coin c : coins) {
            int order = c.denom().compareTo(denom);
            if (order == 0) {
                continue;
            }
            if (order > 0 && !placed) {
                if (amount > 0) {
                    out.add(new Coin(denom, amount));
                }
                placed = true;
            }
            out.add(c);
        }
        if (!placed && amount > 0) {
            out.add(new Coin(denom, amount));
        }
        return new Account(address, publicKey, sequence, out);
    }

    /** This account after a transaction signed with {@code key}: the key recorded, the sequence one on. */
    public Account nextSequence(PublicKey key) {
        return new Account(address, key, sequence + 1, coins);
    }
}
