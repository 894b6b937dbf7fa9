package dev.vyoma.inference.gateway;

import dev.vyoma.inference.api.Json;
import dev.vyoma.ledger.crypto.Address;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every metered request, append-only in {@code usage.jsonl}: a {@code request} line per request, a {@code batch}
 * line when a batch is about to be sent (its number and request ids) and a {@code settled} line once the ledger
 * took it. Read back at start, so requests not settled before a restart are settled after it, and a batch
 * sent but not confirmed is checked against the chain before anything is sent again.
 */
public final class UsageLog implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;
    private final Map<String, UsageRecord> records = new LinkedHashMap<>();
    private final Map<Long, List<String>> batches = new LinkedHashMap<>();
    private final List<Long> settled = new ArrayList<>();

    /** Opens (and reads) the log in {@code file}. */
    public UsageLog(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        read(Json.MAPPER.readTree(line));
                    }
                }
            }
            out = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage log " + file, e);
        }
    }

    private void read(JsonNode n) {
        switch (n.path("kind").asString()) {
            case "request" -> {
                UsageRecord r = new UsageRecord(
                        n.path("id").asString(),
                        n.path("time").asLong(),
                        Address.parse(n.path("owner").asString()),
                        n.path("key").asString(),
                        n.path("model").asString(),
                        n.path("in").asLong(),
                        n.path("out").asLong(),
                        n.path("inPrice").asLong(),
                        n.path("outPrice").asLong(),
                        n.path("cost").asLong(),
                        0);
                records.put(r.id(), r);
            }
            case "batch" -> {
                List<String> ids = new ArrayList<>();
                n.path("ids").forEach(i -> ids.add(i.asString()));
                batches.put(n.path("batch").asLong(), ids);
            }
            case "settled" -> markSettled(n.path("batch").asLong());
            case "dropped" -> n.path("ids").forEach(i -> records.remove(i.asString()));
            default -> throw new IllegalStateException("unknown line in " + file + ": " + n);
        }
    }

    private void markSettled(long batch) {
        settled.add(batch);
        for (String id : batches.getOrDefault(batch, List.of())) {
            UsageRecord r = records.get(id);
            if (r != null) {
                records.put(id, r.settledIn(batch));
            }
        }
    }

    /** Appends a request. */
    public synchronized void append(UsageRecord r) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "request");
        n.put("id", r.id());
        n.put("time", r.timeMillis());
        n.put("owner", r.owner().toString());
        n.put("key", r.keyId());
        n.put("model", r.model());
        n.put("in", r.inputTokens());
        n.put("out", r.outputTokens());
        n.put("inPrice", r.inputMicroPerMillion());
        n.put("outPrice", r.outputMicroPerMillion());
        n.put("cost", r.costPico());
        write(n);
        records.put(r.id(), r);
    }

    /** Records that batch {@code batch} holds {@code ids}, before it is sent. */
    public synchronized void batch(long batch, List<String> ids) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "batch");
        n.put("batch", batch);
        n.putPOJO("ids", ids);
        write(n);
        batches.put(batch, List.copyOf(ids));
    }

    /** Records that the ledger settled {@code batch}. */
    public synchronized void settled(long batch) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "settled");
        n.put("batch", batch);
        write(n);
        markSettled(batch);
    }

    /** Gives up on requests the ledger can no longer charge (their account closed before they settled). */
    public synchronized void dropped(List<String> ids, String why) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("kind", "dropped");
        n.putPOJO("ids", ids);
        n.put("why", why);
        write(n);
        ids.forEach(records::remove);
    }

    /** Requests not yet in a settled batch, oldest first. */
    public synchronized List<UsageRecord> unsettled() {
        return records.values().stream().filter(r -> r.batch() == 0).toList();
    }

    /** A batch written but not confirmed (sent before a crash, perhaps taken by the ledger), if any. */
    public synchronized Map<Long, List<String>> unconfirmedBatches() {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        batches.forEach((b, ids) -> {
            if (!settled.contains(b)) {
                out.put(b, ids);
            }
        });
        return out;
    }

    /** An account's requests, oldest first, at most the last {@code limit}. */
    public synchronized List<UsageRecord> of(Address owner, int limit) {
        List<UsageRecord> mine =
                records.values().stream().filter(r -> r.owner().equals(owner)).toList();
        return mine.subList(Math.max(0, mine.size() - limit), mine.size());
    }

    /** The records of {@code owner} in {@code batch}, in the order the batch lists them. */
    public synchronized List<UsageRecord> inBatch(Address owner, long batch) {
        List<UsageRecord> out = new ArrayList<>();
        for (String id : batches.getOrDefault(batch, List.of())) {
            UsageRecord r = records.get(id);
            if (r != null && r.owner().equals(owner)) {
                out.add(r);
            }
        }
        return out;
    }

    /** SHA-256 (hex) of the records' canonical lines, in order: what a charge on the ledger carries. */
    public static String hash(List<UsageRecord> records) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (UsageRecord r : records) {
                d.update(r.canonicalLine().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(ObjectNode n) {
        try {
            out.write(Json.write(n));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the usage log " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
