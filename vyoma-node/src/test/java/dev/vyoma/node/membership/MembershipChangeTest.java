package dev.vyoma.node.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A membership change as an operator signs it and as a stranger might send it. */
class MembershipChangeTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final KeyPair OPERATOR =
            KeyPair.fromSeed(Arrays.copyOf("operator".getBytes(StandardCharsets.UTF_8), 32));
    private static final KeyPair SECOND =
            KeyPair.fromSeed(Arrays.copyOf("second".getBytes(StandardCharsets.UTF_8), 32));
    private static final KeyPair THIRD = KeyPair.fromSeed(Arrays.copyOf("third".getBytes(StandardCharsets.UTF_8), 32));

    private static MembershipChange.Signed roundTrip(Map<String, Object> body) {
        return MembershipChange.Signed.parse(JSON.readTree(JSON.writeValueAsString(body)));
    }

    @Test
    void aSignedChangeReadsBackAndVerifies() {
        MembershipChange.Signed add = MembershipChange.add("c-1", "n3", "10.0.0.4:26656", "10.0.0.4:1317", 42)
                .sign(OPERATOR);
        MembershipChange.Signed read = roundTrip(add.json());
        assertThat(read).isEqualTo(add);
        assertThat(read.signers()).containsExactly(OPERATOR.publicKey());
        MembershipChange.Signed remove = MembershipChange.remove("c-1", "n2", 7).sign(OPERATOR);
        assertThat(roundTrip(remove.json())).isEqualTo(remove);
    }

    @Test
    void approvalsFromSeveralOperatorsReadBackInOrder() {
        MembershipChange.Signed signed = MembershipChange.remove("c-1", "n2", 7)
                .sign(OPERATOR)
                .approve(SECOND)
                .approve(THIRD);
        Map<String, Object> body = signed.json();
        assertThat(body).containsKey("approvals").doesNotContainKeys("signer", "signature");
        MembershipChange.Signed read = roundTrip(body);
        assertThat(read).isEqualTo(signed);
        assertThat(read.signers()).containsExactly(OPERATOR.publicKey(), SECOND.publicKey(), THIRD.publicKey());
        assertThat(read.approvedBy(SECOND.publicKey())).isTrue();
        assertThatThrownBy(() -> signed.approve(SECOND)).hasMessageContaining("approved this change already");
    }

    @Test
    void theSingleSignerFormOfOlderClientsReadsAsOneApproval() {
        MembershipChange change = MembershipChange.add("c-1", "n3", "10.0.0.4:26656", "10.0.0.4:1317", 42);
        MembershipChange.Approval a = MembershipChange.Approval.by(OPERATOR, change);
        Map<String, Object> old = oldForm(change.sign(OPERATOR));
        MembershipChange.Signed read = roundTrip(old);
        assertThat(read.change()).isEqualTo(change);
        assertThat(read.approvals()).containsExactly(a);
        // Both forms in one body: which would count is not for the node to guess.
        Map<String, Object> both = new LinkedHashMap<>(change.sign(SECOND).json());
        both.put("signer", old.get("signer"));
        both.put("signature", old.get("signature"));
        assertThatThrownBy(() -> roundTrip(both)).hasMessageContaining("not both");
        Map<String, Object> half = new LinkedHashMap<>(change.sign(SECOND).json());
        half.put("signature", old.get("signature"));
        assertThatThrownBy(() -> roundTrip(half)).hasMessageContaining("not both");
        Map<String, Object> signerOnly = new LinkedHashMap<>(old);
        signerOnly.remove("signature");
        assertThatThrownBy(() -> roundTrip(signerOnly)).hasMessageContaining("signature is required");
        Map<String, Object> none = new LinkedHashMap<>(old);
        none.remove("signer");
        none.remove("signature");
        assertThatThrownBy(() -> roundTrip(none)).hasMessageContaining("approvals is required");
    }

    @Test
    void oneSignerTwiceIsRefused() {
        MembershipChange change = MembershipChange.remove("c-1", "n2", 7);
        Map<String, Object> body = change.sign(OPERATOR).approve(SECOND).json();
        List<Object> approvals = new ArrayList<>(approvals(body));
        approvals.add(approvals.get(0));
        body.put("approvals", approvals);
        assertThatThrownBy(() -> roundTrip(body))
                .isNotInstanceOf(MembershipChange.BadSignature.class)
                .hasMessageContaining("approval 3: signer " + MembershipChange.shortKey(OPERATOR.publicKey()))
                .hasMessageContaining("approved already");
        // Two signatures by one key (Ed25519 signing is deterministic, so the second is the same bytes) still count
        // once: the list is refused, not shortened.
        assertThatThrownBy(() -> new MembershipChange.Signed(
                        change,
                        List.of(
                                MembershipChange.Approval.by(OPERATOR, change),
                                MembershipChange.Approval.by(OPERATOR, change))))
                .hasMessageContaining("approved already");
    }

    @Test
    void aFieldAlteredAfterApprovalBreaksTheApprovals() {
        MembershipChange change = MembershipChange.remove("c-1", "n2", 7);
        MembershipChange other = MembershipChange.remove("c-1", "n1", 7);
        // The second approval signs another change: it is named, and the refusal says it is a bad signature (403).
        Map<String, Object> body = change.sign(OPERATOR).json();
        List<Object> approvals = new ArrayList<>(approvals(body));
        approvals.addAll(approvals(other.sign(SECOND).json()));
        body.put("approvals", approvals);
        assertThatThrownBy(() -> roundTrip(body))
                .isInstanceOf(MembershipChange.BadSignature.class)
                .hasMessageContaining("approval 2 (by " + MembershipChange.shortKey(SECOND.publicKey()) + ")")
                .hasMessageContaining("does not match the change");
        // A signature altered by one bit.
        Map<String, Object> flipped = change.sign(OPERATOR).approve(SECOND).json();
        List<Object> list = new ArrayList<>(approvals(flipped));
        @SuppressWarnings("unchecked")
        Map<String, String> second = new LinkedHashMap<>((Map<String, String>) list.get(1));
        String sig = second.get("signature");
        second.put("signature", sig.substring(0, 127) + (sig.charAt(127) == '0' ? '1' : '0'));
        list.set(1, second);
        flipped.put("approvals", list);
        assertThatThrownBy(() -> roundTrip(flipped))
                .isInstanceOf(MembershipChange.BadSignature.class)
                .hasMessageContaining("approval 2 (by");
    }

    @Test
    void approvalsAreBounded() {
        MembershipChange change = MembershipChange.remove("c-1", "n2", 7);
        MembershipChange.Signed signed = change.sign(key(0));
        for (int i = 1; i < MembershipChange.MAX_APPROVALS; i++) {
            signed = signed.approve(key(i));
        }
        assertThat(roundTrip(signed.json()).approvals()).hasSize(MembershipChange.MAX_APPROVALS);
        MembershipChange.Signed full = signed;
        assertThatThrownBy(() -> full.approve(key(99))).hasMessageContaining("at most 32");
        Map<String, Object> over = full.json();
        List<Object> list = new ArrayList<>(approvals(over));
        list.addAll(approvals(change.sign(key(99)).json()));
        over.put("approvals", list);
        assertThatThrownBy(() -> roundTrip(over)).hasMessageContaining("at most 32");
        Map<String, Object> empty = full.json();
        empty.put("approvals", List.of());
        assertThatThrownBy(() -> roundTrip(empty)).hasMessageContaining("at least one");
    }

    @Test
    void malformedApprovalsAreRefusedWithWhatToFix() {
        Map<String, Object> good =
                MembershipChange.remove("c-1", "n2", 7).sign(OPERATOR).json();
        Map<String, Object> one = new LinkedHashMap<>(approval(good));
        Map<Object, String> expected = new LinkedHashMap<>();
        expected.put("not a list", "approvals must be a list");
        expected.put(List.of("x"), "approval 1: must be an object");
        expected.put(List.of(with(one, "extra", "1")), "approval 1: unknown field \"extra\"");
        expected.put(List.of(with(one, "signer", "zz")), "approval 1: signer must be 64 hex digits");
        expected.put(List.of(with(one, "signature", 5)), "approval 1: signature must be a string");
        expected.put(List.of(without(one, "signature")), "approval 1: signature is required");
        expected.forEach((value, message) -> {
            Map<String, Object> body = new LinkedHashMap<>(good);
            body.put("approvals", value);
            assertThatThrownBy(() -> roundTrip(body)).as(message).hasMessageContaining(message);
        });
    }

    @Test
    void theFuzzSeedsOfTheApprovalsFormReachTheChangeTheyCarry() throws Exception {
        for (String seed : List.of("seed-approvals-add", "seed-approvals-remove", "seed-approvals-old-form-valid")) {
            try (var in = MembershipChangeTest.class.getResourceAsStream(
                    "MembershipChangeFuzzTestInputs/anyBodyIsAChangeOrARefusal/" + seed)) {
                assertThat(in).as(seed).isNotNull();
                assertThat(MembershipChange.Signed.parse(JSON.readTree(in)).approvals())
                        .as(seed)
                        .isNotEmpty();
            }
        }
    }

    private static Map<String, Object> oldForm(MembershipChange.Signed signed) {
        Map<String, Object> body = new LinkedHashMap<>(signed.json());
        Map<String, Object> a = approval(body);
        body.remove("approvals");
        body.put("signer", a.get("signer"));
        body.put("signature", a.get("signature"));
        return body;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> approvals(Map<String, Object> body) {
        return (List<Object>) body.get("approvals");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> approval(Map<String, Object> body) {
        return (Map<String, Object>) approvals(body).get(0);
    }

    private static Map<String, Object> with(Map<String, Object> m, String field, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        out.put(field, value);
        return out;
    }

    private static Map<String, Object> without(Map<String, Object> m, String field) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        out.remove(field);
        return out;
    }

    private static KeyPair key(int i) {
        return KeyPair.fromSeed(Arrays.copyOf(("operator-" + i).getBytes(StandardCharsets.UTF_8), 32));
    }

    @Test
    void everyFieldIsCoveredByTheSignature() {
        Map<String, Object> signed = MembershipChange.add("c-1", "n3", "10.0.0.4:26656", "10.0.0.4:1317", 42)
                .sign(OPERATOR)
                .json();
        Map<String, Object> changes = Map.of(
                "chainId", "c-2",
                "id", "n4",
                "raftAddress", "10.0.0.5:26656",
                "apiAddress", "10.0.0.5:1317",
                "configIndex", 43);
        changes.forEach((field, value) -> {
            Map<String, Object> altered = new LinkedHashMap<>(signed);
            altered.put(field, value);
            assertThatThrownBy(() -> roundTrip(altered))
                    .as(field)
                    .isInstanceOf(MembershipChange.BadSignature.class)
                    .hasMessageContaining("approval 1 (by " + MembershipChange.shortKey(OPERATOR.publicKey()) + ")");
        });
        // The same id and index as a removal is another message.
        Map<String, Object> asRemoval = new LinkedHashMap<>(signed);
        asRemoval.put("action", "remove");
        asRemoval.remove("raftAddress");
        asRemoval.remove("apiAddress");
        assertThatThrownBy(() -> roundTrip(asRemoval)).isInstanceOf(MembershipChange.BadSignature.class);
    }

    @Test
    void malformedChangesAreRefusedWithWhatToFix() {
        Map<String, Object> good =
                oldForm(MembershipChange.remove("c-1", "n2", 7).sign(OPERATOR));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("unknown", "unknown field");
        expected.put("action", "action must be add or remove");
        expected.put("id", "id must be");
        expected.put("configIndex", "configIndex must be a whole number");
        expected.put("signer", "signer must be 64 hex digits");
        expected.put("signature", "signature must be 128 hex digits");
        expected.put("chainId", "chainId must be printable ASCII");
        Map<String, Object> bad = Map.of(
                "unknown", 1,
                "action", "promote",
                "id", "N2!",
                "configIndex", "7",
                "signer", "zz",
                "signature", "00",
                "chainId", "has space");
        expected.forEach((field, message) -> {
            Map<String, Object> body = new LinkedHashMap<>(good);
            body.put(field, bad.get(field));
            assertThatThrownBy(() -> roundTrip(body)).as(field).hasMessageContaining(message);
        });
        Map<String, Object> removalWithAddress = new LinkedHashMap<>(good);
        removalWithAddress.put("raftAddress", "10.0.0.1:26656");
        assertThatThrownBy(() -> roundTrip(removalWithAddress)).hasMessageContaining("names the member's id only");
        Map<String, Object> addWithout = new LinkedHashMap<>(good);
        addWithout.put("action", "add");
        assertThatThrownBy(() -> roundTrip(addWithout)).hasMessageContaining("raftAddress is required");
        Map<String, Object> negative = new LinkedHashMap<>(good);
        negative.put("configIndex", -1);
        assertThatThrownBy(() -> roundTrip(negative)).hasMessageContaining("0 or more");
        Map<String, Object> long_ = new LinkedHashMap<>(good);
        long_.put("chainId", "c".repeat(MembershipChange.MAX_TEXT_CHARS + 1));
        assertThatThrownBy(() -> roundTrip(long_)).hasMessageContaining("longer than");
        assertThatThrownBy(() -> MembershipChange.Signed.parse(JSON.readTree("[1]")))
                .hasMessageContaining("JSON object");
    }
}
