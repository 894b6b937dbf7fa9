package dev.vyoma.faults;

import dev.vyoma.node.membership.MembershipClient;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * A membership change made the way an operator makes it, retried as an operator would: a change refused because
 * another is under way, or because the leader changed meanwhile, is signed again for the configuration in force; a
 * change whose answer was lost is found done by reading the validators.
 */
final class Membership {
    /** How many times a change is tried. */
    static final int ATTEMPTS = 8;

    interface Change {
        MembershipClient.Outcome send() throws IOException, InterruptedException;
    }

    private Membership() {}

    /** Makes the change until {@code done} holds of the validators; false if it never did. */
    static boolean change(MembershipClient client, Change change, Predicate<MembershipClient.Current> done)
            throws InterruptedException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                if (change.send().enacted()) {
                    return true;
                }
            } catch (IOException e) {
                // the answer was lost, or the member is busy: read what happened
            }
            try {
                if (done.test(client.current())) {
                    return true;
                }
            } catch (IOException e) {
                // retry below
            }
            Thread.sleep(1_000);
        }
        return false;
    }
}
