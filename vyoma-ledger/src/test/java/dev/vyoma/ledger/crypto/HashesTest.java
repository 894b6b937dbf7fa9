package dev.vyoma.ledger.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** SHA-256 known answers (FIPS 180-2 examples), concatenation of parts, and use from many threads. */
class HashesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void knownAnswers() {
        assertThat(HEX.formatHex(Hashes.sha256()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(HEX.formatHex(Hashes.sha256("abc".getBytes(US_ASCII)))).isEqualTo(ABC);
        assertThat(HEX.formatHex(
                        Hashes.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(US_ASCII))))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    @Test
    void partsAreHashedAsTheirConcatenation() {
        byte[] a = {'a'};
        byte[] bc = {'b', 'c'};

        assertThat(HEX.formatHex(Hashes.sha256(a, new byte[0], bc))).isEqualTo(ABC);
        assertThat(Hashes.sha256(a, bc)).hasSize(Hashes.SHA256_BYTES);
    }

    @Test
    void manyThreadsGetTheSameAnswers() {
        List<String> digests = IntStream.range(0, 20_000)
                .parallel()
                .mapToObj(i -> HEX.formatHex(Hashes.sha256("a".getBytes(US_ASCII), "bc".getBytes(US_ASCII))))
                .distinct()
                .toList();

        assertThat(digests).containsExactly(ABC);
    }
}
