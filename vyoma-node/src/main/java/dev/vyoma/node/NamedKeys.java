package dev.vyoma.node;

import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Deterministic key pairs from names, for throwaway chains ({@link LocalChain} in tests and benchmarks): the same
 * namespace and name give the same key on every run and machine, and two namespaces give two sets of keys. The
 * seed is the UTF-8 bytes of {@code namespace:name}, cut or padded with zeros to 32 bytes. Anyone can derive
 * such a key from its name, so it guards nothing: never for real funds.
 */
public final class NamedKeys {
    private final String prefix;

    /** Keys in {@code namespace} (a test's or a tool's own, such as {@code "api"}). */
    public NamedKeys(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("a namespace of named keys is a non-empty word");
        }
        this.prefix = namespace + ":";
    }

    /** The 32-byte seed of {@code name}'s key. */
    public byte[] seed(String name) {
        return Arrays.copyOf((prefix + name).getBytes(StandardCharsets.UTF_8), 32);
    }

    /** The key pair of {@code name}. */
    public KeyPair key(String name) {
        return KeyPair.fromSeed(seed(name));
    }
}
