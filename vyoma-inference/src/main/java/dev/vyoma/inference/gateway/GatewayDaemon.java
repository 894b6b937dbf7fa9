package dev.vyoma.inference.gateway;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Starts a gateway as an operator runs it: its usage log and API keys kept under a data folder, billing and
 * leasing through a node with the gateway's own key, the system clock and a secure random generator. It is what
 * {@code vyoma inference serve}, the devnet and the gateway benchmark start.
 */
public final class GatewayDaemon {
    /** Requests in flight per replica the scaler aims for. */
    static final double TARGET_LOAD_PER_REPLICA = 4;

    /** Time to first token, in milliseconds, above which the scaler adds a replica. */
    static final double TARGET_TTFT_MS = 5_000;

    /** How long the scaler waits after a change before the next one. */
    static final Duration SCALE_COOL_DOWN = Duration.ofSeconds(30);

    /** How long a model goes without requests before the scaler removes a replica. */
    static final Duration IDLE_BEFORE_SCALE_DOWN = Duration.ofMinutes(10);

    private GatewayDaemon() {}

    /**
     * What the operator chooses: the models offered, the workers it runs itself by model (they answer to {@code
     * workersSecret}, null when there are none), the API keys' default limits, how often usage is settled, and
     * what a replica leased on the market may cost.
     */
    public record Settings(
            List<ModelOffer> offers,
            Map<String, List<String>> workers,
            WorkerSecret workersSecret,
            KeyLimits keyLimits,
            Duration settleEvery,
            Coin depositPerReplica,
            long maxPriceMicroPerBlock) {}

    /** The gateway refused its configuration or could not listen; the cause says why. */
    public static final class StartFailed extends RuntimeException {
        StartFailed(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Opens the usage log and the API keys under {@code dataDir} (a log or key file that cannot be read fails as
     * it is), then starts the gateway on {@code host:port} with {@code key} as the account that leases replicas
     * and is paid; {@code say} receives its progress lines.
     *
     * @throws StartFailed when the gateway refuses the settings or cannot listen
     */
    public static InferenceGateway start(
            VyomaClient chain,
            KeyPair key,
            Path dataDir,
            Settings settings,
            String host,
            int port,
            Consumer<String> say) {
        UsageLog log = new UsageLog(dataDir.resolve("usage.jsonl"));
        Billing billing = new Billing(chain, key, log, say);
        ApiKeys keys = new ApiKeys(dataDir.resolve("keys.json"), Clock.systemUTC(), new SecureRandom());
        InferenceGateway.Config config = new InferenceGateway.Config(
                settings.offers(),
                settings.workers(),
                settings.workersSecret(),
                settings.settleEvery(),
                TARGET_LOAD_PER_REPLICA,
                TARGET_TTFT_MS,
                SCALE_COOL_DOWN,
                IDLE_BEFORE_SCALE_DOWN,
                settings.keyLimits());
        try {
            return InferenceGateway.start(
                    config,
                    billing,
                    keys,
                    new MarketLeaser(chain, key, settings.depositPerReplica(), settings.maxPriceMicroPerBlock()),
                    Clock.systemUTC(),
                    say,
                    host,
                    port);
        } catch (RuntimeException e) {
            throw new StartFailed(e);
        }
    }
}
