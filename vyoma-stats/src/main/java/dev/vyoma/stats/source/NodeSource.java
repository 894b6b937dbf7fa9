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
 * A node's HTTP API as a chain source: {@code GET /v1/blocks/{height}} (header and events), {@code /v1/status},
 * the group spec in the ledger's own encoding ({@code /v1/groups/…}) and {@code /v1/providers/{address}}.
 * Polling blocks by height makes it resumable by construction: the indexer asks for the block after its cursor.
 */
public final class NodeSource implements ChainSource {
    private final VyomaClient client;
    private final String url;
    private String chainId;

    /** A source reading the node at {@code nodeUrl} ({@code http://host:port}). */
    public NodeSource(String nodeUrl) {
        this.url = nodeUrl;
        try {
            this.client = new VyomaClient(nodeUrl);
        } catch (IllegalArgumentException e) {
            throw new SourceException("--node: " + e.getMessage());
        }
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
