package dev.vyoma.ledger.state;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.state.StateStoreTest.ByValue;
import dev.vyoma.ledger.state.StateStoreTest.Fixture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link Table#verifyIndexes()} notices an index that no longer matches its rows: an entry too many, one missing,
 * one that names another row, and a group miscounted or holding a key of another group. Each case corrupts one
 * index directly (as a bug in the store would), behind the table's back.
 */
class IndexVerificationTest {
    /** A table of 40 rows: keys "a0".."d9", even and odd values, every letter a group, one group past an array. */
    private static Fixture filled() {
        Fixture f = new Fixture(Workers.inline());
        for (char letter = 'a'; letter <= 'd'; letter++) {
            int rows = letter == 'd' ? 40 : 10;
            for (int i = 0; i < rows; i++) {
                f.table.put(letter + String.valueOf((char) ('0' + i)), (long) (letter * 100 + i));
            }
        }
        f.store.commit();
        f.store.finishBlock();
        return f;
    }

    private static void assertCaught(Consumer<Fixture> corrupt, String what) {
        Fixture f = filled();
        assertThatCode(f.store::verifyIndexes).doesNotThrowAnyException();
        corrupt.accept(f);
        assertThatThrownBy(f.store::verifyIndexes).as(what).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSortedIndexWithAnEntryTooManyIsCaught() {
        // "a1" holds an odd value: the index should not list it.
        assertCaught(f -> f.evens.changed("a1", null, 2L), "an entry no row implies");
    }

    @Test
    void aSortedIndexMissingAnEntryIsCaught() {
        assertCaught(f -> f.evens.changed("a0", f.table.get("a0"), null), "a row's entry gone");
    }

    @Test
    void aSortedIndexEntryForAnotherValueIsCaught() {
        // The entry of "a0" moved as if its value were another even number.
        assertCaught(f -> f.evens.changed("a0", f.table.get("a0"), 9_998L), "an entry with a stale value");
    }

    @Test
    void aSecondEntryForOneRowIsCaught() {
        // Two entries where the rows imply one: "a2" filed again under "a0"'s value.
        assertCaught(f -> f.evens.changed("a2", null, f.table.get("a0")), "a second entry for one row");
    }

    @Test
    void aGroupMissingAKeyIsCaught() {
        assertCaught(f -> f.byLetter.changed("b3", f.table.get("b3"), null), "a key gone from its small group");
        assertCaught(f -> f.byLetter.changed("d7", f.table.get("d7"), null), "a key gone from a large group");
    }

    @Test
    void aGroupWithAKeyTooManyIsCaught() {
        assertCaught(f -> f.byLetter.changed("e1", null, 5L), "a group no row implies");
    }

    @Test
    void aKeyTheFilterExcludesIsCaughtInItsGroup() {
        // "a5" fails the filter (a negative value) in the index's view, but the row is still there.
        assertCaught(f -> f.byLetter.changed("a5", f.table.get("a5"), -1L), "a row the filter keeps, left out");
    }

    @Test
    void anUntouchedStoreVerifies() {
        Fixture f = filled();
        assertThatCode(f.store::verifyIndexes).doesNotThrowAnyException();
        f.table.remove("d3");
        f.table.put("a1", 4L);
        f.store.commit();
        f.store.finishBlock();
        assertThatCode(f.store::verifyIndexes).doesNotThrowAnyException();
        ByValue first = f.evens.first();
        assertThatCode(() -> f.evens.contains(first)).doesNotThrowAnyException();
    }
}
