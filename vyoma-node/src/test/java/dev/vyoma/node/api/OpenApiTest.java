package dev.vyoma.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /openapi.json} against the routes the running server has registered (read from Javalin's router, not
 * from the route table): every route is described, with each of its path parameters, a summary and a 200 answer,
 * every reference resolves, and nothing is described that is not served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]*)}");

    private LocalChain chain;
    private JsonNode doc;
    private List<String> registered;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        KeyPair alice = new NamedKeys("openapi").key("alice");
        chain = LocalChain.builder(home)
                .genesis(LocalChain.fundedGenesis(
                        "vyoma-openapi-test", List.of(new Coin("uvyo", 1_000)), alice.address()))
                .proposer(alice.address())
                .blockInterval(Duration.ofMillis(100))
                .start();
        registered = chain.api().registeredRoutes();
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + chain.api().port() + "/openapi.json"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        doc = JsonMapper.builder().build().readTree(r.body());
    }

    @AfterAll
    void stop() {
        if (chain != null) {
            chain.close();
        }
    }

    @Test
    void everyRegisteredRouteIsDescribed() {
        // The server's own routes: those the table declares and any registered another way.
        assertThat(registered).contains("GET /v1/status", "POST /v1/txs", "GET /v1/events", "GET /openapi.json");
        List<String> undescribed = new ArrayList<>();
        for (String route : registered) {
            String method = route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT);
            String path = route.substring(route.indexOf(' ') + 1);
            JsonNode op = doc.path("paths").path(path).path(method);
            if (op.isMissingNode()) {
                undescribed.add(route);
                continue;
            }
            assertThat(op.path("summary").asString()).as(route + " summary").isNotBlank();
            assertThat(op.path("responses").has("200"))
                    .as(route + " answers 200")
                    .isTrue();
            Matcher m = PATH_PARAM.matcher(path);
            while (m.find()) {
                String name = m.group(1);
                boolean described = false;
                for (JsonNode p : op.path("parameters")) {
                    described |= p.path("in").asString().equals("path")
                            && p.path("name").asString().equals(name)
                            && p.path("required").asBoolean()
                            && !p.path("description").asString().isBlank();
                }
                assertThat(described).as(route + " describes {" + name + "}").isTrue();
            }
        }
        assertThat(undescribed)
                .as("routes served but missing from /openapi.json")
                .isEmpty();
    }

    @Test
    void nothingIsDescribedThatIsNotServed() {
        List<String> described = new ArrayList<>();
        doc.path("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .propertyNames()
                        .forEach(method -> described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        assertThat(described).containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void everyReferenceResolves() {
        Matcher m = Pattern.compile("\"#/components/schemas/([^\"]+)\"").matcher(doc.toString());
        int refs = 0;
        while (m.find()) {
            refs++;
            assertThat(doc.path("components").path("schemas").has(m.group(1)))
                    .as(m.group(1))
                    .isTrue();
        }
        assertThat(refs).isGreaterThan(registered.size());
    }

    @Test
    void aRouteCannotBeDeclaredWithoutItsDescription() {
        RouteTable table = new RouteTable();
        assertThatThrownBy(() -> table.get("/v1/things/{thing}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("{thing}");
        assertThatThrownBy(() -> table.get("/v1/things").returns("Page").handle(ctx -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("summary");
        assertThatThrownBy(() -> table.get("/v1/things").summary("Things").handle(ctx -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema");
        table.get("/v1/things").summary("Things").paged().handle(ctx -> {});
        assertThatThrownBy(
                        () -> table.get("/v1/things").summary("Again").paged().handle(ctx -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("twice");
        assertThat(table.routes()).hasSize(1);
    }
}
