package dev.vyoma.ledger;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.machine.Params;
import java.util.List;
import java.util.Objects;

/** The chain's starting point: its id, the start time, parameters and the funded accounts. */
public record Genesis(String chainId, long genesisTimeMillis, Params params, List<Allocation> accounts) {
    /** Coins an account holds at genesis. */
    public record Allocation(Address address, List<Coin> coins) {
        public Allocation {
            coins = List.copyOf(coins);
        }
    }

    public Genesis {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(params, "params");
        if (chainId.isBlank() || chainId.length() > 64) {
            throw new IllegalArgumentException("chain id must be 1–64 characters");
        }
        accounts = List.copyOf(accounts);
    }
}
