package dev.vyoma.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.inference.Http;
import dev.vyoma.inference.TestModels;
import dev.vyoma.inference.api.Json;
import dev.vyoma.inference.api.WorkerSecret;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The worker on the real llama.cpp runtime with the tiny generated model. */
class WorkerTest {
    private static LlamaEngine engine;
    private static WorkerServer server;
    private static String base;
    private static final WorkerSecret SECRET = WorkerSecret.random(new SecureRandom());
    /** What the tests send as the key: the worker's secret, as its gateway does. */
    private static final String GATEWAY = SECRET.hex();

    @BeforeAll
    static void start() {
        engine = new LlamaEngine(TestModels.tiny(), 256, 2, 2);
        server = WorkerServer.start(engine, "tiny", Clock.systemUTC(), "127.0.0.1", 0, SECRET);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    @Test
    void promptTokensAreTheBytesOfTheTextWithTheSpaceMarkerAndTheSequenceStart() {
        // Byte-level vocabulary: "xyz" is the leading space marker (3 bytes), x, y, z, and <s>.
        assertThat(engine.promptTokens("xyz")).isEqualTo(7);
        assertThat(engine.promptTokens("xyzw")).isEqualTo(8);
    }

    @Test
    void aChatCompletionGeneratesExactlyMaxTokensAndSaysSo() throws Exception {
        Http.Reply r = Http.post(
                base + "/v1/chat/completions",
                GATEWAY,
                "{\"model\":\"tiny\",\"max_tokens\":12,\"temperature\":0,\"ignore_eos\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.body().path("object").asString()).isEqualTo("chat.completion");
        JsonNode choice = r.body().path("choices").get(0);
        assertThat(choice.path("finish_reason").asString()).isEqualTo("length");
        assertThat(choice.path("message").path("role").asString()).isEqualTo("assistant");
        JsonNode usage = r.body().path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(12);
        int expectedPrompt = engine.promptTokens("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(expectedPrompt);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(expectedPrompt + 12);
        // Temperature 0: the same text again.
        Http.Reply again = Http.post(
                base + "/v1/chat/completions",
                GATEWAY,
                "{\"model\":\"tiny\",\"max_tokens\":12,\"temperature\":0,\"ignore_eos\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(again.body()
                        .path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asString())
                .isEqualTo(choice.path("message").path("content").asString());
    }

    @Test
    void aStreamedCompletionSendsOneChunkPerTokenThenUsageThenDone() throws Exception {
        List<String> data = Http.stream(
                base + "/v1/completions",
                GATEWAY,
                "{\"model\":\"tiny\",\"prompt\":\"once upon\",\"max_tokens\":9,\"ignore_eos\":true,\"stream\":true}");
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode usage = Json.MAPPER.readTree(data.get(data.size() - 2)).path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(9);
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(engine.promptTokens("once upon"));
        // 9 token chunks, then the finishing chunk.
        List<JsonNode> chunks = data.subList(0, data.size() - 2).stream()
                .map(Json.MAPPER::readTree)
                .toList();
        assertThat(chunks).hasSize(10);
        assertThat(chunks.getLast().path("choices").get(0).path("finish_reason").asString())
                .isEqualTo("length");
        assertThat(chunks.get(0).path("object").asString()).isEqualTo("text_completion");
    }

    @Test
    void withoutIgnoreEosAGenerationEndsWhenTheModelSaysSoAndCountsWhatItSent() throws Exception {
        List<String> data = Http.stream(
                base + "/v1/completions",
                GATEWAY,
                "{\"model\":\"tiny\",\"prompt\":\"a\",\"max_tokens\":200,\"seed\":3,\"stream\":true}");
        JsonNode usage = Json.MAPPER.readTree(data.get(data.size() - 2)).path("usage");
        int pieces = data.size() - 3;
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(pieces).isLessThanOrEqualTo(200);
        String finish = Json.MAPPER
                .readTree(data.get(data.size() - 3))
                .path("choices")
                .get(0)
                .path("finish_reason")
                .asString();
        assertThat(finish).isEqualTo(pieces == 200 ? "length" : "stop");
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedBeforeAnyTokenIsGenerated() throws Exception {
        int before = Http.get(base + "/health", null).body().path("served").asInt();
        Http.Reply r = Http.post(
                base + "/v1/completions",
                GATEWAY,
                "{\"model\":\"tiny\",\"prompt\":\"" + "x".repeat(300) + "\",\"max_tokens\":4}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().path("error").path("code").asString()).isEqualTo("context_length_exceeded");
        assertThat(r.body().path("error").path("message").asString()).contains("maximum context length is 256");
        Http.Reply tooMany = Http.post(
                base + "/v1/completions", GATEWAY, "{\"model\":\"tiny\",\"prompt\":\"hello\",\"max_tokens\":1000}");
        assertThat(tooMany.body().path("error").path("code").asString()).isEqualTo("context_length_exceeded");
        assertThat(Http.get(base + "/health", null).body().path("served").asInt())
                .isEqualTo(before);
    }

    @Test
    void aWorkerDoesNotStartWithoutAWellFormedSecret() {
        String[] args = {"--model", "m.gguf"};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkerMain.parse(args, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(WorkerSecret.ENV + " is not set");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WorkerMain.parse(args, java.util.Map.of(WorkerSecret.ENV, "abc123")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 lowercase hex digits")
                .hasMessageNotContaining("abc123");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkerMain.parse(
                        args, java.util.Map.of(WorkerSecret.ENV, SECRET.hex().toUpperCase(java.util.Locale.ROOT))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WorkerMain.parse(args, java.util.Map.of(WorkerSecret.ENV, SECRET.hex()))
                        .secret()
                        .admits(SECRET.authorization()))
                .isTrue();
        assertThat(SECRET.toString()).doesNotContain(SECRET.hex());
    }

    @Test
    void badRequestsGetOpenAiErrorObjects() throws Exception {
        Http.Reply bad = Http.post(base + "/v1/chat/completions", GATEWAY, "{\"model\":\"tiny\",");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("error").path("code").asString()).isEqualTo("invalid_json");
        Http.Reply model = Http.post(base + "/v1/completions", GATEWAY, "{\"model\":\"gpt-9\",\"prompt\":\"a\"}");
        assertThat(model.status()).isEqualTo(404);
        assertThat(model.body().path("error").path("code").asString()).isEqualTo("model_not_found");
        Http.Reply noMessages = Http.post(base + "/v1/chat/completions", GATEWAY, "{\"model\":\"tiny\"}");
        assertThat(noMessages.body().path("error").path("param").asString()).isEqualTo("messages");
    }
}
