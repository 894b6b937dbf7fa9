package dev.vyoma.ledger.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link HintedKeys} against a {@link TreeSet}: leaves split, empty and are found again, hints tie. */
class HintedKeysTest {
    @Test
    void keepsTheSameKeysInTheSameOrderAsATreeSet() {
        long seed = Seeds.seed("HintedKeysTest.model");
        SplittableRandom random = Seeds.random(seed);
        for (int round = 0; round < 20; round++) {
            HintedKeys<Long> keys = new HintedKeys<>();
            TreeSet<Long> model = new TreeSet<>();
            // Hints that tie often (key / divisor) or never (divisor 1), over a small or a large key space.
            long divisor = 1 + random.nextInt(round % 2 == 0 ? 3 : 50);
            int space = round % 3 == 0 ? 300 : 20_000;
            for (int op = 0; op < 6_000; op++) {
                long k = random.nextInt(space);
                // Bursts of growth then of shrinking, so that leaves fill, split, empty and disappear.
                boolean add = (op / 1_500) % 2 == 0 ? random.nextInt(4) != 0 : random.nextInt(4) == 0;
                if (add) {
                    assertThat(keys.add(k / divisor, k)).isEqualTo(model.add(k));
                } else {
                    assertThat(keys.remove(k / divisor, k)).isEqualTo(model.remove(k));
                }
                assertThat(keys.size()).isEqualTo(model.size());
                if (op % 500 == 0) {
                    List<Long> out = new ArrayList<>();
                    keys.appendTo(out);
                    assertThat(out).as(Seeds.replay("model", seed)).containsExactlyElementsOf(model);
                }
            }
            List<Long> out = new ArrayList<>();
            keys.appendTo(out);
            assertThat(out).as(Seeds.replay("model", seed)).containsExactlyElementsOf(model);
            for (Long k : new ArrayList<>(model)) {
                assertThat(keys.remove(k / divisor, k)).isTrue();
            }
            assertThat(keys.size()).isZero();
            assertThat(keys.remove(1, 1L)).isFalse();
            assertThat(keys.add(3, 3L)).isTrue();
        }
    }
}
