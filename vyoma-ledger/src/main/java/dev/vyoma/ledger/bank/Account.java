package dev.vyoma.ledger.bank;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.PublicKey;
import java.util.Arrays;
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
        // Indexed, not for-each: this runs several times per transaction and the iterator was not always
        // optimised away.
        for (int i = 0, n = coins.size(); i < n; i++) {
            Coin c = coins.get(i);
            if (c.denom().equals(denom)) {
                return c.amount();
            }
        }
        return 0;
    }

    /** This account holding {@code amount} of {@code denom} (none when 0), the rest unchanged. */
    public Account withBalance(String denom, long amount) {
        // Built in an array and made an immutable list at once, which the constructor's List.copyOf keeps as
        // it is: no ArrayList and no further copy per change of balance.
        int n = coins.size();
        Coin[] out = new Coin[n + 1];
        int k = 0;
        boolean placed = false;
        for (int i = 0; i < n; i++) {
            Coin c = coins.get(i);
            int order = c.denom().compareTo(denom);
            if (order == 0) {
                continue;
            }
            if (order > 0 && !placed) {
                if (amount > 0) {
                    out[k++] = new Coin(denom, amount);
                }
                placed = true;
            }
            out[k++] = c;
        }
        if (!placed && amount > 0) {
            out[k++] = new Coin(denom, amount);
        }
        return new Account(address, publicKey, sequence, listOf(out, k));
    }

    private static List<Coin> listOf(Coin[] coins, int n) {
        return switch (n) {
            case 0 -> List.of();
            case 1 -> List.of(coins[0]);
            case 2 -> List.of(coins[0], coins[1]);
            default -> List.of(n == coins.length ? coins : Arrays.copyOf(coins, n));
        };
    }

    /** This account after a transaction signed with {@code key}: the key recorded, the sequence one on. */
    public Account nextSequence(PublicKey key) {
        return new Account(address, key, sequence + 1, coins);
    }
}
