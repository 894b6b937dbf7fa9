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

    /** A duration for people: {@code 2d 3h}, {@code 5h 12m}, {@code 4m 10s}, {@code 800ms}. */
    static String span(Duration d) {
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        }
        if (d.toSeconds() > 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
