package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.inference.TestChain;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The usage log across a crash: a gateway that sent a batch and died before writing that the ledger took it
 * sends nothing twice when it starts again; requests metered but not sent are settled after the restart.
 */
class BillingRestartTest {
    @TempDir
    Path dir;

    private static UsageRecord record(String id, KeyPair owner, long in, long out) {
        return new UsageRecord(
                id, 1_000, owner.address(), "k1", "tiny", in, out, 123_457, 987_651, in * 123_457 + out * 987_651, 0);
    }

    @Test
    void aBatchSentBeforeACrashIsNotChargedAgain() throws Exception {
        try (TestChain chain = new TestChain(dir, "vyoma-billing-restart", "gateway", "alice")) {
            KeyPair gateway = TestChain.KEYS.key("gateway");
            KeyPair alice = TestChain.KEYS.key("alice");
            chain.commit(
                    alice, new Msg.OpenInferenceAccount(alice.address(), gateway.address(), new Coin("uusd", 10_000)));
            Path file = dir.resolve("usage.jsonl");
            UsageRecord first = record("r1", alice, 40, 12);
            try (UsageLog log = new UsageLog(file)) {
                Billing billing = new Billing(chain.client, gateway, log, line -> {});
                Billing.Reservation hold = billing.reserve(alice.address(), first.costPico());
                billing.charge(hold, first);
                assertThat(billing.settle()).isEqualTo(1);
            }
            // As if the gateway had died between sending batch 1 and writing that it settled.
            List<String> lines = Files.readAllLines(file);
            Files.write(
                    file, lines.stream().filter(l -> !l.contains("\"settled\"")).toList());

            UsageRecord second = record("r2", alice, 7, 3);
            try (UsageLog log = new UsageLog(file)) {
                assertThat(log.unsettled()).extracting(UsageRecord::id).containsExactly("r1");
                Billing billing = new Billing(chain.client, gateway, log, line -> {});
                billing.charge(billing.reserve(alice.address(), second.costPico()), second);
                assertThat(billing.settle())
                        .as("only the new request goes, in batch 2")
                        .isEqualTo(2);
                assertThat(log.unsettled()).isEmpty();
                assertThat(billing.pendingPico(alice.address()))
                        .as("nothing is owed any more")
                        .isZero();
                assertThat(billing.settle()).isZero();
            }
            JsonNode a = chain.client
                    .getJson("/v1/inference/accounts/" + alice.address() + "/" + gateway.address())
                    .orElseThrow();
            long cost = first.costPico() + second.costPico();
            assertThat(a.path("chargedTotal").asLong()).isEqualTo(cost / 1_000_000);
            assertThat(a.path("carryPico").asLong()).isEqualTo(cost % 1_000_000);
            JsonNode charges = chain.client
                    .getJson("/v1/inference/charges/" + alice.address() + "/" + gateway.address())
                    .orElseThrow()
                    .path("items");
            assertThat(charges.size()).isEqualTo(2);
            assertThat(charges.get(1).path("requests").asLong()).isOne();
        }
    }
}
