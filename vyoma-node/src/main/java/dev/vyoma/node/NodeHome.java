package dev.vyoma.node;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.GenesisJson;
import dev.vyoma.ledger.Params;
import dev.vyoma.ledger.crypto.KeyPair;
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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A node's home directory: {@code config.json} (its id, addresses, peers and block settings), {@code
 * genesis.json} (the chain's genesis, the same file on every member), {@code node_key.json} (the validator's
 * key, readable by its owner only), and the data the node writes ({@code raft/}, {@code blocks/}).
 */
public final class NodeHome {
    /** One member as the config lists it: id, Raft address and API address ({@code host:port} each). */
    public record Member(String id, String raftAddress, String apiAddress) {
        public Member {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(raftAddress, "raftAddress");
            Objects.requireNonNull(apiAddress, "apiAddress");
        }
    }

    /** The settings in {@code config.json}. */
    public record Settings(
            String nodeId,
            String moniker,
            List<Member> members,
            long blockIntervalMillis,
            int maxTxsPerBlock,
            long snapshotEveryBlocks) {
        public Settings {
            members = List.copyOf(members);
            if (members.stream().noneMatch(m -> m.id().equals(nodeId))) {
                throw new IllegalArgumentException("config.json: nodeId " + nodeId + " is not among the members");
            }
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
    public static final int DEFAULT_MAX_TXS_PER_BLOCK = dev.vyoma.ledger.Params.MAX_TXS_PER_BLOCK;

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
        Files.writeString(home.configFile(), settingsJson(settings));
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
        if (raftPorts.size() != apiPorts.size() || raftPorts.isEmpty()) {
            throw new IllegalArgumentException("one Raft port and one API port per validator");
        }
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < raftPorts.size(); i++) {
            members.add(new Member("n" + i, host + ":" + raftPorts.get(i), host + ":" + apiPorts.get(i)));
        }
        List<NodeHome> homes = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Settings settings = new Settings(
                    "n" + i, "validator-" + i, members, blockIntervalMillis, DEFAULT_MAX_TXS_PER_BLOCK, 1_000);
            homes.add(init(out.resolve("node" + i), settings, genesis, newKey()));
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
                positive(n, "snapshotEveryBlocks", 1_000));
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
                .map(m -> new Node.Peer(m.id(), m.raftAddress()))
                .toList();
        return new Node.Config(
                dir,
                s.nodeId(),
                peers,
                genesis(),
                key().address(),
                Duration.ofMillis(s.blockIntervalMillis()),
                s.maxTxsPerBlock(),
                s.snapshotEveryBlocks(),
                Mempool.Limits.defaults());
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

    private static long positive(JsonNode n, String field, long otherwise) {
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
