package dev.vyoma.provider.bid;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A price per GiB times a size in bytes is the exact quotient, as a division by 2^30 gives it. */
class PriceListTest {
    private static final BigDecimal GIB = BigDecimal.valueOf(1L << 30);

    @Test
    void aPricePerGibIsTheExactQuotient() {
        SplittableRandom random = new SplittableRandom(20261208);
        for (int i = 0; i < 100_000; i++) {
            BigDecimal price = BigDecimal.valueOf(random.nextLong(0, 1L << 40), random.nextInt(0, 19));
            long bytes = switch (i % 4) {
                case 0 -> random.nextLong(0, 1L << 50);
                case 1 -> random.nextLong(1, 1 << 20) << 20;
                case 2 -> random.nextLong(0, 1 << 12);
                default -> Long.MAX_VALUE - random.nextLong(0, 1000);
            };
            BigDecimal expected = price.multiply(BigDecimal.valueOf(bytes)).divide(GIB);
            BigDecimal got = PriceList.perGiB(price, bytes);
            assertThat(got.compareTo(expected)).as("%s × %d", price, bytes).isZero();
        }
    }
}
