package dev.vyoma.node.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A membership change as an operator signs it and as a stranger might send it. */
class MembershipChangeTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final KeyPair OPERATOR =
            KeyPair.fromSeed(Arrays.copyOf("operator".getBytes(StandardCharsets.UTF_8), 32));

    private static MembershipChange.Signed roundTrip(Map<String, Object> body) {
        return MembershipChange.Signed.parse(JSON.readTree(JSON.writeValueAsString(body)));
    }

    @Test
    void aSignedChangeReadsBackAndVerifies() {
        MembershipChange.Signed add = MembershipChange.add("c-1", "n3", "10.0.0.4:26656", "10.0.0.4:1317", 42)
                .sign(OPERATOR);
        MembershipChange.Signed read = roundTrip(add.json());
        assertThat(read).isEqualTo(add);
        assertThat(read.verifies()).isTrue();
        MembershipChange.Signed remove = MembershipChange.remove("c-1", "n2", 7).sign(OPERATOR);
        assertThat(roundTrip(remove.json()).verifies()).isTrue();
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
            assertThat(roundTrip(altered).verifies()).as(field).isFalse();
        });
        // The same id and index as a removal is another message.
        Map<String, Object> asRemoval = new LinkedHashMap<>(signed);
        asRemoval.put("action", "remove");
        asRemoval.remove("raftAddress");
        asRemoval.remove("apiAddress");
        assertThat(roundTrip(asRemoval).verifies()).isFalse();
    }

    @Test
    void malformedChangesAreRefusedWithWhatToFix() {
        Map<String, Object> good =
                MembershipChange.remove("c-1", "n2", 7).sign(OPERATOR).json();
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
