package dev.vyoma.ledger.state;

import java.util.Arrays;
import java.util.List;

/**
 * The keys of one large group of a {@link GroupedIndex}, in order of (hint, key): a short B+-tree of two
 * levels, sorted leaves of up to {@value #LEAF_MAX} keys with their hints beside them, and an array of
 * each leaf's first hint to find the leaf. Finding a key's place compares {@code long}s in two small
 * contiguous arrays; a record key is compared only when two hints are equal. That is what keeps an index
 * of a million keys cheap to update: a tree of record keys would dereference a key at every level.
 */
final class HintedKeys<K extends Comparable<? super K>> {
    /** Keys per leaf at most; a full leaf splits in two halves. */
    static final int LEAF_MAX = 128;

    private static final class Leaf {
        final long[] hints = new long[LEAF_MAX];
        final Object[] keys = new Object[LEAF_MAX];
        int n;
    }

    private long[] firstHints = new long[4];
    private Leaf[] leaves = new Leaf[4];
    private int leafCount;
    private int size;

    int size() {
        return size;
    }

    /** Adds {@code key} with its hint; false if it was there. */
    boolean add(long hint, K key) {
        if (leafCount == 0) {
            Leaf leaf = new Leaf();
            leaf.hints[0] = hint;
            leaf.keys[0] = key;
            leaf.n = 1;
            insertLeaf(0, leaf);
            size = 1;
            return true;
        }
        int i = leafFor(hint, key);
        Leaf leaf = leaves[i];
        int at = search(leaf, hint, key);
        if (at >= 0) {
            return false;
        }
        at = -at - 1;
        if (leaf.n == LEAF_MAX) {
            Leaf right = new Leaf();
            int half = LEAF_MAX / 2;
            System.arraycopy(leaf.hints, half, right.hints, 0, half);
            System.arraycopy(leaf.keys, half, right.keys, 0, half);
            Arrays.fill(leaf.keys, half, LEAF_MAX, null);
            right.n = half;
            leaf.n = half;
            insertLeaf(i + 1, right);
            if (at > half) {
                leaf = right;
                i++;
                at -= half;
            }
        }
        System.arraycopy(leaf.hints, at, leaf.hints, at + 1, leaf.n - at);
        System.arraycopy(leaf.keys, at, leaf.keys, at + 1, leaf.n - at);
        leaf.hints[at] = hint;
        leaf.keys[at] = key;
        leaf.n++;
        if (at == 0) {
            firstHints[i] = hint;
        }
        size++;
        return true;
    }

    /** Removes {@code key} with its hint; false if it was not there. */
    boolean remove(long hint, K key) {
        if (leafCount == 0) {
            return false;
        }
        int i = leafFor(hint, key);
        Leaf leaf = leaves[i];
        int at = search(leaf, hint, key);
        if (at < 0) {
            return false;
        }
        System.arraycopy(leaf.hints, at + 1, leaf.hints, at, leaf.n - at - 1);
        System.arraycopy(leaf.keys, at + 1, leaf.keys, at, leaf.n - at - 1);
        leaf.n--;
        leaf.keys[leaf.n] = null;
        if (leaf.n == 0) {
            removeLeaf(i);
        } else if (at == 0) {
            firstHints[i] = leaf.hints[0];
        }
        size--;
        return true;
    }

    /** Whether (hint, key) is held. */
    boolean contains(long hint, K key) {
        return leafCount > 0 && search(leaves[leafFor(hint, key)], hint, key) >= 0;
    }

    /** The smallest key, or null when empty. */
    @SuppressWarnings("unchecked")
    K first() {
        return leafCount == 0 ? null : (K) leaves[0].keys[0];
    }

    /** Appends, in order, every key not after (hint, bound) to {@code out}. */
    @SuppressWarnings("unchecked")
    void appendUpTo(long hint, K bound, List<K> out) {
        for (int i = 0; i < leafCount; i++) {
            Leaf leaf = leaves[i];
            for (int j = 0; j < leaf.n; j++) {
                if (compare(hint, bound, leaf.hints[j], leaf.keys[j]) < 0) {
                    return;
                }
                out.add((K) leaf.keys[j]);
            }
        }
    }

    /** Appends every key, in order, to {@code out}. */
    @SuppressWarnings("unchecked")
    void appendTo(List<K> out) {
        for (int i = 0; i < leafCount; i++) {
            Leaf leaf = leaves[i];
            for (int j = 0; j < leaf.n; j++) {
                out.add((K) leaf.keys[j]);
            }
        }
    }

    /** The leaf that holds, or would hold, (hint, key): the last whose first entry is not after it. */
    private int leafFor(long hint, K key) {
        int lo = 1;
        int hi = leafCount - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(hint, key, firstHints[mid], leaves[mid].keys[0]) >= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The position of (hint, key) in {@code leaf}, or {@code -(insertion point) - 1}. */
    private int search(Leaf leaf, long hint, K key) {
        int lo = 0;
        int hi = leaf.n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(hint, key, leaf.hints[mid], leaf.keys[mid]);
            if (c > 0) {
                lo = mid + 1;
            } else if (c < 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    @SuppressWarnings("unchecked")
    private int compare(long hint, K key, long otherHint, Object otherKey) {
        int c = Long.compare(hint, otherHint);
        return c != 0 ? c : key.compareTo((K) otherKey);
    }

    private void insertLeaf(int at, Leaf leaf) {
        if (leafCount == leaves.length) {
            leaves = Arrays.copyOf(leaves, leafCount * 2);
            firstHints = Arrays.copyOf(firstHints, leafCount * 2);
        }
        System.arraycopy(leaves, at, leaves, at + 1, leafCount - at);
        System.arraycopy(firstHints, at, firstHints, at + 1, leafCount - at);
        leaves[at] = leaf;
        firstHints[at] = leaf.hints[0];
        leafCount++;
    }

    private void removeLeaf(int at) {
        System.arraycopy(leaves, at + 1, leaves, at, leafCount - at - 1);
        System.arraycopy(firstHints, at + 1, firstHints, at, leafCount - at - 1);
        leafCount--;
        leaves[leafCount] = null;
    }
}
