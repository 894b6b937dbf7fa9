package dev.vyoma.ledger.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store against a plain model: random puts, removes, rolled-back transactions and writes outside any
 * transaction over many blocks, each row written once or many times in a block.
 * After every block the tables and both kinds of index equal the model, and the incrementally updated
 * commitment equals the commitment of a store that loaded the same entries from scratch, folded on one
 * thread or on several.
 */
class StateStoreTest {
    /** Index key for values in order; the table key breaks ties so that index keys stay unique. */
    record ByValue(long value, String key) implements Comparable<ByValue> {
        @Override
        public int compareTo(ByValue o) {
            int c = Long.compare(value, o.value);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    /** A store with one table, a sorted index of even values and a grouped index by the key's first letter. */
    static final class Fixture {
        final StateStore store = new StateStore();
        final Table<String, Long> table = store.table("t", String.class, Long.class);
        final Table<String, Long> other = store.table("u", String.class, Long.class);
        final SortedIndex<String, Long, ByValue> evens = table.sortedIndex(
                "evens", (k, v) -> v % 2 == 0 ? new ByValue(v, k) : null, ByValue::key, ByValue::value);
        final GroupedIndex<String, Long, String> byLetter =
                table.groupedIndex(k -> k.substring(0, 1), k -> k.charAt(1), v -> v >= 0);

        Fixture(Workers workers) {
            store.useWorkers(workers);
        }
    }

    private static final ExecutorService POOL = Executors.newFixedThreadPool(3);

    /** Workers on a real thread pool, three at once. */
    static final Workers THREADS = new Workers() {
        @Override
        public int parallelism() {
            return 3;
        }

        @Override
        public Handle submit(Runnable task) {
            Future<?> f = POOL.submit(task);
            return () -> {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        }

        @Override
        public void run(int count, IntConsumer task) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(POOL.submit(() -> task.accept(index)));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    };

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    @Test
    void matchesTheModelAndARebuiltCommitmentAfterEveryBlock() {
        long seed = Seeds.seed("StateStoreTest.model");
        run(seed, Workers.inline());
    }

    @Test
    void foldingOnSeveralThreadsGivesTheSameCommitment() {
        long seed = Seeds.seed("StateStoreTest.threads");
        byte[] inline = run(seed, Workers.inline());
        byte[] threads = run(seed, THREADS);
        assertThat(threads).as(Seeds.replay("threads", seed)).isEqualTo(inline);
    }

    private static byte[] run(long seed, Workers workers) {
        SplittableRandom random = Seeds.random(seed);
        Fixture f = new Fixture(workers);
        TreeMap<String, Long> model = new TreeMap<>();
        TreeMap<String, Long> otherModel = new TreeMap<>();
        byte[] last = null;
        for (int block = 0; block < 120; block++) {
            // Big blocks now and then, so that the fold runs in several chunks.
            int txs = random.nextInt(10) == 0 ? 400 : 1 + random.nextInt(20);
            for (int t = 0; t < txs; t++) {
                if (random.nextInt(8) == 0) {
                    // A write outside any transaction, as the ledger's own closes and meta row are.
                    String key = (char) ('a' + random.nextInt(3)) + Integer.toString(random.nextInt(60));
                    if (random.nextBoolean()) {
                        long v = random.nextLong(-5, 200);
                        f.table.put(key, v);
                        model.put(key, v);
                    } else {
                        f.table.remove(key);
                        model.remove(key);
                    }
                    continue;
                }
                boolean rollback = random.nextInt(4) == 0;
                TreeMap<String, Long> before = new TreeMap<>(model);
                f.store.begin();
                for (int op = 0, n = 1 + random.nextInt(6); op < n; op++) {
                    // Keys from a small space (rows are written again, removed and put back), letters a–c.
                    String key = (char) ('a' + random.nextInt(3)) + Integer.toString(random.nextInt(60));
                    int kind = random.nextInt(10);
                    if (kind < 6) {
                        long v = random.nextLong(-5, 200);
                        f.table.put(key, v);
                        model.put(key, v);
                    } else if (kind < 9) {
                        f.table.remove(key);
                        model.remove(key);
                    } else {
                        f.other.put(key, (long) block);
                        if (!rollback) {
                            otherModel.put(key, (long) block);
                        }
                    }
                    assertThat(f.table.get(key)).isEqualTo(model.get(key));
                }
                if (rollback) {
                    f.store.rollback();
                    model = before;
                } else {
                    f.store.commit();
                }
            }
            last = f.store.finishBlock();
            check(f, model, otherModel, seed, block);
            assertThat(last).as(Seeds.replay("model", seed) + " block " + block).isEqualTo(rebuilt(model, otherModel));
        }
        // A snapshot holds the same entries and re-imports with the same commitment.
        Fixture copy = new Fixture(Workers.inline());
        copy.store.importSnapshot(f.store.exportSnapshot());
        assertThat(copy.store.commitment()).isEqualTo(last);
        check(copy, model, otherModel, seed, -1);
        return last;
    }

    private static void check(
            Fixture f, TreeMap<String, Long> model, TreeMap<String, Long> otherModel, long seed, int block) {
        String why = Seeds.replay("model", seed) + " block " + block;
        f.store.verifyIndexes();
        assertThat(toMap(f.table.sorted())).as(why).isEqualTo(model);
        assertThat(toMap(f.other.sorted())).as(why).isEqualTo(otherModel);
        assertThat(f.table.size()).as(why).isEqualTo(model.size());
        List<String> evens = new ArrayList<>();
        model.entrySet().stream()
                .filter(e -> e.getValue() % 2 == 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> evens.add(e.getKey()));
        assertThat(f.evens.rowKeys()).as(why).isEqualTo(evens);
        assertThat(f.evens.size()).isEqualTo(evens.size());
        if (!evens.isEmpty()) {
            String firstKey = evens.get(0);
            assertThat(f.evens.first()).isEqualTo(new ByValue(model.get(firstKey), firstKey));
            long bound = model.get(evens.get(evens.size() / 2));
            List<String> upTo = new ArrayList<>();
            model.entrySet().stream()
                    .filter(e -> e.getValue() % 2 == 0 && e.getValue() <= bound)
                    .sorted(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> upTo.add(e.getKey()));
            assertThat(f.evens.upTo(new ByValue(bound, "\uffff"))).as(why).isEqualTo(upTo);
            assertThat(f.evens.contains(new ByValue(model.get(firstKey), firstKey)))
                    .isTrue();
        }
        for (String letter : List.of("a", "b", "c", "d")) {
            TreeSet<String> expected = new TreeSet<>();
            model.forEach((k, v) -> {
                if (k.startsWith(letter) && v >= 0) {
                    expected.add(k);
                }
            });
            assertThat(f.byLetter.keys(letter)).as(why + " group " + letter).containsExactlyElementsOf(expected);
            assertThat(f.byLetter.count(letter)).isEqualTo(expected.size());
            assertThat(f.byLetter.isEmpty(letter)).isEqualTo(expected.isEmpty());
        }
    }

    /** The commitment of a new store that put every entry in one block. */
    private static byte[] rebuilt(Map<String, Long> model, Map<String, Long> otherModel) {
        Fixture f = new Fixture(Workers.inline());
        model.forEach(f.table::put);
        otherModel.forEach(f.other::put);
        return f.store.finishBlock();
    }

    private static TreeMap<String, Long> toMap(List<Map.Entry<String, Long>> entries) {
        TreeMap<String, Long> out = new TreeMap<>();
        entries.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    @Test
    void aGroupGrowsPastItsArrayAndShrinksBack() {
        Fixture f = new Fixture(Workers.inline());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 3 * GroupedIndex.ARRAY_MAX; i++) {
            keys.add("a" + (1000 + i * 7919 % 997));
        }
        TreeSet<String> expected = new TreeSet<>();
        for (String k : keys) {
            f.table.put(k, 1L);
            expected.add(k);
            assertThat(f.byLetter.keys("a")).containsExactlyElementsOf(expected);
        }
        for (String k : keys) {
            // Leaving the filter (a negative value) takes the key out of its group; the row stays.
            f.table.put(k, -1L);
            expected.remove(k);
            assertThat(f.byLetter.keys("a")).containsExactlyElementsOf(expected);
        }
        assertThat(f.byLetter.isEmpty("a")).isTrue();
        assertThat(f.table.size()).isEqualTo(new TreeSet<>(keys).size());
    }

    @Test
    void aKeyRemovedAndWrittenAgainInOneBlockLeavesTheCommitmentAsItWas() {
        Fixture f = new Fixture(Workers.inline());
        f.table.put("a1", 5L);
        f.table.put("b1", 6L);
        byte[] first = f.store.finishBlock();
        f.table.remove("a1");
        assertThat(f.table.contains("a1")).isFalse();
        f.table.put("a1", 5L);
        f.table.put("b1", 7L);
        f.table.put("b1", 6L);
        assertThat(f.store.finishBlock()).isEqualTo(first);
        // Removed for good at the end of a block, then written again in a later one.
        f.table.remove("a1");
        f.store.finishBlock();
        assertThat(f.table.get("a1")).isNull();
        f.table.put("a1", 5L);
        assertThat(f.store.finishBlock()).isEqualTo(first);
        assertThat(f.table.get("a1")).isEqualTo(5L);
    }
}
