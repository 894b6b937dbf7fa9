package dev.vyoma.ledger.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.testkit.Seeds;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The LtHash sums lanes four to a {@code long}; here it is checked against the definition computed one
 * 16-bit lane at a time, and for the properties the commitment relies on: order does not matter, removing
 * undoes adding, and partial sums add up to the whole.
 */
class LtHashTest {
    /** The definition: lane i is the big-endian 16-bit word at byte 2i of AES-256-CTR(key = digest, IV = 0). */
    private static final class Reference {
        final short[] lanes = new short[LtHash.LANES];

        void apply(byte[] digest, int sign) throws Exception {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(digest, "AES"), new IvParameterSpec(new byte[16]));
            byte[] ks = aes.doFinal(new byte[LtHash.LANES * 2]);
            for (int i = 0; i < LtHash.LANES; i++) {
                short v = (short) (((ks[2 * i] & 0xFF) << 8) | (ks[2 * i + 1] & 0xFF));
                lanes[i] = (short) (lanes[i] + sign * v);
            }
        }

        byte[] bytes() {
            byte[] out = new byte[LtHash.LANES * 2];
            for (int i = 0; i < LtHash.LANES; i++) {
                out[2 * i] = (byte) (lanes[i] >>> 8);
                out[2 * i + 1] = (byte) lanes[i];
            }
            return out;
        }
    }

    @Test
    void lanesAreTheLaneByLaneSums() throws Exception {
        long seed = Seeds.seed("LtHashTest.lanes");
        SplittableRandom random = Seeds.random(seed);
        LtHash hash = new LtHash();
        Reference reference = new Reference();
        for (int i = 0; i < 300; i++) {
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            if (random.nextInt(3) == 0) {
                hash.removeDigest(digest);
                reference.apply(digest, -1);
            } else {
                hash.addDigest(digest);
                reference.apply(digest, 1);
            }
            assertThat(hash.lanesBytes()).as(Seeds.replay("lanes", seed)).isEqualTo(reference.bytes());
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertThat(hash.digest()).isEqualTo(sha.digest(reference.bytes()));
    }

    @Test
    void carriesStopAtLaneBoundaries() throws Exception {
        // Every lane wraps around many times: 5,000 additions of expansions near the lanes' extremes.
        LtHash hash = new LtHash();
        Reference reference = new Reference();
        byte[] digest = new byte[32];
        for (int i = 0; i < 5_000; i++) {
            digest[i % 32] ^= (byte) (i * 31 + 7);
            hash.addDigest(digest);
            reference.apply(digest, 1);
        }
        assertThat(hash.lanesBytes()).isEqualTo(reference.bytes());
    }

    @Test
    void orderDoesNotMatterAndRemovingUndoesAdding() {
        long seed = Seeds.seed("LtHashTest.order");
        SplittableRandom random = Seeds.random(seed);
        List<byte[]> elements = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] d = new byte[32];
            random.nextBytes(d);
            elements.add(d);
        }
        LtHash forward = new LtHash();
        elements.forEach(forward::addDigest);
        List<byte[]> shuffled = new ArrayList<>(elements);
        Collections.shuffle(shuffled, new java.util.Random(seed));
        LtHash backward = new LtHash();
        shuffled.forEach(backward::addDigest);
        assertThat(backward.sameAs(forward)).as(Seeds.replay("order", seed)).isTrue();

        LtHash partA = new LtHash();
        LtHash partB = new LtHash();
        for (int i = 0; i < elements.size(); i++) {
            (i % 2 == 0 ? partA : partB).addDigest(elements.get(i));
        }
        partA.addAll(partB);
        assertThat(partA.sameAs(forward)).isTrue();

        byte[] empty = new LtHash().digest();
        elements.forEach(forward::removeDigest);
        assertThat(forward.digest()).isEqualTo(empty);
        partB.clear();
        assertThat(partB.digest()).isEqualTo(empty);
    }

    @Test
    void elementDigestIsLengthPrefixed() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        // "ab" + "c" and "a" + "bc" are different elements.
        byte[] one = LtHash.elementDigest(sha, "ab".getBytes(), "c".getBytes());
        byte[] two = LtHash.elementDigest(sha, "a".getBytes(), "bc".getBytes());
        assertThat(one).isNotEqualTo(two);
        assertThat(HexFormat.of().formatHex(one))
                .isEqualTo(HexFormat.of()
                        .formatHex(sha.digest(HexFormat.of().parseHex("00000002" + "6162" + "00000001" + "63"))));
    }
}
