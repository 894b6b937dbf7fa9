package dev.vyoma.stats.scenario;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.source.LedgerSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real ledger driven block by block: keys derived from names, transactions signed with the next sequence,
 * blocks applied at the times the script gives, every block recorded for the indexer. A transaction that fails
 * throws, so a script cannot silently drift from what it describes.
 */
public final class ScriptedChain {
    private final String chainId;
    private final Ledger ledger;
    private final LedgerSource source;
    private final Map<String, KeyPair> keys = new HashMap<>();
    private final Map<Address, Long> sequences = new HashMap<>();
    private final List<Unsigned> pending = new ArrayList<>();
    private long timeMillis;

    /** A chain whose genesis (at {@code genesisMillis}) funds each named account with {@code funds}. */
    public ScriptedChain(String chainId, long genesisMillis, List<String> accounts, List<Coin> funds) {
        this(chainId, genesisMillis, accounts, funds, Params.defaults());
    }

    /** The same, with the market's {@code params} (e.g. another deposit denomination). */
    public ScriptedChain(String chainId, long genesisMillis, List<String> accounts, List<Coin> funds, Params params) {
        this.chainId = chainId;
        List<Genesis.Allocation> alloc = new ArrayList<>();
        for (String a : accounts) {
            alloc.add(new Genesis.Allocation(addr(a), funds));
        }
        this.ledger = Ledger.fromGenesis(new Genesis(chainId, genesisMillis, params, alloc));
        this.source = new LedgerSource(ledger);
        this.timeMillis = genesisMillis;
    }

    public LedgerSource source() {
        return source;
    }

    public Ledger ledger() {
        return ledger;
    }

    public long height() {
        return ledger.state().meta().height();
    }

    /** The key of a named account (the same name gives the same key in every run). */
    public KeyPair key(String name) {
        return keys.computeIfAbsent(
                name, n -> KeyPair.fromSeed(Arrays.copyOf(("vyoma-stats:" + n).getBytes(StandardCharsets.UTF_8), 32)));
    }

    public Address addr(String name) {
        return key(name).address();
    }

    /** A transaction queued for the next block, signed when the block is made. */
    private record Unsigned(KeyPair key, Tx tx) {}

    /** Queues a transaction of {@code msgs} signed by {@code signer} for the next block. */
    public ScriptedChain tx(String signer, Msg... msgs) {
        KeyPair k = key(signer);
        long seq = sequences.getOrDefault(k.address(), 0L);
        sequences.put(k.address(), seq + 1);
        pending.add(new Unsigned(k, new Tx(chainId, k.publicKey(), seq, new Coin("uvyo", 100_000), List.of(msgs), "")));
        return this;
    }

    /**
     * Queues {@code msgs} of one signer as few transactions as the ledger allows ({@link Params#MAX_MSGS_PER_TX}
     * messages each), in order.
     */
    public ScriptedChain txs(String signer, List<? extends Msg> msgs) {
        for (int i = 0; i < msgs.size(); i += Params.MAX_MSGS_PER_TX) {
            tx(
                    signer,
                    msgs.subList(i, Math.min(msgs.size(), i + Params.MAX_MSGS_PER_TX))
                            .toArray(Msg[]::new));
        }
        return this;
    }

    /**
     * Applies a block with the queued transactions at {@code atMillis}; every transaction must succeed. The
     * transactions are signed and every signature verified on all cores (the node verifies before it applies, too);
     * what the block holds does not depend on the threads.
     */
    public BlockResult block(long atMillis) {
        if (atMillis < timeMillis) {
            throw new IllegalArgumentException("block time goes backwards");
        }
        timeMillis = atMillis;
        List<Unsigned> queued = List.copyOf(pending);
        pending.clear();
        SignedTx[] signed = new SignedTx[queued.size()];
        boolean[] verdicts = new boolean[queued.size()];
        java.util.stream.IntStream.range(0, queued.size()).parallel().forEach(i -> {
            Unsigned u = queued.get(i);
            SignedTx s = new SignedTx(u.tx(), sign(u.key(), u.tx().signBytes()));
            verdicts[i] = Ed25519.verify(u.tx().signer(), s.signBytes(), s.signature());
            signed[i] = s;
        });
        Block b = new Block(height() + 1, atMillis, addr("validator"), List.of(signed));
        BlockResult r = ledger.apply(b, verdicts);
        source.record(b, r);
        for (TxResult t : r.txs()) {
            if (!t.ok()) {
                throw new IllegalStateException(
                        "block " + b.height() + ": a scripted transaction failed: " + t.code() + " " + t.log());
            }
        }
        return r;
    }

    /**
     * The same RFC 8032 signature as {@link Ed25519#sign}, giving BouncyCastle the public key the key pair already
     * has instead of deriving it again for every message (half the cost of signing).
     */
    private static dev.vyoma.ledger.crypto.Signature sign(KeyPair key, byte[] message) {
        byte[] sig = new byte[dev.vyoma.ledger.crypto.Signature.LENGTH_BYTES];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
                key.privateKey().seed(), 0, key.publicKey().bytes(), 0, message, 0, message.length, sig, 0);
        return new dev.vyoma.ledger.crypto.Signature(sig);
    }

    /** Empty blocks every {@code stepMillis} until the next one would be after {@code untilMillis}. */
    public void emptyBlocksUntil(long untilMillis, long stepMillis) {
        while (timeMillis + stepMillis <= untilMillis) {
            block(timeMillis + stepMillis);
        }
    }

    public long timeMillis() {
        return timeMillis;
    }

    /**
     * Registers a provider named {@code name} with a host, declaring NVIDIA {@code gpuModels} as capabilities
     * ({@code capabilities/gpu/vendor/nvidia/model/<model>=true}) so that it may bid on groups that ask for them.
     */
    public ScriptedChain createProvider(String name, String hostUri, String... gpuModels) {
        List<dev.vyoma.sdl.spec.Attribute> attributes = new ArrayList<>();
        for (String m : gpuModels) {
            attributes.add(new dev.vyoma.sdl.spec.Attribute("capabilities/gpu/vendor/nvidia/model/" + m, "true"));
        }
        attributes.sort(java.util.Comparator.comparing(dev.vyoma.sdl.spec.Attribute::key));
        return tx(name, new Msg.CreateProvider(addr(name), hostUri, attributes, "", ""));
    }

    /** A deployment of {@code tenant} with these group specs and deposit (uusd). */
    public DeploymentId createDeployment(String tenant, long dseq, List<GroupSpec> groups, long depositMicro) {
        return createDeployment(tenant, dseq, groups, new Coin("uusd", depositMicro));
    }

    /** A deployment of {@code tenant} with these group specs and deposit. */
    public DeploymentId createDeployment(String tenant, long dseq, List<GroupSpec> groups, Coin deposit) {
        DeploymentId id = new DeploymentId(addr(tenant), dseq);
        tx(tenant, new Msg.CreateDeployment(id, groups, "00".repeat(32), deposit));
        return id;
    }

    /**
     * Group specs of a one-service SDL: {@code count} replicas of {@code cpu} cores (decimal), {@code memory} and
     * {@code storage} (SDL sizes such as {@code 512Mi}), {@code gpus} NVIDIA {@code gpuModel} GPUs each (0 for
     * none), priced at {@code price} uusd per block per replica.
     */
    public static List<GroupSpec> groups(
            String cpu, String memory, String storage, int gpus, String gpuModel, int count, String price) {
        return groups(cpu, memory, storage, gpus, gpuModel, count, price, "uusd");
    }

    /** As {@link #groups(String, String, String, int, String, int, String)}, priced in {@code denom}. */
    public static List<GroupSpec> groups(
            String cpu,
            String memory,
            String storage,
            int gpus,
            String gpuModel,
            int count,
            String price,
            String denom) {
        String gpu =
                gpus == 0 ? "" : """
                        gpu:
                          units: GPUS
                          attributes:
                            vendor:
                              nvidia:
                                - model: MODEL
                """.replace("GPUS", Integer.toString(gpus)).replace("MODEL", gpuModel);
        String yaml = """
                version: "2.0"
                services:
                  app:
                    image: example/app:1.0
                    expose:
                      - port: 80
                        to:
                          - global: true
                profiles:
                  compute:
                    app:
                      resources:
                        cpu: {units: CPU}
                        memory: {size: MEMORY}
                        storage: {size: STORAGE}
                GPU  placement:
                    dc:
                      pricing:
                        app: {denom: DENOM, amount: PRICE}
                deployment:
                  app:
                    dc: {profile: app, count: COUNT}
                """.replace("CPU", cpu)
                .replace("MEMORY", memory)
                .replace("STORAGE", storage)
                .replace("GPU  ", gpu + "  ")
                .replace("PRICE", price)
                .replace("DENOM", denom)
                .replace("COUNT", Integer.toString(count));
        dev.vyoma.sdl.SdlResult r = dev.vyoma.sdl.Sdl.parse(yaml, "scripted.yaml");
        if (!r.isValid()) {
            throw new IllegalArgumentException("scripted SDL is invalid: " + r.errors());
        }
        return r.document().groups();
    }

    /** A provider's bid on the deployment's first order of group {@code gseq}, at {@code price} uusd per block. */
    public BidId bid(String provider, DeploymentId dep, int gseq, int oseq, String price) {
        return bid(provider, dep, gseq, oseq, new DecCoin("uusd", new BigDecimal(price)));
    }

    /** A provider's bid on the deployment's order {@code oseq} of group {@code gseq}, at {@code price} per block. */
    public BidId bid(String provider, DeploymentId dep, int gseq, int oseq, DecCoin price) {
        OrderId order = new OrderId(new GroupId(dep, gseq), oseq);
        tx(provider, new Msg.CreateBid(order, addr(provider), price, new Coin("uvyo", 500_000)));
        return new BidId(order, addr(provider));
    }
}
