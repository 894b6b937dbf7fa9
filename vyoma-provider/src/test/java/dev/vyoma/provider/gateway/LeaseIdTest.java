package dev.vyoma.provider.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.market.BidId;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lease is named one way only. Other spellings of its numbers ({@code 070}, {@code +70}) and ids smuggled into a
 * path parameter (an encoded {@code /} and {@code ?}) are refused with a 400 before anything is looked up; nothing
 * is stored or run for them, and the chain goes on producing blocks.
 */
class LeaseIdTest {
    @TempDir
    Path dir;

    @Test
    void aliasesOfALeaseAndIdsSmuggledIntoThePathRunNothing() throws Exception {
        KeyPair provider = GatewayRig.KEYS.key("provider");
        KeyPair other = GatewayRig.KEYS.key("other-provider");
        KeyPair tenant = GatewayRig.KEYS.key("tenant");
        try (GatewayRig rig = GatewayRig.start(dir, provider, other, tenant)) {
            rig.register(other);
            BidId mine = rig.lease(tenant, 70, provider);
            BidId elsewhere = rig.lease(tenant, 71, other);
            String owner = tenant.address().toString();
            String manifest = rig.manifest();
            long before = rig.chain.status().height();

            // Another spelling of dseq 70, with a token the tenant signed for exactly that spelling.
            for (String alias : List.of("070", "+70", "%2B70", "70%20", "0070")) {
                String spelled = alias.replace("%2B", "+").replace("%20", " ");
                String token = rig.token(tenant, owner + "/" + spelled + "/1/1/" + provider.address());
                GatewayRig.Answer a = rig.put("/v1/leases/" + owner + "/" + alias + "/1/1/manifest", token, manifest);
                assertThat(a.status()).as(alias + ": " + a.body()).isEqualTo(400);
                assertThat(a.body())
                        .contains("the path is /v1/leases/OWNER/DSEQ/GSEQ/OSEQ/")
                        .contains("dseq is a whole number from 1")
                        .contains("no sign, no leading zero");
                // Reading the alias's status or logs is refused the same way.
                assertThat(rig.get("/v1/leases/" + owner + "/" + alias + "/1/1/status", token)
                                .status())
                        .isEqualTo(400);
            }

            // Another provider's lease smuggled into the oseq: "1/OTHER?" would have made the node's URL
            // /v1/leases/OWNER/71/1/1/OTHER?/PROVIDER, the other provider's lease.
            String smuggled = "1%2F" + other.address() + "%3F";
            String smuggledToken = rig.token(tenant, owner + "/71/1/1/" + other.address() + "?/" + provider.address());
            GatewayRig.Answer s =
                    rig.put("/v1/leases/" + owner + "/71/1/" + smuggled + "/manifest", smuggledToken, manifest);
            assertThat(s.status()).as(s.body()).isEqualTo(400);
            assertThat(s.body()).contains("oseq is a whole number from 1");

            // Asked the canonical way, the other provider's lease is not this provider's.
            GatewayRig.Answer notMine = rig.put(
                    "/v1/leases/" + elsewhere.order() + "/manifest",
                    rig.token(tenant, elsewhere.order() + "/" + provider.address()),
                    manifest);
            assertThat(notMine.status()).as(notMine.body()).isEqualTo(404);
            assertThat(notMine.body()).contains("no lease " + elsewhere.order() + "/" + provider.address());

            // A canonical path with a token for an alias of it: the token's lease is not a lease id.
            GatewayRig.Answer aliasToken = rig.put(
                    "/v1/leases/" + mine.order() + "/manifest",
                    rig.token(tenant, owner + "/070/1/1/" + provider.address()),
                    manifest);
            assertThat(aliasToken.status()).as(aliasToken.body()).isEqualTo(401);
            assertThat(aliasToken.body()).contains("the token's lease is not a lease id");

            // Nothing was stored or run for any of them.
            assertThat(rig.runtime.leases()).isEmpty();
            assertThat(dir.resolve("provider").resolve("manifests")).isEmptyDirectory();

            // The lease itself, named canonically, runs: once, under its canonical id.
            GatewayRig.Answer accepted =
                    rig.put("/v1/leases/" + mine.order() + "/manifest", rig.token(tenant, mine.toString()), manifest);
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            assertThat(rig.runtime.leases()).containsExactly(mine.toString());
            assertThat(rig.gateway.manifest(mine.toString())).contains(manifest);

            await().atMost(10, TimeUnit.SECONDS).until(() -> rig.chain.status().height() > before + 5);
        }
    }
}
