package dev.vyoma.cli.deploy;

import dev.vyoma.client.EscrowView;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** The escrow columns of {@code deploy list} and {@code deploy status}: balance, burn rate, run-out. */
final class EscrowColumns {
    private EscrowColumns() {}

    /** Adds the escrow's columns to {@code row}. */
    static void put(Map<String, Object> row, EscrowView v) {
        row.put("balance", amount(v.balance()) + v.denom());
        row.put("perBlock", amount(v.ratePerBlock()) + v.denom());
        row.put("perDay", amount(v.perDay()) + v.denom());
        if (v.paying()) {
            row.put("runOutHeight", v.runOutHeight());
            row.put(
                    "runOut",
                    v.runOutTime().truncatedTo(ChronoUnit.SECONDS) + " (in "
                            + span(v.blockInterval().multipliedBy(v.blocksLeft())) + ")");
        } else {
            row.put("runOutHeight", 0);
            row.put("runOut", v.state().equals("open") ? "no lease pays from it" : v.state());
        }
    }

    static String amount(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    /** A duration for people, in its two largest units, zeros left out: {@code 1d}, {@code 5h 12m}, {@code 500ms}. */
    static String span(Duration d) {
        long[] values = {d.toDays(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart()};
        String[] units = {"d", "h", "m", "s", "ms"};
        int first = 0;
        while (first < values.length - 1 && values[first] == 0) {
            first++;
        }
        StringBuilder b = new StringBuilder().append(values[first]).append(units[first]);
        if (first + 1 < values.length && values[first + 1] != 0) {
            b.append(' ').append(values[first + 1]).append(units[first + 1]);
        }
        return b.toString();
    }
}
