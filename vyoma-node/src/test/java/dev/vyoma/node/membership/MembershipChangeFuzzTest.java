package dev.vyoma.node.membership;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the body of {@code POST /v1/validators/changes}, which anyone may send. Kept inputs (valid additions and
 * removals, and the refusals next to them) are in {@code MembershipChangeFuzzTestInputs/}.
 */
class MembershipChangeFuzzTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Longest refusal: it quotes at most a cut-short part of the body. */
    private static final int MAX_MESSAGE_CHARS = 500;

    /**
     * Whatever arrives, the parser answers with a change or a refusal of one bounded line; a change it reads writes
     * back as itself, and every approval it holds verifies.
     */
    @FuzzTest(maxDuration = "10s")
    void anyBodyIsAChangeOrARefusal(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (JacksonException e) {
            return;
        }
        MembershipChange.Signed parsed;
        try {
            parsed = MembershipChange.Signed.parse(n);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(MAX_MESSAGE_CHARS);
            assertThat(e.getMessage().chars()).noneMatch(Character::isISOControl);
            return;
        }
        assertThat(MembershipChange.Signed.parse(JSON.readTree(JSON.writeValueAsString(parsed.json()))))
                .isEqualTo(parsed);
        for (MembershipChange.Approval a : parsed.approvals()) {
            assertThat(a.verifies(parsed.change())).isTrue();
        }
    }
}
