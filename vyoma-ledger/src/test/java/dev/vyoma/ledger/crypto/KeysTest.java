package dev.vyoma.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The key and signature records: lengths, copies, equality, and secrets kept out of {@code toString}. */
class KeysTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    @Test
    void theSeedIsNeverPrinted() {
        KeyPair pair = KeyPair.fromSeed(HEX.parseHex(SEED));

        assertThat(pair.privateKey()).hasToString("PrivateKey[redacted]");
        assertThat(pair.toString())
                .doesNotContain(SEED)
                .contains("redacted")
                .contains("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    }

    @Test
    void eachTypeHasItsLength() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PublicKey(new byte[31]))
                .withMessage("an Ed25519 public key is 32 bytes, got 31");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PrivateKey(new byte[33]))
                .withMessage("an Ed25519 private key seed is 32 bytes, got 33");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyPair.fromSeed(new byte[64]))
                .withMessage("an Ed25519 private key seed is 32 bytes, got 64");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Signature(new byte[63]))
                .withMessage("an Ed25519 signature is 64 bytes, got 63");
    }

    @Test
    void aKeyPairMustMatch() {
        KeyPair pair = KeyPair.fromSeed(HEX.parseHex(SEED));
        PublicKey otherKey = KeyPair.fromSeed(new byte[32]).publicKey();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new KeyPair(pair.privateKey(), otherKey))
                .withMessage("the public key does not belong to the private key");
        assertThat(new KeyPair(pair.privateKey(), pair.publicKey())).isEqualTo(pair);
        assertThat(pair.address()).isEqualTo(Address.of(pair.publicKey()));
    }

    @Test
    void recordsCopyTheirBytesAndCompareByContent() {
        byte[] seed = HEX.parseHex(SEED);
        PrivateKey key = new PrivateKey(seed);
        seed[0] ^= 1;
        key.seed()[1] ^= 1;
        assertThat(key).isEqualTo(new PrivateKey(HEX.parseHex(SEED)));
        assertThat(key.hashCode()).isEqualTo(new PrivateKey(HEX.parseHex(SEED)).hashCode());

        byte[] signatureBytes = new byte[64];
        Signature signature = new Signature(signatureBytes);
        signatureBytes[0] = 1;
        signature.bytes()[1] = 1;
        assertThat(signature).isEqualTo(new Signature(new byte[64])).hasSameHashCodeAs(new Signature(new byte[64]));

        byte[] publicBytes = new byte[32];
        PublicKey publicKey = new PublicKey(publicBytes);
        publicBytes[0] = 1;
        publicKey.bytes()[1] = 1;
        assertThat(publicKey).isEqualTo(new PublicKey(new byte[32])).hasSameHashCodeAs(new PublicKey(new byte[32]));
        assertThat(publicKey).isNotEqualTo(new PublicKey(publicBytes));
    }
}
