package dev.vyoma.ledger;

import static dev.vyoma.ledger.MessageFixtures.FUNDS;
import static dev.vyoma.ledger.MessageFixtures.USD;
import static dev.vyoma.ledger.MessageFixtures.VYO;
import static dev.vyoma.ledger.MessageFixtures.assertOnlyFeeAndSequence;
import static dev.vyoma.ledger.MessageFixtures.chain;
import static dev.vyoma.ledger.MessageFixtures.customTx;
import static dev.vyoma.ledger.MessageFixtures.nextSeq;
import static dev.vyoma.ledger.MessageFixtures.rejectedAtAdmission;
import static dev.vyoma.ledger.MessageFixtures.rejectedCharged;
import static dev.vyoma.ledger.MessageFixtures.sequence;
import static dev.vyoma.ledger.MessageFixtures.snapshot;
import static dev.vyoma.ledger.MessageFixtures.usd;
import static dev.vyoma.ledger.MessageFixtures.vyo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.Signature;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Transaction admission: every check before the messages run refuses without charging a fee or using
 * the sequence, and changes nothing; a message rejection after admission charges the fee, uses the
 * sequence and rolls back every message of the transaction.
 */
class AdmissionTest {
    private static final long SEND_FEE = 1_000;

    private static TestChain chain2() {
        return chain("alice", "bob", "carol");
    }

    private static Msg.Send send(TestChain c, String from, String to, long uusd) {
        return new Msg.Send(c.addr(from), c.addr(to), usd(uusd));
    }

    private static int size(SignedTx t) {
        return t.encode().length;
    }

    @Test
    void admittedTransactionPaysItsFeeAndMovesItsSequence() {
        TestChain c = chain2();
        TxResult r = c.ok(c.tx("alice", send(c, "alice", "bob", 10)));
        assertThat(r.charged()).isTrue();
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("alice"), vyo(SEND_FEE)),
                        new Event.Transfer(c.addr("alice"), c.addr("bob"), usd(10)));
        assertThat(sequence(c, "alice")).isEqualTo(1);
        assertThat(c.ledger.state().accounts.get(c.addr("alice")).publicKey())
                .isEqualTo(c.key("alice").publicKey());
        assertThat(c.balance("alice", VYO)).isEqualTo(FUNDS - SEND_FEE);
        assertThat(c.ledger.state().fees.get(VYO)).isEqualTo(SEND_FEE);
    }

    @Test
    void sameTransactionTwiceInOneBlockIsAReplay() {
        TestChain c = chain2();
        SignedTx t = c.tx("alice", send(c, "alice", "bob", 10));
        BlockResult b = c.block(t, t);
        assertThat(b.txs().get(0).ok()).isTrue();
        assertThat(b.txs().get(1).code()).isEqualTo(ErrorCode.WRONG_SEQUENCE);
        assertThat(b.txs().get(1).charged()).isFalse();
        assertThat(b.txs().get(1).events()).isEmpty();
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS + 10);
        assertThat(c.balance("alice", VYO)).isEqualTo(FUNDS - SEND_FEE);
        assertThat(sequence(c, "alice")).isEqualTo(1);
    }

    @Test
    void sameTransactionInALaterBlockIsAReplay() {
        TestChain c = chain2();
        SignedTx t = c.tx("alice", send(c, "alice", "bob", 10));
        c.ok(t);
        rejectedAtAdmission(c, t, ErrorCode.WRONG_SEQUENCE);
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS + 10);
        // The chain goes on with the next sequence.
        c.ok(c.tx("alice", send(c, "alice", "bob", 1)));
        assertThat(sequence(c, "alice")).isEqualTo(2);
    }

    @Test
    void sequenceFromTheFutureIsRefused() {
        TestChain c = chain2();
        SignedTx t = customTx(c, "alice", TestChain.CHAIN_ID, 1, vyo(100_000), "", send(c, "alice", "bob", 10));
        rejectedAtAdmission(c, t, ErrorCode.WRONG_SEQUENCE);
        assertThat(sequence(c, "alice")).isZero();
    }

    @Test
    void wrongChainIdIsRefused() {
        TestChain c = chain2();
        SignedTx t = customTx(
                c, "alice", "vyoma-other-1", nextSeq(c, "alice"), vyo(100_000), "", send(c, "alice", "bob", 10));
        rejectedAtAdmission(c, t, ErrorCode.WRONG_CHAIN_ID);
    }

    @Test
    void tamperedMessageFailsTheSignature() {
        TestChain c = chain2();
        SignedTx signed = c.tx("alice", send(c, "alice", "bob", 10));
        Tx t = signed.tx();
        Tx tampered = new Tx(
                t.chainId(), t.signer(), t.sequence(), t.maxFee(), List.of(send(c, "alice", "bob", 11)), t.memo());
        rejectedAtAdmission(c, new SignedTx(tampered, signed.signature()), ErrorCode.UNAUTHORIZED);
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS);
    }

    @Test
    void tamperedSignatureByteFailsTheSignature() {
        TestChain c = chain2();
        SignedTx signed = c.tx("alice", send(c, "alice", "bob", 10));
        byte[] sig = signed.signature().bytes();
        sig[10] ^= 0x01;
        rejectedAtAdmission(c, new SignedTx(signed.tx(), new Signature(sig)), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void signatureByAnotherKeyIsRefused() {
        TestChain c = chain2();
        SignedTx signed = c.tx("alice", send(c, "alice", "bob", 10));
        Signature byBob = Ed25519.sign(c.key("bob").privateKey(), signed.tx().signBytes());
        rejectedAtAdmission(c, new SignedTx(signed.tx(), byBob), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void unknownAccountIsRefused() {
        TestChain c = chain2();
        KeyPair stranger = c.key("stranger");
        SignedTx t = c.tx("stranger", new Msg.Send(stranger.address(), c.addr("bob"), usd(1)));
        rejectedAtAdmission(c, t, ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(c.ledger.state().accounts.contains(stranger.address())).isFalse();
    }

    @Test
    void feeLimitBelowTheFeeIsRefusedAndExactlyTheFeeIsAccepted() {
        TestChain c = chain2();
        Msg.Send one = send(c, "alice", "bob", 1);
        Msg.Send two = send(c, "alice", "carol", 1);
        rejectedAtAdmission(
                c,
                customTx(c, "alice", TestChain.CHAIN_ID, nextSeq(c, "alice"), vyo(2 * SEND_FEE - 1), "", one, two),
                ErrorCode.INSUFFICIENT_FEE);
        var before = snapshot(c);
        TxResult r =
                c.ok(customTx(c, "alice", TestChain.CHAIN_ID, nextSeq(c, "alice"), vyo(2 * SEND_FEE), "", one, two));
        c.nextSequence.put(c.addr("alice"), 1L);
        assertThat(r.events()).first().isEqualTo(new Event.FeePaid(c.addr("alice"), vyo(2 * SEND_FEE)));
        assertThat(c.balance("alice", VYO)).isEqualTo(FUNDS - 2 * SEND_FEE);
        assertThat(before).isNotEqualTo(snapshot(c));
    }

    @Test
    void feeLimitInAnotherDenominationIsRefused() {
        TestChain c = chain2();
        SignedTx t = customTx(
                c, "alice", TestChain.CHAIN_ID, nextSeq(c, "alice"), usd(100_000), "", send(c, "alice", "bob", 1));
        rejectedAtAdmission(c, t, ErrorCode.INSUFFICIENT_FEE);
    }

    @Test
    void signerThatCannotPayTheFeeIsRefused() {
        TestChain c = chain(Map.of("alice", List.of(usd(1_000), vyo(SEND_FEE - 1)), "bob", List.of(vyo(FUNDS))));
        rejectedAtAdmission(c, c.tx("alice", send(c, "alice", "bob", 1)), ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(c.balance("alice", VYO)).isEqualTo(SEND_FEE - 1);
    }

    @Test
    void signerWithExactlyTheFeeIsAdmitted() {
        TestChain c = chain(Map.of("alice", List.of(usd(1_000), vyo(SEND_FEE)), "bob", List.of(vyo(FUNDS))));
        c.ok(c.tx("alice", send(c, "alice", "bob", 1)));
        assertThat(c.balance("alice", VYO)).isZero();
        assertThat(c.ledger.state().accounts.get(c.addr("alice")).coins())
                .noneMatch(coin -> coin.denom().equals(VYO));
    }

    @Test
    void sixteenMessagesAreAdmittedSeventeenAreNot() {
        TestChain c = chain2();
        List<Msg> sixteen = new ArrayList<>(Collections.nCopies(16, send(c, "alice", "bob", 1)));
        TxResult ok = c.ok(c.tx("alice", sixteen.toArray(Msg[]::new)));
        assertThat(ok.events()).filteredOn(e -> e instanceof Event.Transfer).hasSize(16);
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS + 16);
        assertThat(c.balance("alice", VYO)).isEqualTo(FUNDS - 16 * SEND_FEE);

        List<Msg> seventeen = new ArrayList<>(Collections.nCopies(17, send(c, "alice", "bob", 1)));
        rejectedAtAdmission(c, c.tx("alice", seventeen.toArray(Msg[]::new)), ErrorCode.TOO_MANY_MESSAGES);
    }

    @Test
    void noMessagesIsRefused() {
        TestChain c = chain2();
        rejectedAtAdmission(c, c.tx("alice"), ErrorCode.TOO_MANY_MESSAGES);
    }

    @Test
    void transactionOfExactlyTheSizeLimitIsAdmittedOneByteMoreIsNot() {
        TestChain c = chain2();
        int limit = Params.defaults().maxTxBytes();
        Msg.Send m = send(c, "alice", "bob", 1);
        int base = size(customTx(c, "alice", TestChain.CHAIN_ID, 0, vyo(100_000), "", m));

        SignedTx tooLarge = customTx(c, "alice", TestChain.CHAIN_ID, 0, vyo(100_000), "x".repeat(limit - base + 1), m);
        assertThat(size(tooLarge)).isEqualTo(limit + 1);
        rejectedAtAdmission(c, tooLarge, ErrorCode.TX_TOO_LARGE);

        SignedTx atLimit = customTx(c, "alice", TestChain.CHAIN_ID, 0, vyo(100_000), "x".repeat(limit - base), m);
        assertThat(size(atLimit)).isEqualTo(limit);
        c.ok(atLimit);
        assertThat(sequence(c, "alice")).isEqualTo(1);
    }

    @Test
    void messageSignedForAnotherAccountIsRefused() {
        TestChain c = chain2();
        rejectedAtAdmission(c, c.tx("alice", send(c, "bob", "carol", 5)), ErrorCode.WRONG_SIGNER);
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS);
    }

    @Test
    void secondMessageSignedForAnotherAccountRefusesTheWholeTransaction() {
        TestChain c = chain2();
        rejectedAtAdmission(
                c, c.tx("alice", send(c, "alice", "carol", 5), send(c, "bob", "carol", 5)), ErrorCode.WRONG_SIGNER);
        assertThat(c.balance("carol", USD)).isEqualTo(FUNDS);
    }

    @Test
    void secondMessageFailingRollsBackTheFirstButChargesTheFee() {
        TestChain c = chain2();
        // The first send empties alice's uusd, the second then has nothing to send.
        TxResult r = rejectedCharged(
                c, "alice", ErrorCode.INSUFFICIENT_FUNDS, send(c, "alice", "bob", FUNDS), send(c, "alice", "carol", 1));
        assertThat(r.log()).contains("uusd");
        assertThat(c.balance("alice", USD)).isEqualTo(FUNDS);
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS);
        assertThat(c.balance("alice", VYO)).isEqualTo(FUNDS - 2 * SEND_FEE);
    }

    @Test
    void admissionFailureDoesNotStopTheNextTransactionOfTheBlock() {
        TestChain c = chain2();
        SignedTx wrongChain = customTx(c, "bob", "elsewhere-1", 0, vyo(100_000), "", send(c, "bob", "carol", 1));
        SignedTx good = c.tx("alice", send(c, "alice", "carol", 7));
        BlockResult b = c.block(wrongChain, good);
        assertThat(b.txs().get(0).code()).isEqualTo(ErrorCode.WRONG_CHAIN_ID);
        assertThat(b.txs().get(1).ok()).isTrue();
        assertThat(c.balance("carol", USD)).isEqualTo(FUNDS + 7);
        assertThat(c.balance("bob", VYO)).isEqualTo(FUNDS);
        assertThat(sequence(c, "bob")).isZero();
    }

    @Test
    void messageRejectionChargesOnlyTheFee() {
        TestChain c = chain2();
        var before = snapshot(c);
        TxResult r = c.rejected(c.tx("alice", send(c, "alice", "alice", 5)), ErrorCode.INVALID_REQUEST);
        assertThat(r.charged()).isTrue();
        assertOnlyFeeAndSequence(c, before, "alice", SEND_FEE);
    }

    /**
     * A message field absent on the wire (a null string) reaches the handler; the ledger must reject the
     * transaction, not throw out of {@code apply} and leave the block half applied.
     */
    @Test
    void messageWithAbsentFieldIsRejectedNotThrown() {
        TestChain c = chain2();
        SignedTx t = c.tx("alice", new Msg.CreateProvider(c.addr("alice"), null, List.of(), "", ""));
        SignedTx wire = SignedTx.decode(t.encode());
        var before = snapshot(c);
        TxResult r = c.block(wire).txs().get(0);
        assertThat(r.ok()).isFalse();
        assertThat(r.charged()).isTrue();
        assertOnlyFeeAndSequence(c, before, "alice", SEND_FEE);
    }

    @Test
    void sendWithAbsentRecipientIsRejectedNotThrown() {
        TestChain c = chain2();
        SignedTx t = c.tx("alice", new Msg.Send(c.addr("alice"), null, usd(5)));
        SignedTx wire = SignedTx.decode(t.encode());
        var before = snapshot(c);
        TxResult r = c.block(wire).txs().get(0);
        assertThat(r.ok()).isFalse();
        assertThat(r.charged()).isTrue();
        assertOnlyFeeAndSequence(c, before, "alice", SEND_FEE);
    }

    @Test
    void feeIsPaidOnlyInTheFeeDenomination() {
        // A balance in uusd does not pay a fee in uvyo.
        TestChain c = chain(Map.of("alice", List.of(new Coin(USD, FUNDS)), "bob", List.of(vyo(1))));
        rejectedAtAdmission(c, c.tx("alice", send(c, "alice", "bob", 1)), ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(c.balance("alice", USD)).isEqualTo(FUNDS);
    }
}
