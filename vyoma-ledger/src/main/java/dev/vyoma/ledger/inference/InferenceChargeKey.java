package dev.vyoma.ledger.inference;

/** One batch's charge of one account. */
public record InferenceChargeKey(InferenceAccountId account, long batch) implements Comparable<InferenceChargeKey> {
    @Override
    public int compareTo(InferenceChargeKey o) {
        int c = account.compareTo(o.account);
        return c != 0 ? c : Long.compare(batch, o.batch);
    }
}
