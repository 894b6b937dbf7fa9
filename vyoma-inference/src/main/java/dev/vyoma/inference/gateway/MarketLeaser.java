package dev.vyoma.inference.gateway;

import dev.vyoma.client.Deployer;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlResult;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Leases replicas on the market: each replica is a deployment of the SDL in {@code examples/inference.yaml}'s
 * shape (the model's image, its worker port exposed as a global port the provider forwards), placed with the
 * tenant's usual path ({@link Deployer}): cheapest bid, preferring providers that do not run this model yet.
 * Each lease gets a fresh {@link WorkerSecret} in its worker's environment: the manifest goes only to the
 * provider that wins the lease (the chain holds its hash), and the worker then answers only this gateway.
 */
public final class MarketLeaser {
    /** The port the worker listens on inside its lease (given to it as {@code PORT}). */
    public static final int WORKER_PORT = 8080;

    private final VyomaClient chain;
    private final KeyPair tenant;
    private final Deployer deployer;
    private final Coin deposit;
    private final long maxPricePerBlock;
    private final SecureRandom random;

    public MarketLeaser(VyomaClient chain, KeyPair tenant, Coin deposit, long maxPricePerBlock) {
        this(chain, tenant, deposit, maxPricePerBlock, new SecureRandom());
    }

    /** As the production constructor, with the generator of the workers' secrets given. */
    public MarketLeaser(VyomaClient chain, KeyPair tenant, Coin deposit, long maxPricePerBlock, SecureRandom random) {
        this.random = random;
        this.chain = chain;
        this.tenant = tenant;
        this.deployer = new Deployer(chain);
        this.deposit = deposit;
        this.maxPricePerBlock = maxPricePerBlock;
    }

    /** The SDL of one replica of {@code offer}, whose worker answers only requests carrying {@code secret}. */
    public String sdl(ModelOffer offer, WorkerSecret secret) {
        return """
                version: "2.0"
                services:
                  worker:
                    image: {{IMAGE}}
                    env:
                      - MODEL_NAME={{MODEL}}
                      - {{SECRET_ENV}}={{SECRET}}
                    expose:
                      - port: {{PORT}}
                        as: {{PORT}}
                        to:
                          - global: true
                profiles:
                  compute:
                    worker:
                      resources:
                        cpu:
                          units: 1
                        memory:
                          size: 1Gi
                        storage:
                          size: 1Gi
                  placement:
                    market:
                      pricing:
                        worker:
                          denom: uusd
                          amount: {{PRICE}}
                deployment:
                  worker:
                    market:
                      profile: worker
                      count: 1
                """.replace("{{IMAGE}}", offer.image())
                .replace("{{MODEL}}", offer.id())
                .replace("{{SECRET_ENV}}", WorkerSecret.ENV)
                .replace("{{SECRET}}", secret.hex())
                .replace("{{PORT}}", Integer.toString(WORKER_PORT))
                .replace("{{PRICE}}", Long.toString(maxPricePerBlock));
    }

    /** Leases one replica of {@code offer}, avoiding {@code avoid} if another provider bids; blocks until it runs. */
    public Replica lease(ModelOffer offer, Set<Address> avoid, Consumer<String> progress) throws InterruptedException {
        WorkerSecret secret = WorkerSecret.random(random);
        SdlResult parsed = Sdl.parse(sdl(offer, secret), "inference-" + offer.id() + ".yaml");
        if (!parsed.isValid()) {
            throw new IllegalStateException("the replica SDL of " + offer.id() + " is invalid: " + parsed.errors());
        }
        Deployer.Result r = deployer.deploy(
                tenant,
                parsed.document(),
                new Deployer.Options(deposit, "cheapest", Duration.ofSeconds(30), Duration.ofSeconds(60), avoid),
                progress);
        Deployer.Leased leased = r.leases().get(0);
        JsonNode status = deployer.gateway().leaseStatus(tenant, leased.lease());
        for (JsonNode f : status.path("forwardedPorts")) {
            if (f.path("port").asInt() == WORKER_PORT) {
                String url = "http://" + f.path("host").asString() + ":"
                        + f.path("externalPort").asInt();
                return new Replica(offer.id(), url, secret, r.deployment(), leased.provider());
            }
        }
        close(r.deployment());
        throw new IllegalStateException(
                "provider " + leased.provider() + " gave no port for the worker of " + offer.id() + ": " + status);
    }

    /** Closes a replica's deployment: its lease ends and the rest of its deposit comes back. */
    public void close(DeploymentId deployment) {
        VyomaClient.TxOutcome o =
                chain.broadcast(chain.sign(tenant, List.of(new Msg.CloseDeployment(deployment)), ""), true);
        if (!o.ok() && !o.log().contains("closed")) {
            throw new IllegalStateException("closing " + deployment + " was refused: " + o.log());
        }
    }
}
