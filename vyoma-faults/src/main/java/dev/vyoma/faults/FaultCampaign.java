package dev.vyoma.faults;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs seeds one after another ({@code bin/faults}, through {@code FaultCampaignTest}): a fixed number, or as many as
 * fit in a time budget, and prints each run's figures, the totals, and for every failing seed its failures and the
 * command that replays it.
 */
public final class FaultCampaign {
    /**
     * What to run: seeds {@code firstSeed, firstSeed + 1, …}, at most {@code seeds} of them and within {@code budget};
     * {@code wipes}: whether {@code WIPE} is among the faults: a member removed from the validators, wiped, started
     * empty and added again (a member wiped but not removed is never caught up while the leader that knew it stays in
     * office, since Ratis keeps the follower's match index; see docs/faults.md).
     */
    public record Plan(long firstSeed, int seeds, Duration budget, Duration perSeed, int validators, boolean wipes) {
        public Plan {
            if (seeds < 1 || validators < 3 || validators > 9 || perSeed.toSeconds() < 5) {
                throw new IllegalArgumentException(
                        "a campaign runs at least 1 seed, 3 to 9 validators, at least 5 s a seed");
            }
        }
    }

    /** The runs of a campaign. */
    public record Summary(List<Campaign.Result> runs) {
        public boolean passed() {
            return runs.stream().allMatch(Campaign.Result::passed);
        }

        public List<String> failures() {
            List<String> out = new ArrayList<>();
            for (Campaign.Result r : runs) {
                for (String f : r.failures()) {
                    out.add("seed " + r.seed() + ": " + f);
                }
                if (!r.passed()) {
                    out.add("seed " + r.seed() + ": replay: "
                            + Campaign.replay(r.seed(), r.validators(), Duration.ofSeconds(r.seconds()), r.wipes()));
                }
            }
            return out;
        }
    }

    private FaultCampaign() {}

    /** Runs the plan, printing as it goes. */
    public static Summary run(Plan plan, PrintStream out) throws Exception {
        List<Campaign.Result> runs = new ArrayList<>();
        long started = System.nanoTime();
        for (int k = 0; k < plan.seeds(); k++) {
            if (k > 0 && System.nanoTime() - started > plan.budget().toNanos()) {
                out.println("faults: time budget of " + plan.budget().toMinutes() + " min spent after " + k + " seeds");
                break;
            }
            long seed = plan.firstSeed() + k;
            Campaign.Result r = Campaign.run(seed, plan.validators(), plan.perSeed(), plan.wipes(), out);
            runs.add(r);
            out.printf(
                    "faults: seed %d %s: %d faults %s, %d txs acknowledged (%d attempts, %d left undecided), %d txs"
                            + " applied, height %d%n",
                    seed,
                    r.passed() ? "passed" : "FAILED",
                    r.injected().values().stream().mapToInt(Integer::intValue).sum(),
                    r.injected(),
                    r.acknowledged(),
                    r.attempts(),
                    r.indeterminate(),
                    r.txs(),
                    r.height());
            if (!r.passed()) {
                for (String f : r.failures()) {
                    out.println("faults:   " + f);
                }
                out.println("faults:   logs: " + r.logs());
                out.println("faults:   replay: " + Campaign.replay(seed, r.validators(), plan.perSeed(), plan.wipes()));
            }
            out.flush();
        }
        Summary summary = new Summary(List.copyOf(runs));
        print(summary, out);
        return summary;
    }

    private static void print(Summary s, PrintStream out) {
        Map<Campaign.Fault, Integer> faults = new EnumMap<>(Campaign.Fault.class);
        long acked = 0;
        long applied = 0;
        long failed = 0;
        for (Campaign.Result r : s.runs()) {
            r.injected().forEach((k, v) -> faults.merge(k, v, Integer::sum));
            acked += r.acknowledged();
            applied += r.txs();
            failed += r.passed() ? 0 : 1;
        }
        out.printf(
                "faults: %d seeds, %d failed; faults injected %s (%d); %d txs acknowledged, %d applied%n",
                s.runs().size(),
                failed,
                faults,
                faults.values().stream().mapToInt(Integer::intValue).sum(),
                acked,
                applied);
        out.flush();
    }
}
