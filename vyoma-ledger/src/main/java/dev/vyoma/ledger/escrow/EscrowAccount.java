package dev.vyoma.ledger.escrow;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import java.math.BigDecimal;
import java.util.List;

/**
 * A deployment's escrow: unspent {@code funds} (exact, 18 decimals) in one denomination, the deposits they
 * came from, the height up to which payments are settled, the sum of its open payments' rates, and the
 * height at which the funds run out at that rate (0 when nothing is paid from it).
 */
public record EscrowAccount(
        DeploymentId id,
        Address owner,
        AccountState state,
        String denom,
        BigDecimal funds,
        List<Depositor> depositors,
        long settledAt,
        BigDecimal totalRate,
        long runOutHeight) {
    public EscrowAccount {
        depositors = List.copyOf(depositors);
    }
}
