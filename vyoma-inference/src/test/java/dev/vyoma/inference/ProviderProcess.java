package dev.vyoma.inference;

import dev.vyoma.client.Keyring;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.provider.ProviderMain;
import dev.vyoma.testkit.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real provider daemon in its own process, whose image table runs the inference worker on the tiny model
 * as a Java entry; {@link #crash} kills it and every process it started, as a machine that dies.
 */
public final class ProviderProcess implements AutoCloseable {
    public final KeyPair key;
    public final Process process;
    private final JavaProcess java;

    private ProviderProcess(KeyPair key, JavaProcess java) {
        this.key = key;
        this.java = java;
        this.process = java.process;
    }

    /** The deterministic keys of this test's named accounts. */
    public static final NamedKeys KEYS = new NamedKeys("inference-provider");

    /** Starts provider {@code name} (funded in genesis) on the chain at {@code nodeUrl}, pricing CPU at {@code cpuPrice}. */
    public static ProviderProcess start(Path dir, String name, String nodeUrl, Path model, int cpuPrice, int paceMs)
            throws Exception {
        Path home = dir.resolve(name);
        Keyring.open(home, Keyring.Backend.TEST).importSeed("provider", KEYS.seed(name), null);
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                node: NODE
                key: provider
                keyringBackend: test
                host: auto
                withdrawEverySeconds: 5
                gateway: 127.0.0.1:0
                ingress: 127.0.0.1:INGRESS
                images:
                  - {match: "vyoma/inference-worker*", java: dev.vyoma.inference.worker.WorkerMain, args: [--model, "@MODEL@", --context, "256", --slots, "2", --threads, "1", --pace-ms, "PACE"], env: [MODEL_NAME, VYOMA_WORKER_SECRET]}
                inventory:
                  nodes:
                    - {name: n0, cpu: 4, memory: 8Gi, storage: 20Gi}
                pricing: {denom: uusd, cpu: CPU, memoryGi: 5, storageGi: {ephemeral: 1, ram: 5}, endpoint: 1}
                """.replace("NODE", nodeUrl)
                .replace("INGRESS", Integer.toString(LocalPorts.free()))
                .replace("@MODEL@", model.toString())
                .replace("PACE", Integer.toString(paceMs))
                .replace("CPU", Integer.toString(cpuPrice)));
        JavaProcess p = JavaProcess.start(
                "provider " + name,
                List.of(
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "--enable-native-access=ALL-UNNAMED"),
                ProviderMain.class.getName(),
                List.of("--home", home.toString(), "--config", config.toString()),
                line -> line.startsWith("vyoma provider ") && line.contains(" ready:"),
                Duration.ofSeconds(60));
        return new ProviderProcess(KEYS.key(name), p);
    }

    /** What the provider printed. */
    public String log() {
        return java.log();
    }

    /** kill -9 of the provider and of every process it started (its workloads): the machine is gone. */
    public void crash() {
        java.kill();
    }

    @Override
    public void close() {
        crash();
    }
}
