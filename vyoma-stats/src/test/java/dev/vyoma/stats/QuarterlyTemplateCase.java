package dev.vyoma.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.stats.capacity.SnapshotStore;
import dev.vyoma.stats.index.Indexer;
import dev.vyoma.stats.report.QuarterlyReport;
import dev.vyoma.stats.store.StatsDb;
import java.util.List;
import java.util.function.Supplier;

/**
 * The quarterly template over the known-answer report ({@link KnownAnswerCase}: 2026-01-03..04 against
 * 2026-01-01..02): its tables carry the same figures, with first and last days and changes, and its prose says
 * them again.
 */
final class QuarterlyTemplateCase {
    private QuarterlyTemplateCase() {}

    static void run(Supplier<StatsDb> open) throws Exception {
        KnownAnswerChain kat = new KnownAnswerChain();
        try (StatsDb db = open.get()) {
            new Indexer(db, kat.chain.source()).catchUp();
            new SnapshotStore(db).insertAll(kat.snapshots());
            String md = QuarterlyReport.markdown(KnownAnswerCase.report(db), "test network", List.of("gpus.png"));
            assertThat(md)
                    .startsWith("# State of the test network: 2026-01-03 to 2026-01-04, heights 8–15\n")
                    .contains("against 2026-01-01 to 2026-01-02, heights 1–7")
                    // Headline: new leases 2 against 2; active leases mean 2 (3 → 1) against 1.5 (1 → 2).
                    .contains("| New leases | 2 |  | 2 |  | 0.00% |")
                    .contains("| Daily active leases (daily mean) | 2 | 3 → 1 | 1.5 | 1 → 2 | +33.33% |")
                    // GPUs: capacity 10 (12 → 8) against 8; allocated 1.5 (3 → 0) against 0.5 (0 → 1).
                    .contains("| GPU capacity (GPUs, daily mean) | 10 | 12 → 8 | 8 | 8 → 8 | +25.00% |")
                    .contains("| GPUs allocated to leases (daily mean) | 1.5 | 3 → 0 | 0.5 | 0 → 1 | +200.00% |")
                    .contains("| Lease revenue (USD) | 0.50 |  | 0.00 |  | +5002190.00% |")
                    .contains("| Leases since genesis (at the end) | 4 |  | 2 |  | +100.00% |")
                    .contains("2 (0.00%) new leases, 2 (+33.33%) open on an average day; lease revenue 0.50"
                            + " (+5002190.00%) USD.")
                    .contains("GPUs allocated to leases went from 3 to 0 of 12 → 8 offered, on 2 → 1 active"
                            + " providers.")
                    // Per model, the previous period beside: H100 capacity 8 against 8, A100 2 against none.
                    .contains("| nvidia h100 | 8 | 0.5 | 6.25% | 8 | 0.5 | 0.00% | 0.00% |")
                    .contains("| nvidia a100 | 2 | 1 | 50.00% | 0 | 0 | n/a | n/a |")
                    .contains("| 2026-01 | 2 | 0.50 |")
                    .contains("Of the 3 leases that closed, half ran less than 36.0 hours.")
                    .contains("![gpus.png](gpus.png)")
                    .contains("- **GPU capacity** (`gpuCapacity`, GPUs): GPUs the active providers offer");
        }
    }
}
