package dev.vyoma.stats.capacity;

import dev.vyoma.ledger.crypto.Address;
import tools.jackson.databind.JsonNode;

/**
 * Asks a provider's gateway for its status ({@code GET {hostUri}/v1/status} over TLS pinned to the certificate
 * the provider published on chain) and returns the JSON; any failure is an exception, recorded as a failed
 * snapshot. {@code ProviderGateway::status} in vyoma-client has this shape.
 */
@FunctionalInterface
public interface StatusSource {
    JsonNode status(Address provider) throws Exception;
}
