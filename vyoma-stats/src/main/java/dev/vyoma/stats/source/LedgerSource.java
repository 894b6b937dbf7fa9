package dev.vyoma.stats.source;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Ledger;
import dev.vyoma.ledger.Queries;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.Group;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.provider.Provider;
import dev.vyoma.sdl.spec.GroupSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A ledger in this process as a chain source: whoever drives the ledger hands each applied block and its result
 * to {@link #record}, and the indexer reads them back. Lookups read the ledger's current state, which is right for
 * what they return: group specs never change, and a provider's host is its latest registration. Single-threaded,
 * like the ledger.
 */
public final class LedgerSource implements ChainSource {
    private final Ledger ledger;
    private final String chainId;
    private final List<ChainBlock> blocks = new ArrayList<>();

    public LedgerSource(Ledger ledger) {
        this.ledger = ledger;
        this.chainId = ledger.state().meta().chainId();
    }

    /** Records a block the caller has just applied to the ledger; blocks come in height order, none skipped. */
    public void record(Block block, BlockResult result) {
        long expected = blocks.size() + 1L;
        if (block.height() != expected || result.height() != expected) {
            throw new IllegalArgumentException("block " + block.height() + " recorded where " + expected + " is next");
        }
        blocks.add(new ChainBlock(block.height(), block.timeMillis(), result.blockHashHex(), result.events()));
    }

    @Override
    public String chainId() {
        return chainId;
    }

    @Override
    public long latestHeight() {
        return blocks.size();
    }

    @Override
    public Optional<ChainBlock> block(long height) {
        if (height < 1 || height > blocks.size()) {
            return Optional.empty();
        }
        return Optional.of(blocks.get((int) (height - 1)));
    }

    @Override
    public Optional<GroupSpec> group(GroupId id) {
        return new Queries(ledger.state()).group(id).map(Group::spec);
    }

    @Override
    public Optional<String> providerHostUri(Address owner) {
        return new Queries(ledger.state()).provider(owner).map(Provider::hostUri);
    }
}
