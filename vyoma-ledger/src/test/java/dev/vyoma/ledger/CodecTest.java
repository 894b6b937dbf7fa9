package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.testkit.Seeds;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Transactions encode canonically, decode to equal values, and corrupt bytes are refused cleanly. */
class CodecTest {
    private static SignedTx sample(TestChain c) {
        SdlDocument doc = TestChain.sdl("100");
        return c.tx(
                "tenant",
                new Msg.CreateDeployment(
                        new DeploymentId(c.addr("tenant"), 7),
                        doc.groups(),
                        doc.manifestVersion().hex(),
                        new Coin("uusd", 1)),
                new Msg.Send(c.addr("tenant"), c.addr("other"), new Coin("uvyo", 3)));
    }

    @Test
    void roundTripsEveryField() {
        TestChain c = new TestChain(java.util.Map.of());
        SignedTx tx = sample(c);
        byte[] wire = tx.encode();
        SignedTx back = SignedTx.decode(wire);
        assertThat(back).isEqualTo(tx);
        assertThat(back.encode()).isEqualTo(wire);
        assertThat(back.tx().signBytes()).isEqualTo(tx.tx().signBytes());
    }

    @Test
    void corruptBytesNeverDecodeToAnotherTransactionSilently() {
        long seed = Seeds.seed("CodecTest.corrupt");
        SplittableRandom random = Seeds.random(seed);
        TestChain c = new TestChain(java.util.Map.of());
        byte[] wire = sample(c).encode();
        for (int i = 0; i < 1_000; i++) {
            byte[] bad = Arrays.copyOf(wire, wire.length);
            int cuts = random.nextInt(3);
            if (cuts == 0) {
                bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
            } else if (cuts == 1) {
                bad = Arrays.copyOf(bad, random.nextInt(bad.length));
            } else {
                bad = Arrays.copyOf(bad, bad.length + 1 + random.nextInt(8));
            }
            try {
                SignedTx decoded = SignedTx.decode(bad);
                // A flipped byte inside a string or number can decode; then it is a different, re-encodable value.
                assertThat(decoded.encode()).as(Seeds.replay("corrupt", seed)).isEqualTo(bad);
            } catch (CodecException | IllegalArgumentException | NullPointerException e) {
                assertThat(e.getMessage()).as(Seeds.replay("corrupt", seed)).isNotNull();
            }
        }
    }

    @Test
    void otherVersionsAreRefused() {
        TestChain c = new TestChain(java.util.Map.of());
        byte[] wire = sample(c).encode();
        wire[0] = 2;
        assertThatThrownBy(() -> SignedTx.decode(wire))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> SignedTx.decode(new byte[0])).isInstanceOf(CodecException.class);
        assertThat(List.of()).isEmpty();
    }
}
