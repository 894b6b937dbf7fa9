package dev.vyoma.ledger.sim;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.sdl.spec.Attribute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The participants of one simulated chain, all drawn from the seed: 20–40 funded accounts (key pairs from
 * seeded 32-byte seeds), of which some are providers with attributes, two are auditors, one is nearly
 * broke; plus an outsider that genesis never funds (sends to it sometimes open its account).
 */
final class SimAccounts {
    static final String CHAIN_ID = "vyoma-sim-1";
    static final long GENESIS_MILLIS = 1_700_000_000_000L;

    /** A provider's registration as the simulation first creates it. */
    record ProviderProfile(KeyPair key, String region, List<Attribute> attributes) {}

    final List<KeyPair> funded = new ArrayList<>();
    final List<KeyPair> tenants = new ArrayList<>();
    final List<ProviderProfile> providers = new ArrayList<>();
    final KeyPair auditor;
    final KeyPair auditor2;
    final KeyPair poor;
    final KeyPair outsider;
    final List<Genesis.Allocation> allocations = new ArrayList<>();
    private final Map<Address, KeyPair> byAddress = new HashMap<>();

    SimAccounts(SplittableRandom random) {
        int count = 20 + random.nextInt(21);
        // 5 to 10 providers of 20 accounts, up to 30 of 40: more than an order's 20 bids.
        int providerCount = 5 + random.nextInt(count - 14);
        for (int i = 0; i < count; i++) {
            KeyPair key = key(random);
            funded.add(key);
            byAddress.put(key.address(), key);
            if (i < providerCount) {
                providers.add(profile(key, i, random));
                allocate(key, 1_000_000 + random.nextLong(20_000_000), 100_000_000 + random.nextLong(200_000_000));
            }
        }
        auditor = funded.get(providerCount);
        auditor2 = funded.get(providerCount + 1);
        poor = funded.get(providerCount + 2);
        allocate(auditor, 0, 10_000_000);
        allocate(auditor2, 0, 10_000_000);
        allocate(poor, 700_000, 25_000);
        for (int i = providerCount + 3; i < count; i++) {
            KeyPair tenant = funded.get(i);
            tenants.add(tenant);
            allocate(tenant, 5_000_000 + random.nextLong(200_000_000), 20_000_000 + random.nextLong(80_000_000));
        }
        tenants.add(poor);
        outsider = key(random);
    }

    /** A key pair from 32 bytes of the seeded source. */
    static KeyPair key(SplittableRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return KeyPair.fromSeed(seed);
    }

    private static ProviderProfile profile(KeyPair key, int i, SplittableRandom random) {
        String region = i % 2 == 0 ? "us-west" : "us-east";
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute("region", region));
        attributes.add(new Attribute("tier", "community"));
        if (random.nextInt(2) == 0) {
            attributes.add(new Attribute("capabilities/storage/1/class", "beta2"));
            attributes.add(new Attribute("capabilities/storage/1/persistent", "true"));
        }
        if (random.nextInt(5) < 2) {
            attributes.add(new Attribute("capabilities/gpu/vendor/nvidia/model/h100", "true"));
        }
        if (random.nextInt(7) == 0) {
            attributes.add(new Attribute("capabilities/gpu/vendor/nvidia/model/a100", "true"));
        }
        return new ProviderProfile(key, region, List.copyOf(attributes));
    }

    private void allocate(KeyPair key, long uusd, long uvyo) {
        List<Coin> coins = new ArrayList<>();
        if (uusd > 0) {
            coins.add(new Coin("uusd", uusd));
        }
        coins.add(new Coin("uvyo", uvyo));
        allocations.add(new Genesis.Allocation(key.address(), coins));
    }

    Genesis genesis() {
        return new Genesis(CHAIN_ID, GENESIS_MILLIS, Params.defaults(), allocations);
    }

    /** The key of a funded account. */
    KeyPair key(Address address) {
        return byAddress.get(address);
    }
}
