package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vyoma devnet --inference} in its own process: its gateway leases the tiny model from a devnet
 * provider, the tenant's printed API key gets a chat completion, and {@code vyoma inference usage} shows the
 * request settled in a batch that matches the ledger.
 */
class DevnetInferenceTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path home;

    @Test
    void theDevnetServesTheTinyModelAndBillsTheTenant() throws Exception {
        int base = DevnetProcess.freeBlock(21);
        try (DevnetProcess devnet = DevnetProcess.start(home, base, "--inference")) {
            String gateway = "http://127.0.0.1:" + (base + 20);
            java.nio.file.Path keyFile = home.resolve("inference").resolve("tenant-api-key");
            String key = Files.readString(keyFile).strip();
            // The devnet's tenant API key spends its inference account: its owner alone reads it.
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                    .isEqualTo("rw-------");
            assertThat(devnet.output()).contains(gateway + "/v1").contains(key);
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(90, TimeUnit.SECONDS)
                    .pollInterval(1, TimeUnit.SECONDS)
                    .until(() -> {
                        // The replicas' addresses are the operator's; the models list says how many are healthy.
                        JsonNode r = JSON.readTree(http.send(
                                        HttpRequest.newBuilder(URI.create(gateway + "/v1/models"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
                        return r.path("data").size() == 1
                                && r.path("data").get(0).path("replicas").asInt() == 1;
                    });
            HttpResponse<String> chat = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + key)
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"model\":\"tiny\",\"max_tokens\":6,\"ignore_eos\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
            assertThat(JSON.readTree(chat.body())
                            .path("usage")
                            .path("completion_tokens")
                            .asInt())
                    .isEqualTo(6);
            await().atMost(30, TimeUnit.SECONDS)
                    .pollInterval(1, TimeUnit.SECONDS)
                    .until(() -> {
                        StringWriter out = new StringWriter();
                        int code = Main.run(
                                new String[] {
                                    "inference",
                                    "usage",
                                    "--gateway",
                                    gateway,
                                    "--key",
                                    key,
                                    "--node",
                                    "http://127.0.0.1:" + base
                                },
                                new PrintWriter(out, true),
                                new PrintWriter(new StringWriter(), true));
                        return code == 0 && out.toString().contains("matches the ledger");
                    });
        }
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains(home.toString()))
                        .count())
                .as("no worker left running")
                .isZero();
    }
}
