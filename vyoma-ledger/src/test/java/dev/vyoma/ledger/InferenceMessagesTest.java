package dev.vyoma.ledger;

import static dev.vyoma.ledger.MessageFixtures.FUNDS;
import static dev.vyoma.ledger.MessageFixtures.USD;
import static dev.vyoma.ledger.MessageFixtures.chain;
import static dev.vyoma.ledger.MessageFixtures.rejectedCharged;
import static dev.vyoma.ledger.MessageFixtures.usd;
import static dev.vyoma.ledger.MessageFixtures.vyo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.inference.InferenceAccount;
import dev.vyoma.ledger.inference.InferenceAccountId;
import dev.vyoma.ledger.inference.InferenceAccountState;
import dev.vyoma.ledger.inference.InferenceCharge;
import dev.vyoma.ledger.inference.InferenceChargeRecord;
import dev.vyoma.ledger.machine.Inference;
import dev.vyoma.ledger.tx.Msg;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Inference accounts: open, deposit, batched exact charges with carried remainders, close, and every rejection. */
class InferenceMessagesTest {
    private static final String HASH = "0f".repeat(32);

    private static InferenceCharge charge(Address owner, long costPico) {
        return new InferenceCharge(owner, 1, 10, 20, costPico, HASH);
    }

    private static InferenceAccount account(TestChain c, String owner, String gateway) {
        return c.ledger.state().inferenceAccounts.get(new InferenceAccountId(c.addr(owner), c.addr(gateway)));
    }

    @Test
    void chargesPayWholeMicroUnitsAndCarryTheRest() {
        TestChain c = chain("alice", "gw");
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(1_000))));
        assertThat(c.balance("alice", USD)).isEqualTo(FUNDS - 1_000);
        // 2.5 micro-units: 2 paid, 0.5 carried.
        TxResult r =
                c.ok(c.tx("gw", new Msg.ChargeInference(c.addr("gw"), 1, List.of(charge(c.addr("alice"), 2_500_000)))));
        InferenceAccountId id = new InferenceAccountId(c.addr("alice"), c.addr("gw"));
        assertThat(r.events())
                .contains(
                        new Event.InferenceCharged(id, 1, usd(2), 2_500_000),
                        new Event.InferenceBatchSettled(c.addr("gw"), 1, 1, usd(2)));
        assertThat(account(c, "alice", "gw").balance()).isEqualTo(998);
        assertThat(account(c, "alice", "gw").carryPico()).isEqualTo(500_000);
        assertThat(c.balance("gw", USD)).isEqualTo(FUNDS + 2);
        // Another 0.5: the carry makes it a whole micro-unit.
        c.ok(c.tx("gw", new Msg.ChargeInference(c.addr("gw"), 2, List.of(charge(c.addr("alice"), 500_000)))));
        assertThat(account(c, "alice", "gw").balance()).isEqualTo(997);
        assertThat(account(c, "alice", "gw").carryPico()).isZero();
        assertThat(c.balance("gw", USD)).isEqualTo(FUNDS + 3);
        List<InferenceChargeRecord> records =
                new Queries(c.ledger.state()).inferenceCharges(id, 0, 10).items();
        assertThat(records).extracting(InferenceChargeRecord::paid).containsExactly(2L, 1L);
        assertThat(records).extracting(InferenceChargeRecord::recordsHashHex).containsOnly(HASH);
    }

    @Test
    void manySmallChargesSumExactlyToTheirTotalCost() {
        TestChain c = chain("alice", "gw");
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(10_000_000))));
        SplittableRandom random = new SplittableRandom(7);
        long totalPico = 0;
        for (int batch = 1; batch <= 40; batch++) {
            long cost = random.nextLong(0, 3_000_000);
            totalPico += cost;
            c.ok(c.tx("gw", new Msg.ChargeInference(c.addr("gw"), batch, List.of(charge(c.addr("alice"), cost)))));
        }
        InferenceAccount a = account(c, "alice", "gw");
        assertThat(a.chargedTotal()).isEqualTo(totalPico / InferenceAccount.PICO_PER_MICRO);
        assertThat(a.carryPico()).isEqualTo(totalPico % InferenceAccount.PICO_PER_MICRO);
        assertThat(c.balance("gw", USD) - FUNDS).isEqualTo(a.chargedTotal());
    }

    @Test
    void aBatchChargesSeveralAccountsAndIsRefusedWholeIfOneCannotPay() {
        TestChain c = chain("alice", "bob", "gw");
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(100))));
        c.ok(c.tx("bob", new Msg.OpenInferenceAccount(c.addr("bob"), c.addr("gw"), usd(5))));
        List<Address> owners = new ArrayList<>(List.of(c.addr("alice"), c.addr("bob")));
        owners.sort(null);
        List<InferenceCharge> tooMuch = new ArrayList<>();
        for (Address o : owners) {
            tooMuch.add(charge(o, o.equals(c.addr("bob")) ? 6_000_000 : 1_000_000));
        }
        TxResult r = rejectedCharged(
                c, "gw", ErrorCode.INSUFFICIENT_FUNDS, new Msg.ChargeInference(c.addr("gw"), 1, tooMuch));
        assertThat(r.log()).contains("holds 5uusd but the charge is 6uusd");
        List<InferenceCharge> fine = new ArrayList<>();
        for (Address o : owners) {
            fine.add(charge(o, 5_000_000));
        }
        c.ok(c.tx("gw", new Msg.ChargeInference(c.addr("gw"), 1, fine)));
        assertThat(account(c, "bob", "gw").balance()).isZero();
        assertThat(account(c, "alice", "gw").balance()).isEqualTo(95);
    }

    @Test
    void batchesGoInOrderAndARepeatIsRefused() {
        TestChain c = chain("alice", "gw");
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(100))));
        Msg.ChargeInference first =
                new Msg.ChargeInference(c.addr("gw"), 1, List.of(charge(c.addr("alice"), 1_000_000)));
        c.ok(c.tx("gw", first));
        TxResult r = rejectedCharged(c, "gw", ErrorCode.INFERENCE_BATCH_OUT_OF_ORDER, first);
        assertThat(r.log()).contains("the next is 2");
        rejectedCharged(
                c,
                "gw",
                ErrorCode.INFERENCE_BATCH_OUT_OF_ORDER,
                new Msg.ChargeInference(c.addr("gw"), 3, List.of(charge(c.addr("alice"), 1))));
        assertThat(account(c, "alice", "gw").balance()).isEqualTo(99);
    }

    @Test
    void onlyTheNamedGatewayCharges() {
        TestChain c = chain("alice", "gw", "mallory");
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(100))));
        rejectedCharged(
                c,
                "mallory",
                ErrorCode.INFERENCE_ACCOUNT_NOT_FOUND,
                new Msg.ChargeInference(c.addr("mallory"), 1, List.of(charge(c.addr("alice"), 1_000_000))));
        assertThat(account(c, "alice", "gw").balance()).isEqualTo(100);
    }

    @Test
    void malformedChargesAreRefused() {
        TestChain c = chain("alice", "gw");
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(100))));
        Address a = c.addr("alice");
        rejectedCharged(
                c, "gw", ErrorCode.INFERENCE_CHARGE_INVALID, new Msg.ChargeInference(c.addr("gw"), 1, List.of()));
        rejectedCharged(
                c,
                "gw",
                ErrorCode.INFERENCE_CHARGE_INVALID,
                new Msg.ChargeInference(c.addr("gw"), 1, List.of(charge(a, 1), charge(a, 1))));
        rejectedCharged(
                c,
                "gw",
                ErrorCode.INFERENCE_CHARGE_INVALID,
                new Msg.ChargeInference(c.addr("gw"), 1, List.of(new InferenceCharge(a, 1, 1, 1, 1, "xyz"))));
        rejectedCharged(
                c,
                "gw",
                ErrorCode.INFERENCE_CHARGE_INVALID,
                new Msg.ChargeInference(c.addr("gw"), 1, List.of(new InferenceCharge(a, 0, 1, 1, 1, HASH))));
        rejectedCharged(
                c,
                "gw",
                ErrorCode.INFERENCE_CHARGE_INVALID,
                new Msg.ChargeInference(c.addr("gw"), 1, List.of(new InferenceCharge(a, 1, 1, 1, -1, HASH))));
        List<InferenceCharge> tooMany = new ArrayList<>();
        for (int i = 0; i <= Inference.MAX_CHARGES_PER_BATCH; i++) {
            tooMany.add(charge(a, 1));
        }
        TxResult r = rejectedCharged(
                c, "gw", ErrorCode.INFERENCE_CHARGE_INVALID, new Msg.ChargeInference(c.addr("gw"), 1, tooMany));
        assertThat(r.log()).contains("1–256");
    }

    @Test
    void depositAndCloseRefundTheRest() {
        TestChain c = chain("alice", "gw");
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(100))));
        c.ok(c.tx("alice", new Msg.DepositInferenceAccount(c.addr("alice"), c.addr("gw"), usd(50))));
        c.ok(c.tx("gw", new Msg.ChargeInference(c.addr("gw"), 1, List.of(charge(c.addr("alice"), 30_400_000)))));
        TxResult r = c.ok(c.tx("alice", new Msg.CloseInferenceAccount(c.addr("alice"), c.addr("gw"))));
        InferenceAccountId id = new InferenceAccountId(c.addr("alice"), c.addr("gw"));
        assertThat(r.events()).contains(new Event.InferenceAccountClosed(id, usd(120)));
        assertThat(c.balance("alice", USD)).isEqualTo(FUNDS - 30);
        assertThat(account(c, "alice", "gw").state()).isEqualTo(InferenceAccountState.CLOSED);
        rejectedCharged(
                c,
                "gw",
                ErrorCode.INFERENCE_ACCOUNT_CLOSED,
                new Msg.ChargeInference(c.addr("gw"), 2, List.of(charge(c.addr("alice"), 1))));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INFERENCE_ACCOUNT_CLOSED,
                new Msg.DepositInferenceAccount(c.addr("alice"), c.addr("gw"), usd(1)));
        // Opened again, it starts afresh and the gateway's batch numbers go on.
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(10))));
        assertThat(account(c, "alice", "gw").balance()).isEqualTo(10);
        c.ok(c.tx("gw", new Msg.ChargeInference(c.addr("gw"), 2, List.of(charge(c.addr("alice"), 1_000_000)))));
        assertThat(account(c, "alice", "gw").balance()).isEqualTo(9);
    }

    @Test
    void openingIsRefusedWhenItCannotBeRight() {
        TestChain c = chain("alice", "gw");
        rejectedCharged(
                c,
                "alice",
                ErrorCode.SAME_ACCOUNT,
                new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("alice"), usd(1)));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INVALID_DENOMINATION,
                new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), vyo(1)));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INVALID_COINS,
                new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(0)));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INSUFFICIENT_FUNDS,
                new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(FUNDS + 1)));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INFERENCE_ACCOUNT_NOT_FOUND,
                new Msg.DepositInferenceAccount(c.addr("alice"), c.addr("gw"), usd(1)));
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(1))));
        rejectedCharged(
                c,
                "alice",
                ErrorCode.INFERENCE_ACCOUNT_EXISTS,
                new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), usd(1)));
    }

    @Test
    void messagesRoundTripThroughTheCodecAndStateThroughASnapshot() {
        TestChain c = chain("alice", "gw");
        Msg m = new Msg.ChargeInference(c.addr("gw"), 1, List.of(charge(c.addr("alice"), 2_500_000)));
        assertThat((Msg) Codec.decode(Codec.encode(m, Msg.class), Msg.class)).isEqualTo(m);
        c.ok(c.tx("alice", new Msg.OpenInferenceAccount(c.addr("alice"), c.addr("gw"), new Coin(USD, 1_000))));
        c.ok(c.tx("gw", m));
        Ledger restored = Ledger.fromSnapshot(c.ledger.snapshot());
        assertThat(restored.state().inferenceAccounts.sorted())
                .isEqualTo(c.ledger.state().inferenceAccounts.sorted());
        assertThat(restored.state().store.commitment())
                .isEqualTo(c.ledger.state().store.commitment());
        Invariants.verify(restored.state());
        Invariants.verifyIndexes(restored.state());
    }
}
