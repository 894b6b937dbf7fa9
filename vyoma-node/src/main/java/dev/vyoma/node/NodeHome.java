package dev.vyoma.node;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.GenesisJson;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.membership.HostPort;
import dev.vyoma.node.mempool.Mempool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A node's home directory: {@code config.json} (its id, addresses, peers and block settings), {@code
 * genesis.json} (the chain's genesis, the same file on every member), {@code node_key.json} (the validator's
 * key, readable by its owner only), and the data the node writes ({@code raft/}, {@code blocks/}).
 */
public final class NodeHome {
    /**
     * One member as the config lists it: id, and the Raft and API addresses ({@code host:port} each) where the other
     * members and clients reach it, which need not be where it listens (see {@link Listen}).
     */
    public record Member(String id, String raftAddress, String apiAddress) {
        public Member {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(raftAddress, "raftAddress");
            Objects.requireNonNull(apiAddress, "apiAddress");
            HostPort.parse(raftAddress, "member " + id + ": raftAddress", false);
            HostPort.parse(apiAddress, "member " + id + ": apiAddress", true);
        }
    }

    /**
     * Where this node listens, when not on its own member addresses: the Raft (consensus) and API sockets. A node
     * behind NAT, or one that should accept on every interface ({@code 0.0.0.0:PORT}), listens on one address and
     * is reached on another. Absent, the API listens on the member's API address and consensus on every interface
     * at the member's Raft port.
     */
    public record Listen(Optional<HostPort> raft, Optional<HostPort> api) {
        /** Listening where the member addresses say. */
        public static final Listen MEMBER_ADDRESSES = new Listen(Optional.empty(), Optional.empty());

        public Listen {
            Objects.requireNonNull(raft, "raft");
            Objects.requireNonNull(api, "api");
        }

        /** Both sockets on {@code host}, at the ports of {@code self}. */
        public static Listen onHost(String host, Member self) {
            return new Listen(
                    Optional.of(new HostPort(
                            host,
                            HostPort.parse(self.raftAddress(), "raftAddress", false)
                                    .port())),
                    Optional.of(new HostPort(
                            host,
                            HostPort.parse(self.apiAddress(), "apiAddress", true)
                                    .port())));
        }
    }

    /** The settings in {@code config.json}. */
    public record Settings(
            String nodeId,
            String moniker,
            List<Member> members,
            long blockIntervalMillis,
            int maxTxsPerBlock,
            long snapshotEveryBlocks,
            Listen listen,
            Governance governance) {
        public Settings {
            members = List.copyOf(members);
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(governance, "governance");
            if (members.stream().noneMatch(m -> m.id().equals(nodeId))) {
                throw new IllegalArgumentException("config.json: nodeId " + nodeId + " is not among the members");
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (Member m : members) {
                if (!ids.add(m.id())) {
                    throw new IllegalArgumentException("config.json: member " + m.id() + " is listed twice");
                }
            }
        }

        /** Settings that listen on the member addresses. */
        public Settings(
                String nodeId,
                String moniker,
                List<Member> members,
                long blockIntervalMillis,
                int maxTxsPerBlock,
                long snapshotEveryBlocks) {
            this(
                    nodeId,
                    moniker,
                    members,
                    blockIntervalMillis,
                    maxTxsPerBlock,
                    snapshotEveryBlocks,
                    Listen.MEMBER_ADDRESSES,
                    Governance.DEFAULT);
        }

        /** Settings with the default governance. */
        public Settings(
                String nodeId,
                String moniker,
                List<Member> members,
                long blockIntervalMillis,
                int maxTxsPerBlock,
                long snapshotEveryBlocks,
                Listen listen) {
            this(
                    nodeId,
                    moniker,
                    members,
                    blockIntervalMillis,
                    maxTxsPerBlock,
                    snapshotEveryBlocks,
                    listen,
                    Governance.DEFAULT);
        }

        /** The same settings with other governance. */
        public Settings with(Governance g) {
            return new Settings(
                    nodeId, moniker, members, blockIntervalMillis, maxTxsPerBlock, snapshotEveryBlocks, listen, g);
        }

        /** Where the API listens: {@code listen.api}, or else this member's API address. */
        public HostPort apiListen() {
            return listen.api().orElseGet(() -> HostPort.parse(self().apiAddress(), "apiAddress", true));
        }

        /** Where consensus listens: {@code listen.raft}, or else every interface at this member's Raft port. */
        public Optional<HostPort> raftListen() {
            return listen.raft();
        }

        public Member self() {
            return members.stream()
                    .filter(m -> m.id().equals(nodeId))
                    .findFirst()
                    .orElseThrow();
        }

        /** The API address ({@code host:port}) of every other member, by id: where a follower forwards transactions. */
        public java.util.Map<String, String> otherApis() {
            java.util.Map<String, String> apis = new java.util.LinkedHashMap<>();
            for (Member m : members) {
                if (!m.id().equals(nodeId)) {
                    apis.put(m.id(), m.apiAddress());
                }
            }
            return apis;
        }
    }

    /** Transactions per block unless the config says otherwise: the ledger's own limit. */
    public static final int DEFAULT_MAX_TXS_PER_BLOCK = dev.vyoma.ledger.machine.Params.MAX_TXS_PER_BLOCK;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    private NodeHome(Path dir) {
        this.dir = dir;
    }

    public static NodeHome at(Path dir) {
        return new NodeHome(dir);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes a new home: config for a one-member group (unless {@code members} lists more), a fresh validator
     * key, and {@code genesis}. Refuses a directory that already holds a config.
     */
    public static NodeHome init(Path dir, Settings settings, Genesis genesis, KeyPair validator) throws IOException {
        NodeHome home = new NodeHome(dir);
        Files.createDirectories(dir);
        if (Files.exists(home.configFile())) {
            throw new FileAlreadyExistsException(home.configFile() + " exists; choose another --home or remove it");
        }
        home.writeKey(validator);
        Files.writeString(home.genesisFile(), GenesisJson.write(genesis));
        Files.writeString(
                home.configFile(),
                settingsJson(settings.with(settings.governance().withOperator(validator.publicKey()))));
        return home;
    }

    /** A new random validator key. */
    public static KeyPair newKey() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return KeyPair.fromSeed(seed);
    }

    /** An empty genesis for {@code chainId} with the default parameters and no accounts. */
    public static Genesis emptyGenesis(String chainId, long timeMillis) {
        return new Genesis(chainId, timeMillis, Params.defaults(), List.of());
    }

    /**
     * Writes the homes of a network of {@code raftPorts.size()} validators on {@code host} into {@code
     * out/node0 … out/nodeN-1}: the same genesis everywhere, a key each, and every member in every config.
     */
    public static List<NodeHome> testnet(
            Path out,
            String host,
            List<Integer> raftPorts,
            List<Integer> apiPorts,
            Genesis genesis,
            long blockIntervalMillis)
            throws IOException {
        return testnet(
                out,
                java.util.Collections.nCopies(raftPorts.size(), host),
                Optional.empty(),
                raftPorts,
                apiPorts,
                genesis,
                blockIntervalMillis,
                1_000);
    }

    /**
     * Writes the homes of a network of validators on separate machines into {@code out/node0 … out/nodeN-1}:
     * validator {@code i} is reached at {@code hosts[i]} on its ports; with {@code listenHost} (e.g. {@code
     * 0.0.0.0}) each listens there instead of on its own host. Each home then goes to its machine.
     */
    public static List<NodeHome> testnet(
            Path out,
            List<String> hosts,
            Optional<String> listenHost,
            List<Integer> raftPorts,
            List<Integer> apiPorts,
            Genesis genesis,
            long blockIntervalMillis,
            long snapshotEveryBlocks)
            throws IOException {
        if (raftPorts.size() != apiPorts.size() || raftPorts.isEmpty() || hosts.size() != raftPorts.size()) {
            throw new IllegalArgumentException("one host, one Raft port and one API port per validator");
        }
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < raftPorts.size(); i++) {
            String host = hosts.get(i).contains(":") ? "[" + hosts.get(i) + "]" : hosts.get(i);
            members.add(new Member("n" + i, host + ":" + raftPorts.get(i), host + ":" + apiPorts.get(i)));
        }
        // Every validator's node key is an operator key on every member, and a majority of them must approve a
        // membership change: no single operator adds or removes validators.
        List<KeyPair> keys = new ArrayList<>();
        Governance governance = Governance.DEFAULT;
        for (int i = 0; i < members.size(); i++) {
            keys.add(newKey());
            governance = governance.withOperator(keys.get(i).publicKey());
        }
        governance = new Governance(
                governance.operators(),
                OptionalInt.of(Governance.majority(members.size())),
                governance.join(),
                governance.logSegmentBytes());
        List<NodeHome> homes = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Listen listen =
                    listenHost.isPresent() ? Listen.onHost(listenHost.get(), members.get(i)) : Listen.MEMBER_ADDRESSES;
            Settings settings = new Settings(
                    "n" + i,
                    "validator-" + i,
                    members,
                    blockIntervalMillis,
                    DEFAULT_MAX_TXS_PER_BLOCK,
                    snapshotEveryBlocks,
                    listen,
                    governance);
            homes.add(init(out.resolve("node" + i), settings, genesis, keys.get(i)));
        }
        return homes;
    }

    public Path configFile() {
        return dir.resolve("config.json");
    }

    public Path genesisFile() {
        return dir.resolve("genesis.json");
    }

    public Path keyFile() {
        return dir.resolve("node_key.json");
    }

    public Settings settings() throws IOException {
        JsonNode n = read(configFile());
        List<Member> members = new ArrayList<>();
        try {
            for (JsonNode m : n.path("members")) {
                members.add(new Member(
                        text(m, "id", configFile()),
                        text(m, "raftAddress", configFile()),
                        text(m, "apiAddress", configFile())));
            }
            if (members.isEmpty()) {
                throw new IllegalArgumentException(configFile() + ": members must list at least this node");
            }
            return new Settings(
                    text(n, "nodeId", configFile()),
                    n.path("moniker").asString(""),
                    members,
                    positive(n, "blockIntervalMillis", 1_000),
                    (int) positive(n, "maxTxsPerBlock", DEFAULT_MAX_TXS_PER_BLOCK),
                    positive(n, "snapshotEveryBlocks", 1_000),
                    listen(n.path("listen")),
                    Governance.read(n));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(
                    message.contains("config.json") ? message : configFile() + ": " + message, e);
        }
    }

    private Listen listen(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return Listen.MEMBER_ADDRESSES;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(
                    "listen must be an object such as {\"raft\": \"0.0.0.0:26656\", \"api\": \"0.0.0.0:1317\"}");
        }
        for (String field : n.propertyNames()) {
            if (!field.equals("raft") && !field.equals("api")) {
                throw new IllegalArgumentException("listen has raft and api only, not " + field);
            }
        }
        return new Listen(listenAddress(n, "raft"), listenAddress(n, "api"));
    }

    private static Optional<HostPort> listenAddress(JsonNode listen, String field) {
        JsonNode v = listen.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isString()) {
            throw new IllegalArgumentException("listen." + field + " must be a string host:port");
        }
        return Optional.of(HostPort.parse(v.asString(), "listen." + field, true));
    }

    public Genesis genesis() throws IOException {
        try {
            return GenesisJson.parse(Files.readString(genesisFile()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(genesisFile() + ": " + e.getMessage(), e);
        }
    }

    public KeyPair key() throws IOException {
        JsonNode n = read(keyFile());
        try {
            return KeyPair.fromSeed(HexFormat.of().parseHex(text(n, "seed", keyFile())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(keyFile() + ": seed must be 64 hex digits", e);
        }
    }

    /** The node's configuration, read from this home. */
    public Node.Config nodeConfig() throws IOException {
        Settings s = settings();
        List<Node.Peer> peers = s.members().stream()
                .map(m -> new Node.Peer(m.id(), m.raftAddress(), m.apiAddress()))
                .toList();
        java.util.Set<PublicKey> operators = new java.util.HashSet<>();
        for (String o : s.governance().operators()) {
            operators.add(Governance.operatorKey(o));
        }
        return new Node.Config(
                dir,
                s.nodeId(),
                peers,
                genesis(),
                key().address(),
                Duration.ofMillis(s.blockIntervalMillis()),
                s.maxTxsPerBlock(),
                s.snapshotEveryBlocks(),
                Mempool.Limits.defaults(),
                s.raftListen(),
                new Node.Membership(
                        operators,
                        s.governance().threshold(),
                        s.governance().join(),
                        s.governance().logSegmentBytes()));
    }

    /** The settings as {@code config.json} holds them. */
    public static String settingsJson(Settings s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodeId", s.nodeId());
        out.put("moniker", s.moniker());
        out.put("blockIntervalMillis", s.blockIntervalMillis());
        out.put("maxTxsPerBlock", s.maxTxsPerBlock());
        out.put("snapshotEveryBlocks", s.snapshotEveryBlocks());
        out.put("members", s.members());
        out.put("operators", s.governance().operators());
        out.put("operatorThreshold", s.governance().threshold());
        if (s.governance().join()) {
            out.put("join", true);
        }
        if (s.governance().logSegmentBytes() != Node.Membership.DEFAULT_LOG_SEGMENT_BYTES) {
            out.put("logSegmentBytes", s.governance().logSegmentBytes());
        }
        if (!s.listen().equals(Listen.MEMBER_ADDRESSES)) {
            Map<String, Object> listen = new LinkedHashMap<>();
            s.listen().raft().ifPresent(a -> listen.put("raft", a.toString()));
            s.listen().api().ifPresent(a -> listen.put("api", a.toString()));
            out.put("listen", listen);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
    }

    private void writeKey(KeyPair key) throws IOException {
        String json =
                "{\n  \"seed\": \"" + HexFormat.of().formatHex(key.privateKey().seed()) + "\",\n  \"address\": \""
                        + key.address() + "\"\n}\n";
        Path file = keyFile();
        Files.writeString(file, json, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own protection applies.
        }
    }

    private static JsonNode read(Path file) throws IOException {
        try {
            return JSON.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode n, String field, Path file) {
        JsonNode v = n.path(field);
        if (!v.isString() || v.asString().isBlank()) {
            throw new IllegalArgumentException(file + ": " + field + " must be a non-empty string");
        }
        return v.asString();
    }

    static long positive(JsonNode n, String field, long otherwise) {
        JsonNode v = n.path(field);
        if (v.isMissingNode()) {
            return otherwise;
        }
        if (!v.canConvertToLong() || v.asLong() < 1) {
            throw new IllegalArgumentException("config.json: " + field + " must be a positive whole number");
        }
        return v.asLong();
    }
}
