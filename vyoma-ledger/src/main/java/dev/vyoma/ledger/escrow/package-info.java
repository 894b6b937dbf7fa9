/**
 * Escrow: one account per deployment holding its deposits, one payment per lease accruing the lease's
 * price every block. Accrual is exact (18 decimal places; a provider is paid whole micro-units and the
 * fraction is carried, never dropped), settlement is lazy, and each account's run-out height sits in an
 * ordered index so that an exhausted deployment closes at exactly that block without scanning accounts.
 *
 * <p>This package holds the records and ids the chain stores for it (plain data: no rules, nothing of the state
 * machine); {@link dev.vyoma.ledger.machine.Escrow} applies its messages.
 */
package dev.vyoma.ledger.escrow;
