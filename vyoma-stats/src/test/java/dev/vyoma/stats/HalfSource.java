package dev.vyoma.stats;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.stats.source.ChainSource;
import java.util.Optional;

/** A chain source that shows only the first {@code upTo} blocks of another: a chain that has not gone further yet. */
record HalfSource(ChainSource inner, long upTo) implements ChainSource {
    @Override
    public String chainId() {
        return inner.chainId();
    }

    @Override
    public long latestHeight() {
        return Math.min(upTo, inner.latestHeight());
    }

    @Override
    public Optional<ChainBlock> block(long height) {
        return height > upTo ? Optional.empty() : inner.block(height);
    }

    @Override
    public Optional<GroupSpec> group(GroupId id) {
        return inner.group(id);
    }

    @Override
    public Optional<String> providerHostUri(Address owner) {
        return inner.providerHostUri(owner);
    }
}
