package dev.vyoma.cli.devnet;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.OutputFormat;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.cli.inference.InferenceCommand;
import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.inference.gateway.GatewayDaemon;
import dev.vyoma.inference.gateway.InferenceGateway;
import dev.vyoma.inference.gateway.KeyLimits;
import dev.vyoma.inference.gateway.ModelOffer;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.provider.ProviderConfig;
import dev.vyoma.provider.ProviderDaemon;
import dev.vyoma.sdl.spec.Attribute;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vyoma devnet}: a whole local market in one process. A one-validator chain (1 s blocks; or three
 * validators replicating it with {@code --validators 3}), a funded
 * tenant key, an auditor that signs the providers' attributes, and two providers: one declaring 8× H100 80Gi
 * SXM, one with CPUs only. The providers run leases in containers when a container engine answers or Podman is
 * installed (the devnet then starts Podman's API service itself, and stops it with the devnet), else as local
 * processes ({@link DevnetEngine}). Everything lives in {@code --home}; Ctrl-C (or SIGTERM) stops it cleanly, with
 * every service its providers run, and the next run goes on from where it stopped, starting again the services of
 * leases still active.
 */
@Command(
        name = "devnet",
        description =
                "Run a local network: a validator, a funded tenant, an auditor, a GPU provider and a CPU provider.")
public final class DevnetCommand extends OutputCommand {
    @Option(names = "--home", description = "Where the devnet keeps its state (default: ~/.vyoma-devnet).")
    Path home;

    @Option(
            names = "--port-base",
            description =
                    "Use ports BASE (API), BASE+1 (consensus), BASE+2/+3 (provider gateways) and BASE+4/+5 (ingresses)"
                            + " instead of 1317, 26656, 8443/8444 and 8080/8081, when those are taken. Only for a new devnet.")
    Integer portBase;

    @Option(
            names = "--validators",
            description = "How many validators replicate the chain (default: 1). Only for a new devnet; with more than"
                    + " one, validator i > 0 serves its API on 1317+i (BASE+4+2i with --port-base) and consensus on"
                    + " 26656+i (BASE+5+2i).")
    Integer validators;

    @Option(
            names = "--inference",
            description = "Also run an inference gateway (OpenAI-compatible, http://127.0.0.1:8090/v1; API port + 20"
                    + " with --port-base) offering a tiny test model that it leases from the CPU provider, with an"
                    + " inference account and an API key for the tenant.")
    boolean inference;

    @Option(
            names = "--console",
            description = "Also serve the browser console for the devnet's keys (http://127.0.0.1:8100; API port + 21"
                    + " with --port-base); its URL, with the session token, is printed with the table.")
    boolean console;

    @Option(
            names = "--runtime",
            description = "Where the providers run leases: auto (default: containers when an engine answers, or on a"
                    + " Podman service the devnet starts when podman is installed; else local processes), container"
                    + " or process.",
            defaultValue = "auto")
    DevnetEngine.Mode runtime;

    private static final String CHAIN = "vyoma-devnet-1";

    /** The devnet's tiny model, its offer and its prices (micro-uusd per million tokens, AkashML's example). */
    private static final String INFERENCE_MODEL = "tiny";

    private static final String INFERENCE_IMAGE_ENTRY =
            "  - {match: \"vyoma/inference-worker*\", java: dev.vyoma.inference.worker.WorkerMain, args: [--model,"
                    + " \"@MODEL@\", --context, \"256\", --slots, \"2\", --threads, \"1\"],"
                    + " env: [MODEL_NAME, VYOMA_WORKER_SECRET]}\n";

    @Override
    public Integer call() throws Exception {
        dev.vyoma.node.NodeMain.routeJavaLogging();
        Path dir = home != null ? home : Path.of(System.getProperty("user.home"), ".vyoma-devnet");
        Path keysHome = dir.resolve("keys");
        Keyring keys = Keyring.open(keysHome, Keyring.Backend.TEST);
        List<Path> homes = validatorHomes(dir);
        boolean fresh = homes.isEmpty();
        int count = validators == null ? (fresh ? 1 : homes.size()) : validators;
        if (count < 1 || count > 7) {
            throw new UserException("--validators is between 1 and 7, got " + count);
        }
        if (!fresh && count != homes.size()) {
            throw new UserException("the devnet in " + dir + " has " + homes.size() + " validator(s); --validators"
                    + " only shapes a new devnet (choose another --home for " + count + ")");
        }
        if (fresh) {
            init(dir, keys, portBase, count);
            homes = validatorHomes(dir);
        }
        List<Node> nodes = new ArrayList<>();
        List<Api> apis = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        for (Path h : homes) {
            NodeHome.Settings settings = NodeHome.at(h).settings();
            int apiPort = Integer.parseInt(settings.self().apiAddress().replaceAll(".*:", ""));
            Node node = Node.start(NodeHome.at(h).nodeConfig());
            nodes.add(node);
            try {
                // A follower forwards the transactions it admits to whichever validator leads.
                apis.add(Api.start(node, "127.0.0.1", apiPort, settings.otherApis()));
            } catch (RuntimeException e) {
                apis.forEach(Api::close);
                nodes.forEach(Node::close);
                throw new UserException("cannot serve the API on 127.0.0.1:" + apiPort
                        + " (is another devnet or node running?): " + e.getMessage());
            }
            urls.add("http://127.0.0.1:" + apiPort);
        }
        String url = urls.get(0);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (nodes.stream().noneMatch(Node::isLeader) || nodes.get(0).height() < 1) {
            if (System.nanoTime() > deadline) {
                apis.forEach(Api::close);
                nodes.forEach(Node::close);
                throw new UserException("the devnet's validators did not start producing blocks within 60 s");
            }
            Thread.sleep(100);
        }
        if (inference) {
            prepareInference(dir);
        }
        DevnetEngine engine = DevnetEngine.choose(runtime, dir, inference);
        List<ProviderDaemon> providers = new ArrayList<>();
        try {
            for (String p : List.of("provider-gpu", "provider-cpu")) {
                providers.add(ProviderDaemon.start(
                        engine.apply(ProviderConfig.read(dir.resolve(p).resolve("provider.yaml"))),
                        keys.unlock(p, null),
                        dir.resolve(p).resolve("state")));
            }
        } catch (IOException | RuntimeException e) {
            // A Podman service the devnet started is a process of its own: it must not outlive a failed start.
            stopProviders(providers);
            engine.close();
            apis.forEach(Api::close);
            nodes.forEach(Node::close);
            throw e;
        }
        if (fresh) {
            audit(url, keys);
        }
        InferenceGateway gateway = null;
        String tenantApiKey = null;
        String gatewayUrl = null;
        if (inference) {
            int apiPort = Integer.parseInt(url.replaceAll(".*:", ""));
            gatewayUrl = "http://127.0.0.1:" + (apiPort == 1317 ? 8090 : apiPort + 20);
            gateway = startInference(dir, url, keys, gatewayUrl);
            tenantApiKey = tenantKey(dir, url, keys, gatewayUrl);
        }
        dev.vyoma.console.ConsoleServer consoleServer = null;
        if (console) {
            int apiPort = Integer.parseInt(url.replaceAll(".*:", ""));
            try {
                consoleServer = dev.vyoma.console.ConsoleServer.start(new dev.vyoma.console.ConsoleServer.Settings(
                        url,
                        keysHome,
                        Keyring.Backend.TEST,
                        "127.0.0.1",
                        apiPort == 1317 ? 8100 : apiPort + 21,
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty()));
            } catch (dev.vyoma.console.ConsoleServer.StartException e) {
                if (gateway != null) {
                    gateway.close();
                }
                stopProviders(providers);
                engine.close();
                apis.forEach(Api::close);
                nodes.forEach(Node::close);
                throw new UserException("--console: " + e.getMessage());
            }
        }
        dev.vyoma.console.ConsoleServer runningConsole = consoleServer;
        InferenceGateway runningGateway = gateway;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (runningConsole != null) {
                                runningConsole.close();
                            }
                            if (runningGateway != null) {
                                runningGateway.releaseAll();
                                runningGateway.close();
                            }
                            stopProviders(providers);
                            engine.close();
                            apis.forEach(Api::close);
                            nodes.forEach(Node::close);
                            stopped.countDown();
                        },
                        "devnet-shutdown"));

        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            rows.add(row(
                    nodes.size() == 1 ? "validator" : "validator " + i,
                    urls.get(i) + "  (chain " + CHAIN + ", 1 s blocks)",
                    homes.get(i).toString()));
        }
        rows.add(row("tenant key", keys.show("tenant").address().toString(), keysHome.toString()));
        rows.add(row("auditor", keys.show("auditor").address().toString(), "signs both providers' attributes"));
        for (int i = 0; i < providers.size(); i++) {
            ProviderDaemon p = providers.get(i);
            String name = i == 0 ? "GPU provider (8x H100 80Gi SXM)" : "CPU provider";
            rows.add(row(
                    name,
                    "gateway https://127.0.0.1:" + p.gateway().port() + ", ingress http://*.ingress.localhost:"
                            + p.ingress().port() + "; leases run as " + engine.description(),
                    keys.show(i == 0 ? "provider-gpu" : "provider-cpu")
                            .address()
                            .toString()));
        }
        if (gateway != null) {
            rows.add(row(
                    "inference gateway",
                    gatewayUrl + "/v1  (model " + INFERENCE_MODEL + ", leased from the CPU provider)",
                    keys.show("inference-gateway").address().toString()));
            rows.add(row("tenant API key", tenantApiKey, "its inference account holds 100000000uusd"));
        }
        if (consoleServer != null) {
            rows.add(row("console", consoleServer.url(), "the browser console for these keys (keep the URL private)"));
        }
        Out.records(out, OutputFormat.table, rows);
        out.println();
        out.println((fresh ? "Started a new devnet" : "Resumed the devnet") + " in " + dir + ". Try:");
        out.println("  vyoma deploy examples/web.yaml --from tenant --keyring-backend test --home " + keysHome);
        if (gateway != null) {
            out.println("  curl " + gatewayUrl + "/v1/chat/completions -H 'Authorization: Bearer " + tenantApiKey
                    + "' -d '{\"model\":\"" + INFERENCE_MODEL
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}'");
        }
        out.println("Ctrl-C stops it; vyoma devnet again goes on from here.");
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * Stops the providers and, unlike a provider of its own, every replica they run (they start again with the
     * devnet if their lease is still active): a devnet leaves nothing it started running.
     */
    private static void stopProviders(List<ProviderDaemon> providers) {
        for (ProviderDaemon p : providers) {
            try {
                p.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                p.stopWorkloads();
            } catch (IOException | RuntimeException e) {
                System.err.println("devnet: stopping a provider's services failed: " + e);
            }
        }
    }

    private static Map<String, Object> row(String what, String where, String note) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("what", what);
        r.put("where", where);
        r.put("note", note);
        return r;
    }

    /** The validators' homes of the devnet in {@code dir}: {@code node} for one, {@code nodes/node0…} for more. */
    private static List<Path> validatorHomes(Path dir) throws IOException {
        if (Files.exists(dir.resolve("node").resolve("config.json"))) {
            return List.of(dir.resolve("node"));
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; Files.exists(dir.resolve("nodes").resolve("node" + i).resolve("config.json")); i++) {
            out.add(dir.resolve("nodes").resolve("node" + i));
        }
        return out;
    }

    private static void init(Path dir, Keyring keys, Integer base, int validators) throws IOException {
        int api = base == null ? 1317 : base;
        int raft = base == null ? 26656 : base + 1;
        int[] gateways = base == null ? new int[] {8443, 8444} : new int[] {base + 2, base + 3};
        int[] ingresses = base == null ? new int[] {8080, 8081} : new int[] {base + 4, base + 5};
        List<Genesis.Allocation> funded = new ArrayList<>();
        for (String name : List.of("tenant", "auditor", "provider-gpu", "provider-cpu", "inference-gateway")) {
            Keyring.Entry e =
                    keys.list().stream().anyMatch(k -> k.name().equals(name)) ? keys.show(name) : keys.add(name, null);
            funded.add(new Genesis.Allocation(
                    e.address(), List.of(new Coin("uusd", 1_000_000_000_000L), new Coin("uvyo", 1_000_000_000_000L))));
        }
        Genesis genesis = new Genesis(CHAIN, System.currentTimeMillis(), Params.defaults(), funded);
        NodeHome.Settings settings = new NodeHome.Settings(
                "n0",
                "devnet",
                List.of(new NodeHome.Member("n0", "127.0.0.1:" + raft, "127.0.0.1:" + api)),
                1_000,
                NodeHome.DEFAULT_MAX_TXS_PER_BLOCK,
                1_000);
        if (validators == 1) {
            NodeHome.init(dir.resolve("node"), settings, genesis, NodeHome.newKey());
        } else {
            List<Integer> raftPorts = new ArrayList<>(List.of(raft));
            List<Integer> apiPorts = new ArrayList<>(List.of(api));
            for (int i = 1; i < validators; i++) {
                apiPorts.add(base == null ? 1317 + i : base + 4 + 2 * i);
                raftPorts.add(base == null ? 26656 + i : base + 5 + 2 * i);
            }
            NodeHome.testnet(dir.resolve("nodes"), "127.0.0.1", raftPorts, apiPorts, genesis, 1_000);
        }
        String node = "node: http://127.0.0.1:" + api
                + "\nkeyringBackend: test\nhost: auto\nbidDeposit: 500000uvyo\nwithdrawEverySeconds: 60\n";
        Files.createDirectories(dir.resolve("provider-gpu"));
        Files.writeString(
                dir.resolve("provider-gpu").resolve("provider.yaml"),
                node
                        + """
                key: provider-gpu
                gateway: 127.0.0.1:GATEWAY
                ingress: 127.0.0.1:INGRESS
                attributes: {region: us-west, tier: community, organization: devnet-gpu}
                info: {email: gpu@devnet.local}
                inventory:
                  nodes:
                    - name: gpu-0
                      cpu: 128
                      memory: 1Ti
                      storage: 8Ti
                      gpus: {count: 8, vendor: nvidia, model: h100, ram: 80Gi, interface: sxm}
                pricing:
                  denom: uusd
                  cpu: 20
                  memoryGi: 8
                  storageGi: {ephemeral: 0.5, ram: 8}
                  gpu: {h100: 40000}
                  endpoint: 1
                """.replace("GATEWAY", Integer.toString(gateways[0]))
                                .replace("INGRESS", Integer.toString(ingresses[0])));
        Files.createDirectories(dir.resolve("provider-cpu"));
        Files.writeString(
                dir.resolve("provider-cpu").resolve("provider.yaml"),
                node
                        + """
                key: provider-cpu
                gateway: 127.0.0.1:GATEWAY
                ingress: 127.0.0.1:INGRESS
                attributes: {region: us-west, tier: community, organization: devnet-cpu}
                info: {email: cpu@devnet.local}
                inventory:
                  nodes:
                    - {name: cpu-0, cpu: 32, memory: 128Gi, storage: 2Ti}
                    - {name: cpu-1, cpu: 32, memory: 128Gi, storage: 2Ti}
                pricing:
                  denom: uusd
                  cpu: 10
                  memoryGi: 5
                  storageGi: {ephemeral: 0.5, ram: 5}
                  endpoint: 1
                """.replace("GATEWAY", Integer.toString(gateways[1]))
                                .replace("INGRESS", Integer.toString(ingresses[1])));
    }

    /**
     * The tiny model file, and the providers' image table entry that runs the worker on it (added to their
     * configuration the first time the devnet runs with {@code --inference}).
     */
    private static void prepareInference(Path dir) throws IOException {
        Path model = dir.resolve("inference").resolve(INFERENCE_MODEL + ".gguf");
        if (!Files.exists(model)) {
            dev.vyoma.inference.model.TinyGguf.write(model, 42);
        }
        // Both providers can run the worker, so that a second replica has somewhere else to go.
        for (String provider : List.of("provider-cpu", "provider-gpu")) {
            Path file = dir.resolve(provider).resolve("provider.yaml");
            String config = Files.readString(file);
            if (config.contains("vyoma/inference-worker")) {
                continue;
            }
            String entry = INFERENCE_IMAGE_ENTRY.replace("@MODEL@", model.toString());
            if (config.contains("images:")) {
                throw new UserException(file + " has its own images: add " + entry.strip() + " to it");
            }
            Files.writeString(
                    file,
                    config + "images:\n  - {match: \"nginx*\", builtin: static-web}\n"
                            + "  - {match: \"httpd*\", builtin: static-web}\n" + entry);
        }
    }

    private static InferenceGateway startInference(Path dir, String url, Keyring keys, String gatewayUrl)
            throws IOException {
        VyomaClient c = new VyomaClient(url);
        if (keys.list().stream().noneMatch(k -> k.name().equals("inference-gateway"))) {
            keys.add("inference-gateway", null);
        }
        KeyPair gw = keys.unlock("inference-gateway", null);
        if (c.account(gw.address()).map(a -> a.balance("uusd")).orElse(0L) < 100_000_000L) {
            KeyPair tenant = keys.unlock("tenant", null);
            for (String denom : List.of("uusd", "uvyo")) {
                VyomaClient.TxOutcome o = c.broadcast(
                        c.sign(
                                tenant,
                                List.of(new Msg.Send(tenant.address(), gw.address(), new Coin(denom, 10_000_000_000L))),
                                ""),
                        true);
                if (!o.ok()) {
                    throw new UserException("funding the inference gateway failed: " + o.log());
                }
            }
        }
        PrintWriter err = new PrintWriter(System.err, true, UTF_8);
        return InferenceCommand.startGateway(
                c,
                gw,
                dir.resolve("inference"),
                new GatewayDaemon.Settings(
                        List.of(new ModelOffer(
                                INFERENCE_MODEL,
                                "vyoma/inference-worker:" + INFERENCE_MODEL,
                                200_000,
                                1_000_000,
                                256,
                                1,
                                2)),
                        Map.of(),
                        null,
                        KeyLimits.DEFAULTS,
                        Duration.ofSeconds(5),
                        new Coin("uusd", 5_000_000),
                        1_000),
                gatewayUrl.substring("http://".length()),
                line -> err.println("inference: " + line));
    }

    /** The tenant's API key (made once, kept in the devnet's home), with an inference account behind it. */
    private static String tenantKey(Path dir, String url, Keyring keys, String gatewayUrl) throws Exception {
        Path file = dir.resolve("inference").resolve("tenant-api-key");
        VyomaClient c = new VyomaClient(url);
        KeyPair tenant = keys.unlock("tenant", null);
        KeyPair gw = keys.unlock("inference-gateway", null);
        boolean open = c.getJson("/v1/inference/accounts/" + tenant.address() + "/" + gw.address())
                .map(n -> n.path("state").asString().equalsIgnoreCase("open"))
                .orElse(false);
        if (!open) {
            VyomaClient.TxOutcome o = c.broadcast(
                    c.sign(
                            tenant,
                            List.of(new Msg.OpenInferenceAccount(
                                    tenant.address(), gw.address(), new Coin("uusd", 100_000_000))),
                            ""),
                    true);
            if (!o.ok()) {
                throw new UserException("opening the tenant's inference account failed: " + o.log());
            }
        }
        if (Files.exists(file)) {
            dev.vyoma.client.SecretFiles.restrict(file);
            return Files.readString(file).strip();
        }
        String token = dev.vyoma.client.LeaseToken.create(
                tenant,
                gw.address(),
                InferenceGateway.KEYS_SCOPE,
                java.time.Duration.ofMinutes(1),
                java.time.Instant.now());
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(gatewayUrl + "/v1/keys"))
                                .header("Authorization", "Bearer " + token)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"devnet tenant\"}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new UserException("creating the tenant's API key failed: " + r.body());
        }
        String key = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(r.body())
                .path("key")
                .asString();
        dev.vyoma.client.SecretFiles.write(file, key + "\n");
        return key;
    }

    /** The auditor signs each provider's region and tier, so SDLs asking for signedBy this auditor find them. */
    private static void audit(String url, Keyring keys) throws IOException {
        VyomaClient c = new VyomaClient(url);
        KeyPair auditor = keys.unlock("auditor", null);
        for (String p : List.of("provider-gpu", "provider-cpu")) {
            VyomaClient.TxOutcome out = c.broadcast(
                    c.sign(
                            auditor,
                            List.of(new Msg.SignProviderAttributes(
                                    auditor.address(),
                                    keys.show(p).address(),
                                    List.of(new Attribute("region", "us-west"), new Attribute("tier", "community")))),
                            ""),
                    true);
            if (!out.ok()) {
                throw new UserException("the auditor could not sign " + p + "'s attributes: " + out.log());
            }
        }
    }
}
