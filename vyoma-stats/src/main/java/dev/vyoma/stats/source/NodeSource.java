package dev.vyoma.stats.source;

import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.sdl.spec.GroupSpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A node's HTTP API as a chain source: blocks with their events from {@code GET /v1/blocks?from=&to=} (up to 1,000 a
 * request; a node without that route is read one block at a time from {@code /v1/blocks/{height}}),
 * {@code /v1/status}, the group spec in the ledger's own encoding ({@code /v1/groups/…}) and
 * {@code /v1/providers/{address}}. Reading blocks by height makes it resumable by construction: the indexer asks for
 * the blocks after its cursor.
 */
public final class NodeSource implements ChainSource {
    /** Most blocks the node answers in one range ({@code BlockRange.MAX_BLOCKS} on the node). */
    public static final int MAX_BLOCKS_PER_REQUEST = 1_000;

    private final VyomaClient client;
    private final String url;
    private String chainId;
    private boolean ranges;

    /** A source reading the node at {@code nodeUrl} ({@code http://host:port}) a range of blocks per request. */
    public NodeSource(String nodeUrl) {
        this(nodeUrl, true);
    }

    private NodeSource(String nodeUrl, boolean ranges) {
        this.url = nodeUrl;
        this.ranges = ranges;
        try {
            this.client = new VyomaClient(nodeUrl);
        } catch (IllegalArgumentException e) {
            throw new SourceException("--node: " + e.getMessage());
        }
    }

    /** A source that reads one block per request, as nodes before the range route are read (to compare with). */
    public static NodeSource perBlock(String nodeUrl) {
        return new NodeSource(nodeUrl, false);
    }

    @Override
    public String chainId() {
        if (chainId == null) {
            chainId = call(() -> client.status().chainId());
        }
        return chainId;
    }

    @Override
    public long latestHeight() {
        return call(() -> client.status().height());
    }

    @Override
    public Optional<ChainBlock> block(long height) {
        Optional<JsonNode> n = call(() -> client.getJson("/v1/blocks/" + height));
        return n.map(b -> parse(height, b));
    }

    @Override
    public List<ChainBlock> blocks(long from, long to) {
        if (!ranges || to < from) {
            return ChainSource.super.blocks(from, to);
        }
        long end = Math.min(to, from + MAX_BLOCKS_PER_REQUEST - 1);
        Optional<JsonNode> answer;
        try {
            answer = call(() -> client.getJson("/v1/blocks?from=" + from + "&to=" + end));
        } catch (SourceException e) {
            if (e.getCause() instanceof VyomaClient.NodeException n && n.status() == 404) {
                // "no such endpoint": a node from before the range route.
                ranges = false;
                return ChainSource.super.blocks(from, to);
            }
            if (e.getCause() instanceof VyomaClient.NodeException n && n.status() == 400) {
                // The node refuses a range past its latest block: ask up to that one.
                long latest = latestHeight();
                if (latest < end) {
                    return latest < from ? List.of() : blocks(from, latest);
                }
            }
            throw e;
        }
        if (answer.isEmpty()) {
            return List.of();
        }
        JsonNode blocks = answer.get().path("blocks");
        if (!blocks.isArray() || blocks.isEmpty() || blocks.size() > end - from + 1) {
            throw new SourceException(
                    url + " answered " + blocks.size() + " blocks for heights " + from + " to " + end);
        }
        List<ChainBlock> out = new ArrayList<>(blocks.size());
        long h = from;
        for (JsonNode b : blocks) {
            out.add(parse(h++, b));
        }
        return out;
    }

    @Override
    public Optional<GroupSpec> group(GroupId id) {
        return call(() -> client.group(id)).map(Group::spec);
    }

    @Override
    public Optional<String> providerHostUri(Address owner) {
        return call(() -> client.getJson("/v1/providers/" + owner))
                .map(n -> n.path("hostUri").asString(""))
                .filter(s -> !s.isEmpty());
    }

    private ChainBlock parse(long height, JsonNode b) {
        try {
            if (b.path("height").asLong() != height) {
                throw new SourceException(url + " answered block " + b.path("height") + " for height " + height);
            }
            long time = Instant.parse(b.path("time").asString()).toEpochMilli();
            List<Event> events = new ArrayList<>();
            for (JsonNode e : b.path("events")) {
                EventJson.decode(e).ifPresent(events::add);
            }
            return new ChainBlock(height, time, b.path("hash").asString(""), events);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new SourceException("block " + height + " from " + url + " is not readable: " + e.getMessage(), e);
        }
    }

    private <T> T call(java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (VyomaClient.NodeException e) {
            if ("unreachable".equals(e.name())) {
                throw new SourceException(e.getMessage() + " (check --node)", e);
            }
            throw new SourceException("the node at " + url + " refused: " + e.getMessage(), e);
        }
    }
}
