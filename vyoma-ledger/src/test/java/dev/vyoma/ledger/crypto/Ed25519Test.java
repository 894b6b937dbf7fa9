package dev.vyoma.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Seeds;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8032's test vectors, tampering, malformed input and seeded sign/verify properties of {@link Ed25519}. */
class Ed25519Test {
    private static final int CASES = Integer.getInteger("test.cases", 200);
    private static final HexFormat HEX = HexFormat.of();

    /** The order of the Ed25519 base point, L = 2^252 + 27742317777372353535851937790883648493. */
    private static final BigInteger GROUP_ORDER =
            BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    /** A test case of RFC 8032 section 7.1, in hex. */
    record Vector(String name, String seed, String publicKey, String message, String signature) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Vector> rfc8032() {
        return Stream.of(
                new Vector(
                        "TEST 1",
                        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                        "",
                        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
                new Vector(
                        "TEST 2",
                        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                        "72",
                        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
                new Vector(
                        "TEST 3",
                        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                        "af82",
                        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                                + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"));
    }

    @ParameterizedTest
    @MethodSource("rfc8032")
    void rfc8032VectorsDeriveSignAndVerify(Vector v) {
        KeyPair pair = KeyPair.fromSeed(HEX.parseHex(v.seed()));
        byte[] message = HEX.parseHex(v.message());

        assertThat(pair.publicKey().bytes()).isEqualTo(HEX.parseHex(v.publicKey()));
        Signature signature = Ed25519.sign(pair.privateKey(), message);
        assertThat(signature.bytes()).isEqualTo(HEX.parseHex(v.signature()));
        assertThat(Ed25519.verify(pair.publicKey(), message, signature)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("rfc8032")
    void anyFlippedBitOfTheSignatureOrKeyFailsVerification(Vector v) {
        byte[] key = HEX.parseHex(v.publicKey());
        byte[] message = HEX.parseHex(v.message());
        byte[] signature = HEX.parseHex(v.signature());

        for (int bit = 0; bit < signature.length * 8; bit++) {
            assertThat(Ed25519.verify(key, message, flipped(signature, bit)))
                    .as("signature bit %d", bit)
                    .isFalse();
        }
        for (int bit = 0; bit < key.length * 8; bit++) {
            assertThat(Ed25519.verify(flipped(key, bit), message, signature))
                    .as("key bit %d", bit)
                    .isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("rfc8032")
    void anyChangeToTheMessageFailsVerification(Vector v) {
        PublicKey key = new PublicKey(HEX.parseHex(v.publicKey()));
        byte[] message = HEX.parseHex(v.message());
        Signature signature = new Signature(HEX.parseHex(v.signature()));

        for (int bit = 0; bit < message.length * 8; bit++) {
            assertThat(Ed25519.verify(key, flipped(message, bit), signature))
                    .as("message bit %d", bit)
                    .isFalse();
        }
        assertThat(Ed25519.verify(key, Arrays.copyOf(message, message.length + 1), signature))
                .isFalse();
        if (message.length > 0) {
            assertThat(Ed25519.verify(key, Arrays.copyOf(message, message.length - 1), signature))
                    .isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("rfc8032")
    void aMalleatedSignatureWithSPlusTheGroupOrderIsRejected(Vector v) {
        byte[] signature = HEX.parseHex(v.signature());
        byte[] s = Arrays.copyOfRange(signature, 32, 64);
        byte[] sPlusL = littleEndian(littleEndian(s).add(GROUP_ORDER));
        System.arraycopy(sPlusL, 0, signature, 32, 32);

        assertThat(Ed25519.verify(HEX.parseHex(v.publicKey()), HEX.parseHex(v.message()), signature))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0100000000000000000000000000000000000000000000000000000000000000", // identity
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
                "0000000000000000000000000000000000000000000000000000000000000000", // order 4
                "0000000000000000000000000000000000000000000000000000000000000080", // order 4
                "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
                "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
                "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
                "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
            })
    void smallOrderKeysAreRejectedEvenForSignaturesThatWouldOtherwiseCheckOut(String smallOrderKey) {
        // R = identity and S = 0 satisfy [S]B = R + [k]A whenever [k]A is the identity, which for a key of
        // small order happens for many messages; such a key must never verify anything.
        byte[] trivial = new byte[Signature.LENGTH_BYTES];
        trivial[0] = 1;
        for (int m = 0; m < 64; m++) {
            assertThat(Ed25519.verify(HEX.parseHex(smallOrderKey), new byte[] {(byte) m}, trivial))
                    .as("message %d", m)
                    .isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p, i.e. 0
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1, i.e. 1
                "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = 2^255 - 1
            })
    void nonCanonicalKeysAndRAreRejected(String encoding) {
        byte[] trivial = new byte[Signature.LENGTH_BYTES];
        trivial[0] = 1;
        byte[] nonCanonicalR = new byte[Signature.LENGTH_BYTES];
        System.arraycopy(HEX.parseHex(encoding), 0, nonCanonicalR, 0, 32);
        Vector v = rfc8032().findFirst().orElseThrow();

        assertThat(Ed25519.verify(HEX.parseHex(encoding), new byte[0], trivial)).isFalse();
        assertThat(Ed25519.verify(HEX.parseHex(v.publicKey()), new byte[0], nonCanonicalR))
                .isFalse();
    }

    @Test
    void wrongLengthsFailVerificationInsteadOfThrowing() {
        Vector v = rfc8032().findFirst().orElseThrow();
        byte[] key = HEX.parseHex(v.publicKey());
        byte[] signature = HEX.parseHex(v.signature());
        byte[] message = new byte[0];

        assertThat(Ed25519.verify(key, message, signature)).isTrue();
        assertThat(Ed25519.verify(Arrays.copyOf(key, 31), message, signature)).isFalse();
        assertThat(Ed25519.verify(Arrays.copyOf(key, 33), message, signature)).isFalse();
        assertThat(Ed25519.verify(new byte[0], message, signature)).isFalse();
        assertThat(Ed25519.verify(null, message, signature)).isFalse();
        assertThat(Ed25519.verify(key, message, Arrays.copyOf(signature, 63))).isFalse();
        assertThat(Ed25519.verify(key, message, Arrays.copyOf(signature, 65))).isFalse();
        assertThat(Ed25519.verify(key, message, null)).isFalse();
    }

    @Test
    void randomKeysAndSignaturesFailVerificationInsteadOfThrowing() {
        long seed = Seeds.seed("Ed25519Test.randomKeysAndSignaturesFailVerificationInsteadOfThrowing");
        SplittableRandom random = Seeds.random(seed);
        Vector v = rfc8032().findFirst().orElseThrow();
        for (int i = 0; i < CASES; i++) {
            // About half of random encodings are not points on the curve at all.
            byte[] key = new byte[32];
            byte[] signature = new byte[64];
            random.nextBytes(key);
            random.nextBytes(signature);
            String replay = Seeds.replay("randomKeysAndSignaturesFailVerificationInsteadOfThrowing", seed);

            assertThat(Ed25519.verify(key, new byte[0], signature)).as(replay).isFalse();
            assertThat(Ed25519.verify(key, new byte[0], HEX.parseHex(v.signature())))
                    .as(replay)
                    .isFalse();
            assertThat(Ed25519.verify(HEX.parseHex(v.publicKey()), new byte[0], signature))
                    .as(replay)
                    .isFalse();
        }
    }

    @Test
    void signaturesVerifyOnlyForTheirKeyAndMessage() {
        long seed = Seeds.seed("Ed25519Test.signaturesVerifyOnlyForTheirKeyAndMessage");
        SplittableRandom random = Seeds.random(seed);
        String replay = Seeds.replay("signaturesVerifyOnlyForTheirKeyAndMessage", seed);
        for (int i = 0; i < CASES; i++) {
            KeyPair signer = Ed25519.generate(random);
            KeyPair other = Ed25519.generate(random);
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(message);
            byte[] otherMessage = Arrays.copyOf(message, message.length + 1);

            Signature signature = Ed25519.sign(signer.privateKey(), message);

            assertThat(Ed25519.sign(signer.privateKey(), message)).as(replay).isEqualTo(signature);
            assertThat(Ed25519.verify(signer.publicKey(), message, signature))
                    .as(replay)
                    .isTrue();
            assertThat(Ed25519.verify(other.publicKey(), message, signature))
                    .as(replay)
                    .isFalse();
            assertThat(Ed25519.verify(signer.publicKey(), otherMessage, signature))
                    .as(replay)
                    .isFalse();
        }
    }

    @Test
    void generateIsAFunctionOfTheRandomGenerator() {
        KeyPair first = Ed25519.generate(new SplittableRandom(42));
        KeyPair again = Ed25519.generate(new SplittableRandom(42));
        KeyPair other = Ed25519.generate(new SplittableRandom(43));

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(first.publicKey()).isEqualTo(first.privateKey().publicKey());
    }

    private static byte[] flipped(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] bigEndian = bytes.clone();
        for (int i = 0; i < bigEndian.length / 2; i++) {
            byte t = bigEndian[i];
            bigEndian[i] = bigEndian[bigEndian.length - 1 - i];
            bigEndian[bigEndian.length - 1 - i] = t;
        }
        return new BigInteger(1, bigEndian);
    }

    private static byte[] littleEndian(BigInteger value) {
        byte[] out = new byte[32];
        byte[] bigEndian = value.toByteArray();
        for (int i = 0; i < bigEndian.length && i < out.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }
}
