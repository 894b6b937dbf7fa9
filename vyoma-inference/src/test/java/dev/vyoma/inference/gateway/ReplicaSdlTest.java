package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.inference.GatewayHarness;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.testkit.Fixtures;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The replica SDL the gateway leases is valid and has the shape of examples/inference.yaml. */
class ReplicaSdlTest {
    @Test
    void theLeasedSdlIsTheExample() throws Exception {
        String example = Files.readString(Fixtures.repositoryRoot().resolve("examples/inference.yaml"));
        SdlResult fromExample = Sdl.parse(example, "inference.yaml");
        assertThat(fromExample.errors()).isEmpty();
        String leased = new MarketLeaser(null, null, new Coin("uusd", 1), 1_000).sdl(GatewayHarness.tinyOffer(1, 1));
        SdlResult fromGateway = Sdl.parse(leased, "replica.yaml");
        assertThat(fromGateway.errors()).isEmpty();
        SdlDocument a = fromExample.document();
        SdlDocument b = fromGateway.document();
        assertThat(b.groups()).isEqualTo(a.groups());
        assertThat(b.manifestVersion().hex()).isEqualTo(a.manifestVersion().hex());
    }
}
