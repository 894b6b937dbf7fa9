package dev.vyoma.cli;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Params;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.Node;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.api.Api;
import dev.vyoma.provider.ProviderConfig;
import dev.vyoma.provider.ProviderDaemon;
import dev.vyoma.sdl.spec.Attribute;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyoma devnet}: a whole local market in one process. A one-validator chain (1 s blocks; or three
 * validators replicating it with {@code --validators 3}), a funded
 * tenant key, an auditor that signs the providers' attributes, and two providers: one declaring 8× H100 80Gi
 * SXM, one with CPUs only. Everything lives in {@code --home}; Ctrl-C stops it cleanly, and the next run goes
 * on from where it stopped.
 */
@Command(
        name = "devnet",
        description =
                "Run a local network: a validator, a funded tenant, an auditor, a GPU provider and a CPU provider.")
final class DevnetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

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

    private static final String CHAIN = "vyoma-devnet-1";

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
        List<ProviderDaemon> providers = new ArrayList<>();
        for (String p : List.of("provider-gpu", "provider-cpu")) {
            providers.add(ProviderDaemon.start(
                    ProviderConfig.read(dir.resolve(p).resolve("provider.yaml")),
                    keys.unlock(p, null),
                    dir.resolve(p).resolve("state")));
        }
        if (fresh) {
            audit(url, keys, providers);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (ProviderDaemon p : providers) {
                                try {
                                    p.close();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
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
                            + p.ingress().port(),
                    keys.show(i == 0 ? "provider-gpu" : "provider-cpu")
                            .address()
                            .toString()));
        }
        Out.records(out, OutputFormat.table, rows);
        out.println();
        out.println((fresh ? "Started a new devnet" : "Resumed the devnet") + " in " + dir + ". Try:");
        out.println("  vyoma deploy examples/web.yaml --from tenant --keyring-backend test --home " + keysHome);
        out.println("Ctrl-C stops it; vyoma devnet again goes on from here.");
        out.flush();
        stopped.await();
        return 0;
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
        for (String name : List.of("tenant", "auditor", "provider-gpu", "provider-cpu")) {
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

    /** The auditor signs each provider's region and tier, so SDLs asking for signedBy this auditor find them. */
    private static void audit(String url, Keyring keys, List<ProviderDaemon> providers) throws IOException {
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
