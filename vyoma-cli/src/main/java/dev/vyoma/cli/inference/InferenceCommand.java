package dev.vyoma.cli.inference;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.ClientCommand;
import dev.vyoma.cli.common.ClientOptions;
import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.LeaseToken;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.inference.bench.GatewayBench;
import dev.vyoma.inference.bench.InferenceBench;
import dev.vyoma.inference.gateway.GatewayDaemon;
import dev.vyoma.inference.gateway.InferenceGateway;
import dev.vyoma.inference.gateway.KeyLimits;
import dev.vyoma.inference.gateway.ModelOffer;
import dev.vyoma.inference.model.TinyGguf;
import dev.vyoma.inference.worker.WorkerMain;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vyoma inference …}: run a model worker, run a gateway, manage API keys, read usage, measure; and the
 * {@code vyoma tx inference} / {@code vyoma query inference} commands of the ledger's inference accounts.
 */
@Subcommands({
    InferenceCommand.Worker.class,
    InferenceCommand.Serve.class,
    InferenceCommand.Keys.class,
    InferenceCommand.Usage.class,
    InferenceCommand.TinyModel.class,
    InferenceCommand.Bench.class
})
@Command(
        name = "inference",
        description = "OpenAI-compatible inference on the market: model workers, the gateway, API keys, usage.")
public final class InferenceCommand extends Group {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Command(
            name = "worker",
            description = "Serve a GGUF model through llama.cpp with an OpenAI-compatible API (what a lease runs).")
    static final class Worker implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "The model file (.gguf).")
        Path model;

        @Option(names = "--name", description = "The model id clients ask for (default: the file name).")
        String name;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Listen address (default: 127.0.0.1).")
        String host;

        @Option(names = "--port", description = "Listen port (default: $PORT, else a free one).")
        Integer port;

        @Option(
                names = "--context",
                defaultValue = "2048",
                description = "Tokens of context per sequence (default: 2048).")
        int context;

        @Option(names = "--slots", defaultValue = "2", description = "Sequences generated at once (default: 2).")
        int slots;

        @Option(names = "--threads", defaultValue = "0", description = "CPU threads (default: up to 4).")
        int threads;

        @Option(
                names = "--pace-ms",
                defaultValue = "0",
                description = "At most one token per this many ms, to make a small model as slow as a large one.")
        int paceMs;

        @Override
        public Integer call() throws Exception {
            List<String> args = new ArrayList<>(List.of(
                    "--model",
                    model.toString(),
                    "--host",
                    host,
                    "--context",
                    Integer.toString(context),
                    "--slots",
                    Integer.toString(slots)));
            if (name != null) {
                args.addAll(List.of("--name", name));
            }
            if (port != null) {
                args.addAll(List.of("--port", Integer.toString(port)));
            }
            if (threads > 0) {
                args.addAll(List.of("--threads", Integer.toString(threads)));
            }
            args.addAll(List.of("--pace-ms", Integer.toString(paceMs)));
            WorkerMain.Options o;
            try {
                o = WorkerMain.parse(args.toArray(String[]::new));
                if (!Files.isRegularFile(o.model())) {
                    throw new IllegalArgumentException("no model file at " + o.model()
                            + "; give a .gguf file (vyoma inference tiny-model FILE writes a tiny test model)");
                }
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            WorkerMain.run(o);
            return 0;
        }
    }

    @Command(
            name = "serve",
            description = "Run the gateway: OpenAI-compatible API, replicas leased on the market, per-token billing"
                    + " on the ledger.")
    static final class Serve extends ClientCommand {
        @Option(names = "--from", required = true, description = "The gateway's key: it leases replicas and is paid.")
        String from;

        @Option(
                names = "--model",
                required = true,
                description = "A model to offer: ID=IMAGE,in=PRICE,out=PRICE[,context=N,min=N,max=N] (prices in"
                        + " micro-uusd per million tokens; default min 1, max 2). Repeatable.")
        List<String> models;

        @Option(
                names = "--worker",
                description = "Serve MODEL from a worker you run yourself: MODEL=URL (then nothing is leased for it"
                        + " unless min > 0); give the gateway the worker's $VYOMA_WORKER_SECRET. Repeatable.")
        List<String> workers = new ArrayList<>();

        @Option(
                names = "--listen",
                defaultValue = "127.0.0.1:8090",
                description = "HOST:PORT (default: 127.0.0.1:8090).")
        String listen;

        @Option(names = "--data", description = "Where keys and usage are kept (default: HOME/inference).")
        Path data;

        @Option(
                names = "--settle-every",
                defaultValue = "10",
                description = "Seconds between settlements (default: 10).")
        int settleSeconds;

        @Option(names = "--deposit", defaultValue = "5000000uusd", description = "Escrow deposit per replica.")
        String deposit;

        @Option(names = "--max-price", defaultValue = "1000", description = "Most uusd per block per replica.")
        long maxPrice;

        @Override
        public Integer call() throws Exception {
            KeyPair key = client.unlock(from);
            VyomaClient chain = client.client();
            Path dir = data != null ? data : client.home().resolve("inference");
            List<ModelOffer> offers = new ArrayList<>();
            Map<String, List<String>> urls = new LinkedHashMap<>();
            try {
                for (String m : models) {
                    offers.add(ModelOffer.parse(m));
                }
                for (String w : workers) {
                    int eq = w.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--worker is MODEL=URL, got " + w);
                    }
                    urls.computeIfAbsent(w.substring(0, eq), k -> new ArrayList<>())
                            .add(w.substring(eq + 1));
                }
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            WorkerSecret workersSecret = null;
            if (!urls.isEmpty()) {
                try {
                    workersSecret = WorkerSecret.parse(
                            System.getenv().getOrDefault(WorkerSecret.ENV, "").strip());
                } catch (IllegalArgumentException e) {
                    throw new UserException("--worker: set $" + WorkerSecret.ENV
                            + " to the secret your workers were started with: " + e.getMessage());
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            InferenceGateway g = startGateway(
                    chain,
                    key,
                    dir,
                    new GatewayDaemon.Settings(
                            offers,
                            urls,
                            workersSecret,
                            KeyLimits.DEFAULTS,
                            Duration.ofSeconds(settleSeconds),
                            Args.coin(deposit),
                            maxPrice),
                    listen,
                    line -> {
                        out.println(line);
                        out.flush();
                    });
            out.println("vyoma inference gateway ready: http://" + listen + "/v1 as " + key.address() + ", models "
                    + offers.stream().map(ModelOffer::id).toList());
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                g.close();
                stop.countDown();
            }));
            stop.await();
            return 0;
        }
    }

    /**
     * Starts a gateway on {@code listen} ({@code HOST:PORT}); shared by {@code serve} and the devnet. A gateway
     * that refuses its settings or cannot listen is a user error.
     */
    public static InferenceGateway startGateway(
            VyomaClient chain,
            KeyPair key,
            Path dir,
            GatewayDaemon.Settings settings,
            String listen,
            java.util.function.Consumer<String> say) {
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw new UserException("--listen is HOST:PORT, got " + listen);
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserException("cannot start the gateway on " + listen + ": " + e.getMessage());
        }
        try {
            return GatewayDaemon.start(chain, key, dir, settings, listen.substring(0, colon), port, say);
        } catch (GatewayDaemon.StartFailed e) {
            throw new UserException("cannot start the gateway on " + listen + ": " + e.getMessage());
        }
    }

    /** Options of the commands that talk to a gateway as an account owner. */
    static final class GatewayOptions {
        @Mixin
        ClientOptions client;

        @Option(
                names = "--gateway",
                defaultValue = "http://127.0.0.1:8090",
                description = "The gateway (default: http://127.0.0.1:8090).")
        String gateway;

        @Option(names = "--from", required = true, description = "The account the keys belong to.")
        String from;
    }

    private static HttpResponse<String> signed(GatewayOptions o, String method, String path, String body) {
        KeyPair owner = o.client.unlock(o.from);
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> about = http.send(
                    HttpRequest.newBuilder(URI.create(o.gateway + "/v1/gateway"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Address gw =
                    Address.parse(JSON.readTree(about.body()).path("gateway").asString());
            String token = LeaseToken.create(
                    owner,
                    gw,
                    dev.vyoma.inference.gateway.InferenceGateway.KEYS_SCOPE,
                    Duration.ofMinutes(2),
                    Instant.now());
            return http.send(
                    HttpRequest.newBuilder(URI.create(o.gateway + path))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .method(
                                    method,
                                    body == null
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UserException("cannot reach the gateway at " + o.gateway + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted");
        } catch (IllegalArgumentException | tools.jackson.core.JacksonException e) {
            throw new UserException(o.gateway + " is not a Vyoma inference gateway: " + e.getMessage());
        }
    }

    private static JsonNode answer(HttpResponse<String> r, int expected) {
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() != expected) {
            throw new UserException("the gateway answered " + r.statusCode() + ": "
                    + n.path("error").path("message").asString(r.body()));
        }
        return n;
    }

    @Subcommands({KeysCreate.class, KeysList.class, KeysRevoke.class})
    @Command(name = "keys", description = "API keys bound to your account.")
    static final class Keys extends Group {}

    @Command(name = "create", description = "Create an API key (shown once): vyoma inference keys create --from KEY.")
    static final class KeysCreate extends OutputCommand {
        @Mixin
        GatewayOptions options;

        @Option(names = "--name", defaultValue = "", description = "A label.")
        String name;

        @Option(names = "--rpm", defaultValue = "600", description = "Requests per minute (default: 600).")
        int rpm;

        @Option(names = "--concurrency", defaultValue = "16", description = "Requests at once (default: 16).")
        int concurrency;

        @Override
        public Integer call() {
            String body = JSON.writeValueAsString(
                    Map.of("name", name, "requests_per_minute", rpm, "max_concurrent", concurrency));
            JsonNode n = answer(signed(options, "POST", "/v1/keys", body), 201);
            return print(JSON.convertValue(n, Object.class));
        }
    }

    @Command(name = "list", description = "Your API keys (ids, limits, revoked or not; never the secrets).")
    static final class KeysList extends OutputCommand {
        @Mixin
        GatewayOptions options;

        @Override
        public Integer call() {
            JsonNode n = answer(signed(options, "GET", "/v1/keys", null), 200);
            Out.records(
                    spec.commandLine().getOut(),
                    GlobalOptions.of(spec).output,
                    JSON.convertValue(n.path("items"), Object.class));
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke an API key: vyoma inference keys revoke ID --from KEY.")
    static final class KeysRevoke extends OutputCommand {
        @Mixin
        GatewayOptions options;

        @Parameters(index = "0", paramLabel = "ID", description = "The key's id (its first 8 hex digits after vyk-).")
        String id;

        @Override
        public Integer call() {
            JsonNode n = answer(signed(options, "DELETE", "/v1/keys/" + id, null), 200);
            return print(JSON.convertValue(n, Object.class));
        }
    }

    @Command(
            name = "usage",
            description = "Your requests as the gateway metered them, each settled batch checked against the ledger.")
    static final class Usage extends ClientCommand {
        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8090", description = "The gateway.")
        String gateway;

        @Option(names = "--key", required = true, description = "An API key of the account (vyk-…).")
        String key;

        @Option(names = "--limit", defaultValue = "100", description = "The last this many requests (default: 100).")
        int limit;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> r;
            try {
                r = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(gateway + "/v1/usage?limit=" + limit))
                                        .header("Authorization", "Bearer " + key)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UserException("cannot reach the gateway at " + gateway + ": " + e.getMessage());
            }
            JsonNode u = answer(r, 200);
            // Each settled batch: the hash of our records must be the one the ledger's charge carries.
            Map<Long, String> onChain = new LinkedHashMap<>();
            try {
                JsonNode charges = client.client()
                        .getJson("/v1/inference/charges/" + u.path("owner").asString() + "/"
                                + u.path("gateway").asString() + "?limit=1000")
                        .orElseThrow();
                for (JsonNode c : charges.path("items")) {
                    onChain.put(
                            c.path("key").path("batch").asLong(),
                            c.path("recordsHashHex").asString());
                }
            } catch (VyomaClient.NodeException e) {
                throw new UserException("cannot check the batches on the ledger: " + e.getMessage());
            }
            Map<Long, String> verdicts = new LinkedHashMap<>();
            for (JsonNode b : u.path("batches")) {
                long batch = b.path("batch").asLong();
                String chain = onChain.get(batch);
                verdicts.put(
                        batch,
                        chain == null
                                ? "not on the ledger"
                                : chain.equals(b.path("records_sha256").asString())
                                        ? "matches the ledger"
                                        : "DIFFERS from the ledger");
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode i : u.path("items")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", i.path("id").asString());
                m.put("model", i.path("model").asString());
                m.put("prompt_tokens", i.path("prompt_tokens").asLong());
                m.put("completion_tokens", i.path("completion_tokens").asLong());
                long pico = i.path("cost_pico").asLong();
                m.put("cost_uusd", java.math.BigDecimal.valueOf(pico, 6).toPlainString());
                long batch = i.path("batch").asLong();
                m.put("batch", batch == 0 ? "pending" : Long.toString(batch));
                m.put("ledger", batch == 0 ? "" : verdicts.getOrDefault(batch, ""));
                rows.add(m);
            }
            Out.records(spec.commandLine().getOut(), GlobalOptions.of(spec).output, rows);
            if (verdicts.containsValue("DIFFERS from the ledger")) {
                throw new UserException("a settled batch's records differ from what the ledger charged");
            }
            return 0;
        }
    }

    @Command(
            name = "tiny-model",
            description = "Write the tiny random-weight test model (GGUF, ~460 KB): gibberish, but real to llama.cpp.")
    static final class TinyModel extends OutputCommand {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Override
        public Integer call() throws IOException {
            TinyGguf.write(file, seed);
            spec.commandLine().getOut().println("wrote " + file + " (" + Files.size(file) + " bytes)");
            return 0;
        }
    }

    @Command(
            name = "bench",
            description = "The gateway's added latency (p50/p99) and requests/s against calling the worker directly,"
                    + " in one run on a local chain with the tiny model; and the worker's tokens/s.")
    static class Bench extends OutputCommand {
        @Option(names = "--samples", defaultValue = "500", description = "Latency samples per path (default: 500).")
        int samples;

        @Option(
                names = "--clients",
                defaultValue = "8",
                description = "Concurrent clients for requests/s (default: 8).")
        int clients;

        @Option(names = "--seconds", defaultValue = "10", description = "Seconds per throughput run (default: 10).")
        int seconds;

        @Option(names = "--model", description = "A GGUF model to measure instead of the tiny one.")
        Path model;

        @Option(names = "--threads", defaultValue = "2", description = "Worker CPU threads (default: 2).")
        int threads;

        @Override
        public Integer call() throws Exception {
            dev.vyoma.node.NodeMain.routeJavaLogging();
            Path dir = Files.createTempDirectory("vyoma-inference-bench");
            GatewayBench.Outcome o;
            try {
                o = GatewayBench.run(
                        dir,
                        model,
                        threads,
                        new InferenceBench.Plan(
                                Math.max(20, samples / 10), samples, clients, Duration.ofSeconds(seconds), 128));
            } catch (GatewayBench.SetupFailed e) {
                throw new UserException(e.getMessage());
            }
            InferenceBench.Result r = o.result();
            Map<String, Object> m = new LinkedHashMap<>(r.asMap());
            m.put("samples", samples);
            m.put("clients", clients);
            m.put("cpus", Runtime.getRuntime().availableProcessors());
            // Every request through the gateway, metered and settled on the ledger.
            m.put("requests_charged_on_ledger", o.requestsCharged());
            m.put("batches", o.batches());
            if (o.requestsCharged() != r.gatewayRequests()) {
                throw new UserException("the ledger charged " + o.requestsCharged()
                        + " requests but the gateway answered " + r.gatewayRequests());
            }
            return print(m);
        }
    }

    /** The same benchmark as {@code vyoma bench inference}, beside the other benchmarks. */
    @Command(
            name = "inference",
            description = "The inference gateway's added latency (p50/p99) and requests/s against calling the worker"
                    + " directly, in one run; and the worker's tokens/s (as vyoma inference bench).")
    public static final class BenchInference extends Bench {}
}
