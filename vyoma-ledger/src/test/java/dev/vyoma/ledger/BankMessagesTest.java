package dev.vyoma.ledger;

import static dev.vyoma.ledger.MessageFixtures.FUNDS;
import static dev.vyoma.ledger.MessageFixtures.USD;
import static dev.vyoma.ledger.MessageFixtures.VYO;
import static dev.vyoma.ledger.MessageFixtures.chain;
import static dev.vyoma.ledger.MessageFixtures.rejectedCharged;
import static dev.vyoma.ledger.MessageFixtures.usd;
import static dev.vyoma.ledger.MessageFixtures.vyo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.tx.Msg;
import org.junit.jupiter.api.Test;

/** {@code Send}: exact movements, events, and every rejection. */
class BankMessagesTest {
    private static final long FEE = 1_000;

    @Test
    void sendMovesExactlyTheAmount() {
        TestChain c = chain("alice", "bob");
        TxResult r = c.ok(c.tx("alice", new Msg.Send(c.addr("alice"), c.addr("bob"), usd(1_234))));
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("alice"), vyo(FEE)),
                        new Event.Transfer(c.addr("alice"), c.addr("bob"), usd(1_234)));
        assertThat(c.balance("alice", USD)).isEqualTo(FUNDS - 1_234);
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS + 1_234);
        assertThat(c.balance("alice", VYO)).isEqualTo(FUNDS - FEE);
        assertThat(c.balance("bob", VYO)).isEqualTo(FUNDS);
    }

    @Test
    void sendOfTheFeeDenominationTakesFeeAndAmount() {
        TestChain c = chain("alice", "bob");
        // The fee is taken before the message runs: the whole balance cannot be sent.
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INSUFFICIENT_FUNDS,
                new Msg.Send(c.addr("alice"), c.addr("bob"), vyo(FUNDS - FEE + 1)));
        c.ok(c.tx("alice", new Msg.Send(c.addr("alice"), c.addr("bob"), vyo(FUNDS - 2 * FEE))));
        assertThat(c.balance("alice", VYO)).isZero();
        assertThat(c.ledger.state().accounts.get(c.addr("alice")).coins())
                .as("an emptied balance is removed")
                .noneMatch(coin -> coin.denom().equals(VYO));
        assertThat(c.balance("bob", VYO)).isEqualTo(2 * FUNDS - 2 * FEE);
    }

    @Test
    void sendOfTheWholeBalanceIsAllowedOneMoreIsNot() {
        TestChain c = chain("alice", "bob");
        rejectedCharged(
                c, "alice", ErrorCode.INSUFFICIENT_FUNDS, new Msg.Send(c.addr("alice"), c.addr("bob"), usd(FUNDS + 1)));
        c.ok(c.tx("alice", new Msg.Send(c.addr("alice"), c.addr("bob"), usd(FUNDS))));
        assertThat(c.balance("alice", USD)).isZero();
        assertThat(c.balance("bob", USD)).isEqualTo(2 * FUNDS);
    }

    @Test
    void sendOfADenominationNotHeldIsRejected() {
        TestChain c = chain("alice", "bob");
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INSUFFICIENT_FUNDS,
                new Msg.Send(c.addr("alice"), c.addr("bob"), new Coin("uatom", 1)));
    }

    @Test
    void sendOfZeroIsRejected() {
        TestChain c = chain("alice", "bob");
        rejectedCharged(c, "alice", ErrorCode.INVALID_COINS, new Msg.Send(c.addr("alice"), c.addr("bob"), usd(0)));
    }

    @Test
    void sendToSelfIsRejected() {
        TestChain c = chain("alice", "bob");
        rejectedCharged(c, "alice", ErrorCode.INVALID_REQUEST, new Msg.Send(c.addr("alice"), c.addr("alice"), usd(5)));
    }

    @Test
    void sendsInOneTransactionApplyInOrder() {
        TestChain c = chain("alice", "bob", "carol");
        TxResult r = c.ok(c.tx(
                "alice",
                new Msg.Send(c.addr("alice"), c.addr("bob"), usd(10)),
                new Msg.Send(c.addr("alice"), c.addr("carol"), usd(20))));
        assertThat(r.events())
                .containsExactly(
                        new Event.FeePaid(c.addr("alice"), vyo(2 * FEE)),
                        new Event.Transfer(c.addr("alice"), c.addr("bob"), usd(10)),
                        new Event.Transfer(c.addr("alice"), c.addr("carol"), usd(20)));
        assertThat(c.balance("alice", USD)).isEqualTo(FUNDS - 30);
    }

    @Test
    void failingThirdSendRollsBackTheFirstTwo() {
        TestChain c = chain("alice", "bob", "carol");
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INVALID_COINS,
                new Msg.Send(c.addr("alice"), c.addr("bob"), usd(10)),
                new Msg.Send(c.addr("alice"), c.addr("carol"), usd(20)),
                new Msg.Send(c.addr("alice"), c.addr("carol"), usd(0)));
        assertThat(c.balance("bob", USD)).isEqualTo(FUNDS);
        assertThat(c.balance("carol", USD)).isEqualTo(FUNDS);
    }

    @Test
    void sendToAnAddressWithoutAccountCreditsIt() {
        TestChain c = chain("alice");
        c.ok(c.tx("alice", new Msg.Send(c.addr("alice"), c.addr("newcomer"), usd(77))));
        assertThat(c.balance("newcomer", USD)).isEqualTo(77);
    }

    /** "does not exist; fund it first", says the admission check: funding must make a usable account. */
    @Test
    void fundedNewAddressCanTransact() {
        TestChain c = chain("alice");
        c.ok(c.tx("alice", new Msg.Send(c.addr("alice"), c.addr("newcomer"), vyo(10_000))));
        c.ok(c.tx("newcomer", new Msg.Send(c.addr("newcomer"), c.addr("alice"), vyo(1))));
        assertThat(c.balance("newcomer", VYO)).isEqualTo(10_000 - FEE - 1);
    }
}
