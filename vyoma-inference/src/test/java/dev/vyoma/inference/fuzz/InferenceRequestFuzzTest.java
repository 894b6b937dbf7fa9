package dev.vyoma.inference.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.inference.api.ApiError;
import dev.vyoma.inference.api.CompletionRequest;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.gateway.KeyLimits;
import dev.vyoma.inference.gateway.KeyName;
import dev.vyoma.inference.gateway.KeyRequest;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes the inference gateway's reading of request bodies, as its handlers call it: {@code POST
 * /v1/chat/completions} and {@code /v1/completions} ({@link Json#object} then {@link CompletionRequest#parse}) and
 * {@code POST /v1/keys} ({@link KeyRequest#parse}). A body is refused with an {@link ApiError} of status 400 whose
 * message is one line, or read into a request within every bound; a completion request, written as the gateway
 * sends it to its worker ({@link CompletionRequest#toJson}), is read by the worker as the same request.
 */
class InferenceRequestFuzzTest {
    @FuzzTest
    void completion(byte[] body) {
        for (boolean chat : new boolean[] {true, false}) {
            CompletionRequest r;
            try {
                r = CompletionRequest.parse(Json.object(body), chat);
            } catch (ApiError e) {
                assertRefusal(e);
                continue;
            }
            assertThat(r.chat()).isEqualTo(chat);
            assertThat(CompletionRequest.MODEL_ID.matcher(r.model()).matches()).isTrue();
            // Compared as numbers: -0.0 is 0 (AssertJ's isBetween would order it below 0.0).
            assertThat(r.temperature() >= 0 && r.temperature() <= 2)
                    .as("temperature %s", r.temperature())
                    .isTrue();
            assertThat(r.topP() >= 0 && r.topP() <= 1).as("top_p %s", r.topP()).isTrue();
            assertThat(r.stop()).hasSizeLessThanOrEqualTo(CompletionRequest.MAX_STOP);
            r.stop()
                    .forEach(
                            s -> assertThat(s).isNotEmpty().hasSizeLessThanOrEqualTo(CompletionRequest.MAX_STOP_CHARS));
            assertThat(r.messages()).hasSizeLessThanOrEqualTo(CompletionRequest.MAX_MESSAGES);
            if (r.maxTokens() != null) {
                assertThat(r.maxTokens()).isPositive();
            }
            assertThat(r.promptTokensBound()).isPositive();
            // What the worker receives is this reading, and it reads it back to the same request.
            ObjectNode sent = r.toJson();
            assertThat(CompletionRequest.parse(sent, chat)).isEqualTo(r);
            byte[] wire = Json.write(sent).getBytes(StandardCharsets.UTF_8);
            assertThat(CompletionRequest.parse(Json.object(wire), chat)).isEqualTo(r);
        }
    }

    @FuzzTest
    void keyRequest(byte[] body) {
        if (body.length > KeyRequest.MAX_BODY_BYTES) {
            return; // Refused with 413 before it is read.
        }
        KeyRequest k;
        try {
            k = KeyRequest.parse(body, KeyLimits.DEFAULTS);
        } catch (ApiError e) {
            assertRefusal(e);
            return;
        }
        assertThat(k.requestsPerMinute()).isBetween(1, KeyLimits.MAX_REQUESTS_PER_MINUTE);
        assertThat(k.maxConcurrent()).isBetween(1, KeyLimits.MAX_CONCURRENT);
        assertThat(k.name().value()).hasSizeLessThanOrEqualTo(KeyName.MAX_CHARS);
        assertThat(new KeyName(k.name().value())).isEqualTo(k.name());
    }

    private static void assertRefusal(ApiError e) {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.getMessage().chars().noneMatch(c -> c == '\n' || c == '\r'))
                .as("one line: %s", e.getMessage())
                .isTrue();
    }
}
