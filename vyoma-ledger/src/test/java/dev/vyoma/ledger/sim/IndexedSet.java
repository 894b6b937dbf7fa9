package dev.vyoma.ledger.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A set with access by index, so a seeded generator can pick a member at random. Its order depends only
 * on the sequence of adds and removes (a removed slot takes the last member), never on hash codes.
 */
final class IndexedSet<T> {
    private final List<T> items = new ArrayList<>();
    private final Map<T, Integer> index = new HashMap<>();

    boolean add(T item) {
        if (index.containsKey(item)) {
            return false;
        }
        index.put(item, items.size());
        items.add(item);
        return true;
    }

    boolean remove(T item) {
        Integer at = index.remove(item);
        if (at == null) {
            return false;
        }
        T last = items.remove(items.size() - 1);
        if (at < items.size()) {
            items.set(at, last);
            index.put(last, at);
        }
        return true;
    }

    boolean contains(T item) {
        return index.containsKey(item);
    }

    int size() {
        return items.size();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** A uniformly random member; the set must not be empty. */
    T pick(SplittableRandom random) {
        return items.get(random.nextInt(items.size()));
    }

    Set<T> toSet() {
        return new HashSet<>(items);
    }
}
