package dev.vyoma.node.membership;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Fuzzes the body of {@code POST /v1/validators/changes}, which anyone may send. */
class MembershipChangeFuzzTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Whatever arrives, the parser answers with a change or a refusal; a change it reads writes back as itself. */
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
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(MembershipChange.Signed.parse(JSON.readTree(JSON.writeValueAsString(parsed.json()))))
                .isEqualTo(parsed);
    }
}
