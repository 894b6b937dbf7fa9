package dev.vyoma.ledger.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.Hashes;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Fuzzes the transaction decoder with the bytes a client posts to {@code /v1/txs}: every input is either refused
 * with a {@link CodecException} whose message is one bounded line, or decodes to a transaction whose one
 * encoding is exactly the input, so no transaction can travel under two names. Plain {@code mvn verify} runs the
 * kept inputs under {@code SignedTxFuzzTestInputs}; {@code bin/fuzz SignedTxFuzzTest SECONDS} fuzzes.
 */
@Isolated
class SignedTxFuzzTest {
    @FuzzTest
    void decode(byte[] wire) {
        SignedTx tx;
        try {
            tx = SignedTx.decode(wire);
        } catch (CodecException e) {
            assertRefusal(e);
            return;
        }
        // The one encoding of the value is the input itself, and its name is the input's hash.
        assertThat(tx.encode()).isEqualTo(wire);
        assertThat(tx.wireLength()).isEqualTo(wire.length);
        assertThat(tx.hash()).isEqualTo(Hashes.sha256(wire));
        assertThat(SignedTx.decode(tx.encode())).isEqualTo(tx);
        // What the signature signs, cut from the wire, is what the transaction's own encoding gives.
        assertThat(tx.signBytes()).isEqualTo(tx.tx().signBytes());
        assertThat(tx.encode()[0]).isEqualTo((byte) Tx.VERSION);
        // Checking the signature of a hostile transaction answers, whatever the key and signature bytes hold.
        Ed25519.verify(tx.tx().signer(), tx.signBytes(), tx.signature());
        // Encoding the decoded value again, as a block does, gives the same bytes.
        assertThat(new SignedTx(tx.tx(), tx.signature()).encode()).isEqualTo(wire);
    }

    /** A refusal says what is wrong in one bounded line, however long or strange the input it quotes. */
    static void assertRefusal(CodecException e) {
        assertThat(e.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(CodecException.MAX_MESSAGE_CHARS + 1);
        assertThat(e.getMessage().chars().noneMatch(Character::isISOControl))
                .as("one line: %s", e.getMessage())
                .isTrue();
    }
}
