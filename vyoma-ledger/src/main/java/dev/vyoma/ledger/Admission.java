package dev.vyoma.ledger;

import dev.vyoma.ledger.bank.Account;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.machine.LedgerState;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;

/**
 * The checks a transaction passes before its messages run: chain id, size, message count, signature,
 * signer account, sequence, signers of the messages, fee limit and the balance to pay the fee. The ledger
 * applies them to every transaction of a block; a node's mempool applies the same checks on admission,
 * with the sequence and fees of the signer's transactions already waiting in the pool taken into account.
 * A transaction refused here costs nothing and uses no sequence.
 */
public final class Admission {
    private Admission() {}

    /** The outcome: admitted with the fee it will be charged ({@code code} null), or refused with a reason. */
    public record Verdict(ErrorCode code, String why, long fee) {
        static Verdict refused(ErrorCode code, String why) {
            return new Verdict(code, why, 0);
        }

        public boolean admitted() {
            return code == null;
        }
    }

    /**
     * Checks {@code signed} against {@code state} as the ledger would if it came next from its signer.
     *
     * @param signer the signer's address (the address of the transaction's public key)
     * @param signatureValid whether the signature verifies
     * @param sequence the sequence the transaction must carry: the account's, or past what the pool holds
     * @param reservedFee fees of the same signer's transactions ahead of this one, which the balance must
     *     also cover (zero inside a block, where each fee is taken as its transaction applies)
     */
    public static Verdict check(
            LedgerState state,
            SignedTx signed,
            Address signer,
            boolean signatureValid,
            long sequence,
            long reservedFee) {
        Tx tx = signed.tx();
        Params p = state.params();
        String chainId = state.meta().chainId();
        int size = signed.wireLength();
        if (!tx.chainId().equals(chainId)) {
            return Verdict.refused(
                    ErrorCode.WRONG_CHAIN_ID, "transaction is for chain " + tx.chainId() + ", this is " + chainId);
        }
        if (size > p.maxTxBytes()) {
            return Verdict.refused(
                    ErrorCode.TX_TOO_LARGE, "transaction is " + size + " bytes; the limit is " + p.maxTxBytes());
        }
        if (tx.msgs().isEmpty() || tx.msgs().size() > p.maxMsgsPerTx()) {
            return Verdict.refused(
                    ErrorCode.TOO_MANY_MESSAGES,
                    "a transaction carries 1–" + p.maxMsgsPerTx() + " messages, got "
                            + tx.msgs().size());
        }
        if (!signatureValid) {
            return Verdict.refused(
                    ErrorCode.UNAUTHORIZED, "signature does not verify with the transaction's public key");
        }
        Account account = state.accounts.get(signer);
        if (account == null) {
            return Verdict.refused(
                    ErrorCode.INSUFFICIENT_FUNDS, "account " + signer + " does not exist; fund it first");
        }
        if (tx.sequence() != sequence) {
            String expected = sequence == account.sequence()
                    ? "account sequence is " + sequence
                    : "account sequence is " + account.sequence() + " and the pool holds its transactions up to "
                            + (sequence - 1) + ", so the next is " + sequence;
            return Verdict.refused(ErrorCode.WRONG_SEQUENCE, expected + "; transaction has " + tx.sequence());
        }
        long fee = 0;
        for (Msg m : tx.msgs()) {
            if (!m.signer().equals(signer)) {
                return Verdict.refused(
                        ErrorCode.WRONG_SIGNER, m.kind() + " must be signed by " + m.signer() + ", not " + signer);
            }
            fee = Math.addExact(fee, p.feeFor(m.kind()));
        }
        if (!tx.maxFee().denom().equals(p.feeDenom()) || tx.maxFee().amount() < fee) {
            return Verdict.refused(
                    ErrorCode.INSUFFICIENT_FEE,
                    "the fee is " + fee + p.feeDenom() + " but the transaction allows at most " + tx.maxFee());
        }
        if (account.balance(p.feeDenom()) - reservedFee < fee) {
            String pending = reservedFee == 0
                    ? ""
                    : " after the " + reservedFee + p.feeDenom() + " its pending transactions reserve";
            return Verdict.refused(
                    ErrorCode.INSUFFICIENT_FUNDS, signer + " cannot pay the fee of " + fee + p.feeDenom() + pending);
        }
        return new Verdict(null, "", fee);
    }
}
