package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.DepositGrant;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.escrow.Depositor;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.machine.DepositGrants;
import dev.vyoma.ledger.machine.Escrow;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.state.StateStore;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.DecCoin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deposit grants: the grantee funds its deployments from the granter's balance within the limit, and no further. */
class DepositGrantsTest {
    private static final long START_MILLIS = 1_700_000_000_000L;
    private static final long DEPOSIT = 500_000;

    private static TestChain chain() {
        return new TestChain(Map.of(
                "granter", List.of(new Coin("uusd", 10_000_000), new Coin("uvyo", 10_000_000)),
                "tenant", List.of(new Coin("uvyo", 10_000_000)),
                "stranger", List.of(new Coin("uusd", 10_000_000), new Coin("uvyo", 10_000_000)),
                "provider", List.of(new Coin("uvyo", 10_000_000))));
    }

    private static Msg.GrantDeposit grant(TestChain c, long limit, long expiresAtMillis) {
        return new Msg.GrantDeposit(c.addr("granter"), c.addr("tenant"), new Coin("uusd", limit), expiresAtMillis);
    }

    private static Msg.CreateDeploymentFromGrant createFromGrant(TestChain c, long dseq, long deposit) {
        SdlDocument doc = TestChain.sdl("100");
        return new Msg.CreateDeploymentFromGrant(
                new DeploymentId(c.addr("tenant"), dseq),
                doc.groups(),
                doc.manifestVersion().hex(),
                new Coin("uusd", deposit),
                c.addr("granter"));
    }

    private static Msg.DepositDeploymentFromGrant depositFromGrant(TestChain c, long dseq, long amount) {
        return new Msg.DepositDeploymentFromGrant(
                new DeploymentId(c.addr("tenant"), dseq), c.addr("granter"), new Coin("uusd", amount));
    }

    private static DepositGrant stored(TestChain c) {
        return new Queries(c.ledger.state())
                .depositGrant(c.addr("granter"), c.addr("tenant"))
                .orElseThrow();
    }

    @Test
    void theGranteeFundsWithinTheLimitAndOneMicroUnitOverIsRefused() {
        TestChain c = chain();
        long limit = 1_200_000;
        c.ok(c.tx("granter", grant(c, limit, 0)));
        c.ok(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)));
        // The granter paid, the tenant's own balance was not touched, and the escrow names the granter.
        assertThat(c.balance("granter", "uusd")).isEqualTo(10_000_000 - DEPOSIT);
        assertThat(c.balance("tenant", "uusd")).isZero();
        DeploymentId dep = new DeploymentId(c.addr("tenant"), 1);
        assertThat(c.ledger.state().escrow.get(dep).depositors())
                .containsExactly(new Depositor(c.addr("granter"), Escrow.dec(DEPOSIT)));
        assertThat(stored(c).remainingMicro()).isEqualTo(limit - DEPOSIT);

        // What is left, plus one micro-unit, is refused whole; exactly what is left is accepted.
        long left = limit - DEPOSIT;
        TxResult over = c.rejected(c.tx("tenant", depositFromGrant(c, 1, left + 1)), ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(over.log()).contains("has 700000uusd left of its 1200000uusd limit, less than 700001uusd");
        assertThat(c.balance("granter", "uusd")).isEqualTo(10_000_000 - DEPOSIT);
        assertThat(stored(c).spentMicro()).isEqualTo(DEPOSIT);

        TxResult exact = c.ok(c.tx("tenant", depositFromGrant(c, 1, left)));
        assertThat(exact.events())
                .contains(
                        new Event.DepositGrantSpent(
                                c.addr("granter"), c.addr("tenant"), dep, new Coin("uusd", left), 0),
                        new Event.EscrowDeposit(dep, c.addr("granter"), new Coin("uusd", left)));
        assertThat(stored(c).spentMicro()).isEqualTo(limit);
        assertThat(c.balance("granter", "uusd")).isEqualTo(10_000_000 - limit);
        c.rejected(c.tx("tenant", depositFromGrant(c, 1, 1)), ErrorCode.INSUFFICIENT_FUNDS);
    }

    @Test
    void aDeploymentCostsTheSameFeeWhoeverFundsIt() {
        TestChain c = chain();
        c.ok(c.tx("granter", grant(c, 5_000_000, 0)));
        long before = c.balance("tenant", "uvyo");
        c.ok(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)));
        assertThat(before - c.balance("tenant", "uvyo"))
                .isEqualTo(Params.defaults().feeFor("CreateDeployment"))
                .isEqualTo(5_000);
    }

    @Test
    void aDeploymentCreationOverTheLimitLeavesNothingBehind() {
        TestChain c = chain();
        c.ok(c.tx("granter", grant(c, DEPOSIT - 1, 0)));
        c.rejected(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)), ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(c.ledger.state().deployments.contains(new DeploymentId(c.addr("tenant"), 1)))
                .isFalse();
        assertThat(c.balance("granter", "uusd")).isEqualTo(10_000_000);
        assertThat(stored(c).spentMicro()).isZero();
    }

    @Test
    void aRevokedGrantCannotBeDrawnOnAndDepositsAlreadyMadeStay() {
        TestChain c = chain();
        c.ok(c.tx("granter", grant(c, 5_000_000, 0)));
        c.ok(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)));
        TxResult revoked = c.ok(c.tx("granter", new Msg.RevokeDepositGrant(c.addr("granter"), c.addr("tenant"))));
        assertThat(revoked.events()).contains(new Event.DepositGrantRevoked(c.addr("granter"), c.addr("tenant")));
        TxResult refused = c.rejected(c.tx("tenant", depositFromGrant(c, 1, 1)), ErrorCode.GRANT_NOT_FOUND);
        assertThat(refused.log()).contains("has no deposit grant to " + c.addr("tenant"));
        c.rejected(c.tx("tenant", createFromGrant(c, 2, DEPOSIT)), ErrorCode.GRANT_NOT_FOUND);
        assertThat(c.ledger
                        .state()
                        .escrow
                        .get(new DeploymentId(c.addr("tenant"), 1))
                        .funds())
                .isEqualByComparingTo(Escrow.dec(DEPOSIT));
        // Revoking twice, or what was never granted, says so.
        c.rejected(
                c.tx("granter", new Msg.RevokeDepositGrant(c.addr("granter"), c.addr("tenant"))),
                ErrorCode.GRANT_NOT_FOUND);
    }

    @Test
    void aGrantExpiresAtItsBlockTime() {
        TestChain c = chain();
        // Blocks are 6 s apart: the grant given at height 1 may be used in blocks 2 and 3, not from 4 on.
        long expires = START_MILLIS + 4 * TestChain.BLOCK_MILLIS;
        c.ok(c.tx("granter", grant(c, 5_000_000, expires)));
        c.ok(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)));
        c.ok(c.tx("tenant", depositFromGrant(c, 1, 1)));
        assertThat(c.height()).isEqualTo(3);
        TxResult expired = c.rejected(c.tx("tenant", depositFromGrant(c, 1, 1)), ErrorCode.GRANT_EXPIRED);
        assertThat(expired.log()).contains("expired at 2023-11-14T22:13:44Z");
        c.rejected(c.tx("tenant", createFromGrant(c, 2, DEPOSIT)), ErrorCode.GRANT_EXPIRED);

        // Granting again (with a later expiry, or none) replaces it, its limit counting from zero.
        c.ok(c.tx("granter", grant(c, 700_000, 0)));
        assertThat(stored(c).spentMicro()).isZero();
        c.ok(c.tx("tenant", depositFromGrant(c, 1, 700_000)));
    }

    @Test
    void theRefundGoesBackToTheGranterWhenTheDeploymentCloses() {
        TestChain c = chain();
        c.ok(c.tx(
                "provider",
                new Msg.CreateProvider(c.addr("provider"), "https://provider.example.com:8443", List.of(), "", "")));
        c.ok(c.tx("granter", grant(c, 5_000_000, 0)));
        c.ok(c.tx("tenant", createFromGrant(c, 1, 1_000_000)));
        DeploymentId dep = new DeploymentId(c.addr("tenant"), 1);
        OrderId order = new OrderId(new GroupId(dep, 1), 1);
        c.ok(c.tx(
                "provider",
                new Msg.CreateBid(
                        order,
                        c.addr("provider"),
                        new DecCoin("uusd", new BigDecimal("60")),
                        new Coin("uvyo", 500_000))));
        BidId lease = new BidId(order, c.addr("provider"));
        c.ok(c.tx("tenant", new Msg.CreateLease(lease)));
        long h = c.height();
        c.advanceTo(h + 99);
        c.ok(c.tx("tenant", new Msg.CloseDeployment(dep)));
        // 100 blocks at 60 went to the provider; the rest of the grant's deposit went back to the granter.
        assertThat(c.balance("provider", "uusd")).isEqualTo(100 * 60);
        assertThat(c.balance("granter", "uusd")).isEqualTo(10_000_000 - 100 * 60);
        assertThat(c.balance("tenant", "uusd")).isZero();
        assertThat(c.last.events())
                .contains(new Event.EscrowRefund(dep, c.addr("granter"), new Coin("uusd", 1_000_000 - 100 * 60)));
        // The refund does not restore the grant's limit.
        assertThat(stored(c).spentMicro()).isEqualTo(1_000_000);
    }

    @Test
    void theEdgeRefusesSameAccountsNonPositiveLimitsOtherDenominationsAndPastExpiries() {
        TestChain c = chain();
        Address granter = c.addr("granter");
        c.rejected(
                c.tx("granter", new Msg.GrantDeposit(granter, granter, new Coin("uusd", 1), 0)),
                ErrorCode.GRANTEE_IS_GRANTER);
        c.rejected(c.tx("granter", grant(c, 0, 0)), ErrorCode.INVALID_COINS);
        TxResult denom = c.rejected(
                c.tx("granter", new Msg.GrantDeposit(granter, c.addr("tenant"), new Coin("uvyo", 1_000), 0)),
                ErrorCode.INVALID_COINS);
        assertThat(denom.log()).contains("deposit denomination uusd, not uvyo");
        c.rejected(c.tx("granter", grant(c, 1_000, START_MILLIS)), ErrorCode.GRANT_EXPIRATION_INVALID);
        c.rejected(
                c.tx("granter", grant(c, 1_000, DepositGrants.MAX_EXPIRES_AT_MILLIS + 1)),
                ErrorCode.GRANT_EXPIRATION_INVALID);
        c.ok(c.tx("granter", grant(c, 1_000_000, DepositGrants.MAX_EXPIRES_AT_MILLIS)));

        // A deposit in another denomination, or nothing, is refused.
        c.ok(c.tx(
                "tenant",
                new Msg.CreateDeploymentFromGrant(
                        new DeploymentId(c.addr("tenant"), 1),
                        TestChain.sdl("100").groups(),
                        TestChain.sdl("100").manifestVersion().hex(),
                        new Coin("uusd", DEPOSIT),
                        granter)));
        c.rejected(
                c.tx(
                        "tenant",
                        new Msg.DepositDeploymentFromGrant(
                                new DeploymentId(c.addr("tenant"), 1), granter, new Coin("uvyo", 10))),
                ErrorCode.INVALID_DENOMINATION);
        c.rejected(c.tx("tenant", depositFromGrant(c, 1, 0)), ErrorCode.INVALID_COINS);
    }

    @Test
    void onlyTheGranteeDrawsOnItsGrantAndOnlyForItsOwnDeployments() {
        TestChain c = chain();
        c.ok(c.tx("granter", grant(c, 5_000_000, 0)));
        c.ok(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)));
        // A stranger cannot sign for the tenant's deployment...
        c.rejected(c.tx("stranger", depositFromGrant(c, 1, 10)), ErrorCode.WRONG_SIGNER);
        // ...and has no grant of its own from the granter.
        SdlDocument doc = TestChain.sdl("100");
        c.rejected(
                c.tx(
                        "stranger",
                        new Msg.CreateDeploymentFromGrant(
                                new DeploymentId(c.addr("stranger"), 1),
                                doc.groups(),
                                doc.manifestVersion().hex(),
                                new Coin("uusd", DEPOSIT),
                                c.addr("granter"))),
                ErrorCode.GRANT_NOT_FOUND);
        // A grant only names a grantee: the granter's other accounts are not drawn on.
        c.rejected(
                c.tx(
                        "tenant",
                        new Msg.DepositDeploymentFromGrant(
                                new DeploymentId(c.addr("tenant"), 1), c.addr("stranger"), new Coin("uusd", 1))),
                ErrorCode.GRANT_NOT_FOUND);
        assertThat(stored(c).spentMicro()).isEqualTo(DEPOSIT);
    }

    @Test
    void aGranterWithoutTheCoinsLeavesTheGrantUntouched() {
        TestChain c = chain();
        c.ok(c.tx("granter", grant(c, 50_000_000, 0)));
        TxResult r = c.rejected(c.tx("tenant", createFromGrant(c, 1, 10_000_001)), ErrorCode.INSUFFICIENT_FUNDS);
        assertThat(r.log()).contains(c.addr("granter") + " has 10000000uusd");
        assertThat(stored(c).spentMicro()).isZero();
    }

    @Test
    void aGranterHoldsAtMostTheLimitOfGrants() {
        TestChain c = chain();
        Address granter = c.addr("granter");
        List<Msg> grants = new ArrayList<>();
        for (int i = 0; i < DepositGrants.MAX_GRANTS_PER_GRANTER; i++) {
            grants.add(new Msg.GrantDeposit(granter, c.addr("grantee-" + i), new Coin("uusd", 1), 0));
        }
        for (int from = 0; from < grants.size(); from += Params.MAX_MSGS_PER_TX) {
            c.ok(c.tx(
                    "granter",
                    grants.subList(from, from + Params.MAX_MSGS_PER_TX).toArray(Msg[]::new)));
        }
        assertThat(new Queries(c.ledger.state())
                        .depositGrantsByGranter(granter, 0, 1_000)
                        .items())
                .hasSize(DepositGrants.MAX_GRANTS_PER_GRANTER);
        TxResult full = c.rejected(c.tx("granter", grant(c, 1, 0)), ErrorCode.INVALID_REQUEST);
        assertThat(full.log()).contains("revoke one first");
        // Replacing one of them is still allowed.
        c.ok(c.tx("granter", new Msg.GrantDeposit(granter, c.addr("grantee-0"), new Coin("uusd", 2), 0)));
        assertThat(new Queries(c.ledger.state())
                        .depositGrantsByGrantee(c.addr("grantee-0"), 0, 10)
                        .items())
                .singleElement()
                .satisfies(g -> assertThat(g.spendLimit().amount()).isEqualTo(2));
    }

    @Test
    void grantMessagesRoundTripThroughTheWire() {
        TestChain c = chain();
        List<Msg> msgs = List.of(
                grant(c, 1_000_000, START_MILLIS + 86_400_000L),
                new Msg.RevokeDepositGrant(c.addr("granter"), c.addr("tenant")),
                createFromGrant(c, 7, DEPOSIT),
                depositFromGrant(c, 7, 42));
        for (Msg m : msgs) {
            assertThat((Msg) Codec.decode(Codec.encode(m, Msg.class), Msg.class))
                    .isEqualTo(m);
        }
        var signed = c.tx("tenant", msgs.toArray(Msg[]::new));
        assertThat(SignedTx.decode(signed.encode())).isEqualTo(signed);
    }

    @Test
    void grantsSurviveASnapshotAndTheRestoredChainGoesOnTheSame() {
        TestChain c = chain();
        c.ok(c.tx("granter", grant(c, 2_000_000, START_MILLIS + 86_400_000L)));
        c.ok(c.tx("stranger", new Msg.GrantDeposit(c.addr("stranger"), c.addr("tenant"), new Coin("uusd", 9), 0)));
        c.ok(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)));
        byte[] snapshot = c.ledger.snapshot();
        Ledger restored = Ledger.fromSnapshot(snapshot);
        assertThat(restored.state().depositGrants.sorted())
                .isEqualTo(c.ledger.state().depositGrants.sorted())
                .hasSize(2);
        assertThat(restored.state().store.commitment())
                .isEqualTo(c.ledger.state().store.commitment());
        assertThat(restored.snapshot()).isEqualTo(snapshot);
        Invariants.verify(restored.state());
        Invariants.verifyIndexes(restored.state());
        assertThat(new Queries(restored.state())
                        .depositGrantsByGrantee(c.addr("tenant"), 0, 10)
                        .items())
                .extracting(g -> g.id().granter())
                .containsExactlyInAnyOrder(c.addr("granter"), c.addr("stranger"));

        // The same next block on both gives the same state.
        var next = new Block(
                c.height() + 1,
                START_MILLIS + (c.height() + 1) * TestChain.BLOCK_MILLIS,
                c.addr("validator"),
                List.of(c.tx("tenant", depositFromGrant(c, 1, 1_000))));
        BlockResult original = c.ledger.apply(next);
        BlockResult again = restored.apply(next);
        assertThat(original.txs().get(0).code()).isNull();
        assertThat(again.stateHex()).isEqualTo(original.stateHex());
        assertThat(restored.state().depositGrants.sorted())
                .isEqualTo(c.ledger.state().depositGrants.sorted());
    }

    /**
     * Grants add a table and change no stored record, so the snapshot format stays version {@value
     * StateStore#SNAPSHOT_VERSION}: a snapshot written before grants existed (no {@code deposit_grants}
     * table) restores as a state without grants, with the same commitment; another version is refused.
     */
    @Test
    void aSnapshotFromBeforeGrantsRestoresWithoutThemAndOtherVersionsAreRefused() throws IOException {
        TestChain c = chain();
        c.ok(c.tx("tenant", new Msg.Send(c.addr("tenant"), c.addr("stranger"), new Coin("uvyo", 5))));
        byte[] withTable = c.ledger.snapshot();
        byte[] before = withoutTable(withTable, "deposit_grants");
        assertThat(before.length).isLessThan(withTable.length);
        Ledger restored = Ledger.fromSnapshot(before);
        assertThat(restored.state().depositGrants.size()).isZero();
        assertThat(restored.state().store.commitment())
                .isEqualTo(c.ledger.state().store.commitment());
        assertThat(restored.snapshot()).isEqualTo(withTable);

        byte[] otherVersion = withTable.clone();
        otherVersion[3] = (byte) (StateStore.SNAPSHOT_VERSION + 1);
        assertThatThrownBy(() -> Ledger.fromSnapshot(otherVersion))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("snapshot version " + (StateStore.SNAPSHOT_VERSION + 1));
    }

    @Test
    void aSnapshotWhoseGrantWasAlteredIsRefused() throws IOException {
        TestChain c = chain();
        c.ok(c.tx("granter", grant(c, 2_000_000, 0)));
        c.ok(c.tx("tenant", createFromGrant(c, 1, DEPOSIT)));
        byte[] snapshot = c.ledger.snapshot();
        // The stored grant, replaced by a well-formed grant that has spent nothing: a limit restored by hand.
        DepositGrant g = stored(c);
        byte[] was = Codec.encode(g, DepositGrant.class);
        byte[] now = Codec.encode(
                new DepositGrant(g.id(), g.spendLimit(), 0, g.expiresAtMillis(), g.grantedHeight()),
                DepositGrant.class);
        assertThat(now).hasSameSizeAs(was);
        int at = indexOf(snapshot, was);
        assertThat(at).isPositive();
        byte[] altered = snapshot.clone();
        System.arraycopy(now, 0, altered, at, now.length);
        assertThatThrownBy(() -> Ledger.fromSnapshot(altered))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not match its recorded commitment");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The snapshot as a ledger without table {@code name} (which must be empty) would have written it. */
    private static byte[] withoutTable(byte[] snapshot, String name) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(in.readInt());
        int tables = in.readInt();
        out.writeInt(tables - 1);
        for (int t = 0; t < tables; t++) {
            String table = in.readUTF();
            int rows = in.readInt();
            if (table.equals(name)) {
                assertThat(rows).isZero();
                continue;
            }
            out.writeUTF(table);
            out.writeInt(rows);
            for (int r = 0; r < 2 * rows; r++) {
                byte[] b = in.readNBytes(in.readInt());
                out.writeInt(b.length);
                out.write(b);
            }
        }
        out.write(in.readAllBytes());
        out.flush();
        return bytes.toByteArray();
    }
}
