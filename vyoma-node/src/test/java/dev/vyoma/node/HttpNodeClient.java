package dev.vyoma.node;

import dev.vyoma.ledger.tx.SignedTx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A minimal client of a node's HTTP API for the process tests. */
final class HttpNodeClient {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Answer(int status, JsonNode body) {}

    private final String base;

    HttpNodeClient(String apiAddress) {
        this.base = "http://" + apiAddress;
    }

    Answer get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    Answer post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(180))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    Answer submit(SignedTx tx, boolean waitForCommit) throws IOException, InterruptedException {
        String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(tx.encode()) + "\"}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/txs" + (waitForCommit ? "?wait=commit&timeout=20" : "")))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    /** The height the node reports, or -1 if it does not answer. */
    long height() {
        try {
            Answer a = get("/v1/status");
            return a.status() == 200 ? a.body().path("height").asLong() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The state commitment after block {@code height}, as this node stored it. */
    String stateAt(long height) throws IOException, InterruptedException {
        Answer a = get("/v1/blocks/" + height);
        if (a.status() != 200) {
            throw new IllegalStateException(base + " has no block " + height + ": " + a.body());
        }
        return a.body().path("state").asString();
    }
}
