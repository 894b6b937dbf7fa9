package dev.vyoma.inference;

import dev.vyoma.inference.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A small HTTP client for the tests: JSON posts, and SSE streams read into their data lines. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {}

    /** A status and a parsed body. */
    public record Reply(int status, JsonNode body, String text) {}

    public static Reply post(String url, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : parse(r.body()), r.body());
    }

    public static Reply get(String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : parse(r.body()), r.body());
    }

    /** The data lines of an SSE response, in order ({@code [DONE]} included). */
    public static List<String> stream(String url, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<java.util.stream.Stream<String>> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        List<String> data = new ArrayList<>();
        r.body().forEach(line -> {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        });
        if (r.statusCode() != 200) {
            throw new AssertionError("stream answered " + r.statusCode() + ": " + data);
        }
        return data;
    }

    private static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
