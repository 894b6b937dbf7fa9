package dev.vyoma.stats.source;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.sdl.spec.GroupSpec;
import java.util.List;
import java.util.Optional;

/**
 * The chain as the indexer reads it. Implementations answer from a node over HTTP or from a ledger in the same
 * process; a failure to reach the chain is a {@link SourceException} whose message says what to fix.
 */
public interface ChainSource {
    /** One block as the indexer needs it: height, time, hash and every event in order. */
    record ChainBlock(long height, long timeMillis, String hashHex, List<Event> events) {
        public ChainBlock {
            events = List.copyOf(events);
        }
    }

    /** The chain's id, to refuse indexing two chains into one database. */
    String chainId();

    /** The latest height the chain has (0 before the first block). */
    long latestHeight();

    /** The block at {@code height}, or empty if the chain has not reached it. */
    Optional<ChainBlock> block(long height);

    /**
     * Consecutive blocks from {@code from} towards {@code to}: in height order from {@code from}, none skipped, none
     * past {@code to}. A source may answer fewer (it reads in bounded pieces, or the chain ends); empty means the
     * chain has not reached {@code from}. This default reads them one at a time.
     */
    default List<ChainBlock> blocks(long from, long to) {
        List<ChainBlock> out = new java.util.ArrayList<>();
        for (long h = from; h <= to; h++) {
            Optional<ChainBlock> b = block(h);
            if (b.isEmpty()) {
                break;
            }
            out.add(b.get());
        }
        return out;
    }

    /** A deployment group's spec (its resources and prices), or empty if the chain has no such group. */
    Optional<GroupSpec> group(GroupId id);

    /** A provider's registered gateway URI, or empty if it is not (or no longer) registered. */
    Optional<String> providerHostUri(Address owner);
}
