package dev.vyoma.console;

import dev.vyoma.stats.metrics.PriceTable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * USD per micro-unit of a denomination today, for prices per month: {@code uusd} at face value, others from the
 * operator's price file of the stats reports ({@link PriceTable}, {@code --prices FILE}) when given.
 */
final class Prices {
    private final PriceTable table;
    private final Clock clock;

    Prices(PriceTable table, Clock clock) {
        this.table = table;
        this.clock = clock;
    }

    /** Only {@code uusd} priced. */
    static Prices faceValueOnly() {
        return new Prices(new PriceTable(List.of()), Clock.systemUTC());
    }

    /** The prices of {@code file} (CSV {@code denom,date,usd}); a day without its own takes the latest earlier one. */
    static Prices of(Path file) throws java.io.IOException {
        return new Prices(new PriceTable(PriceTable.read(file), PriceTable.MissingPrice.LAST), Clock.systemUTC());
    }

    Optional<BigDecimal> usdPerMicro(String denom) {
        return Optional.ofNullable(table.usdPerMicro(denom, LocalDate.now(clock.withZone(ZoneOffset.UTC))));
    }
}
