package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.inference.api.WorkerSecret;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.testkit.Fixtures;
import java.nio.file.Files;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The replica SDL the gateway leases is valid and has the shape of examples/inference.yaml. */
class ReplicaSdlTest {
    /** What examples/inference.yaml has in place of a secret, for whoever deploys it to make their own. */
    private static final String EXAMPLE_SECRET = "REPLACE-WITH-64-HEX-DIGITS-FROM-openssl-rand-hex-32";

    @Test
    void theLeasedSdlIsTheExample() throws Exception {
        String example = Files.readString(Fixtures.repositoryRoot().resolve("examples/inference.yaml"));
        SdlResult fromExample = Sdl.parse(example, "inference.yaml");
        assertThat(fromExample.errors()).isEmpty();
        WorkerSecret secret = WorkerSecret.random(new SecureRandom());
        String leased =
                new MarketLeaser(null, null, new Coin("uusd", 1), 1_000).sdl(GatewayHarness.tinyOffer(1, 1), secret);
        // Each lease has its own secret where the example has a placeholder; everything else is the same.
        assertThat(leased).contains(WorkerSecret.ENV + "=" + secret.hex());
        leased = leased.replace(secret.hex(), EXAMPLE_SECRET);
        SdlResult fromGateway = Sdl.parse(leased, "replica.yaml");
        assertThat(fromGateway.errors()).isEmpty();
        SdlDocument a = fromExample.document();
        SdlDocument b = fromGateway.document();
        assertThat(b.groups()).isEqualTo(a.groups());
        assertThat(b.manifestVersion().hex()).isEqualTo(a.manifestVersion().hex());
    }
}
