package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.inference.TestChain;
import dev.vyoma.inference.api.Json;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.testkit.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The official {@code openai} npm package, unchanged, against the gateway: a chat completion whole and
 * streamed, the model list, and an error. The package is installed at test time under
 * {@code target/openai-client} (kept there between runs); the test is skipped only when node or npm is absent.
 */
class OpenAiClientTest {
    /** The openai package version installed (exact, for repeatable runs). */
    static final String OPENAI_VERSION = "7.59.0";

    @TempDir
    Path dir;

    private static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(Path cwd, List<String> cmd, java.util.Map<String, String> env, int seconds)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish in " + seconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + text).isZero();
        return text;
    }

    /** The client directory with the package installed (installed now if it is not there yet). */
    private static Path client() throws Exception {
        Path target = Fixtures.repositoryRoot().resolve("vyoma-inference/target/openai-client");
        Files.createDirectories(target);
        Path installed = target.resolve("node_modules/openai/package.json");
        if (!Files.exists(installed)
                || !Json.MAPPER
                        .readTree(Files.readString(installed))
                        .path("version")
                        .asString()
                        .equals(OPENAI_VERSION)) {
            run(
                    target,
                    List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", "openai@" + OPENAI_VERSION),
                    java.util.Map.of(),
                    300);
        }
        try (var in = OpenAiClientTest.class.getResourceAsStream("/openai/client.mjs")) {
            Files.write(target.resolve("client.mjs"), in.readAllBytes());
        }
        return target;
    }

    @Test
    void theOfficialOpenAiClientTalksToTheGatewayWholeAndStreamed() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed for the openai package");
        Path client = client();
        try (TestChain chain = new TestChain(dir, "vyoma-openai-test", "gateway", "alice")) {
            KeyPair gateway = TestChain.KEYS.key("gateway");
            KeyPair alice = TestChain.KEYS.key("alice");
            try (GatewayHarness h = new GatewayHarness(
                    chain, dir.resolve("gw"), gateway, null, List.of(GatewayHarness.tinyOffer(0, 1)))) {
                chain.commit(
                        alice,
                        new Msg.OpenInferenceAccount(alice.address(), gateway.address(), new Coin("uusd", 5_000)));
                String key = h.newKey(alice, null);
                String line =
                        run(client, List.of("node", "client.mjs"), java.util.Map.of("BASE", h.base, "KEY", key), 120);
                JsonNode out =
                        Json.MAPPER.readTree(line.lines().reduce((a, b) -> b).orElseThrow());
                assertThat(out.path("models").get(0).asString()).isEqualTo("tiny");

                JsonNode whole = out.path("whole");
                assertThat(whole.path("object").asString()).isEqualTo("chat.completion");
                assertThat(whole.path("role").asString()).isEqualTo("assistant");
                assertThat(whole.path("finish").asString()).isEqualTo("length");
                assertThat(whole.path("usage").path("completion_tokens").asInt())
                        .isEqualTo(8);

                JsonNode stream = out.path("stream");
                assertThat(stream.path("finish").asString()).isEqualTo("length");
                assertThat(stream.path("usage").path("completion_tokens").asInt())
                        .isEqualTo(8);
                assertThat(stream.path("usage").path("prompt_tokens").asInt())
                        .isEqualTo(whole.path("usage").path("prompt_tokens").asInt());
                // Chunks with text: at most one per token (the tiny model's control tokens render as nothing).
                assertThat(stream.path("chunks").asInt()).isLessThanOrEqualTo(8);

                JsonNode error = out.path("error");
                assertThat(error.path("status").asInt()).isEqualTo(404);
                assertThat(error.path("code").asString()).isEqualTo("model_not_found");

                // Both completions were metered and settle exactly.
                assertThat(h.gateway.settleNow()).isPositive();
                long in = whole.path("usage").path("prompt_tokens").asLong() * 2;
                long cost = in * GatewayHarness.IN_PRICE + 16 * GatewayHarness.OUT_PRICE;
                JsonNode account = chain.client
                        .getJson("/v1/inference/accounts/" + alice.address() + "/" + gateway.address())
                        .orElseThrow();
                assertThat(account.path("chargedTotal").asLong()).isEqualTo(cost / 1_000_000);
                assertThat(account.path("carryPico").asLong()).isEqualTo(cost % 1_000_000);
            }
        }
    }
}
