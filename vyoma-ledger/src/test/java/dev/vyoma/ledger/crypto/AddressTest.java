package dev.vyoma.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.vyoma.testkit.Seeds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The text form, parsing, derivation from a key, and ordering of {@link Address}. */
class AddressTest {
    private static final int CASES = Integer.getInteger("test.cases", 500);
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void theTextFormIsBech32WithTheVyomaPrefix() {
        // Expected strings computed with an independent bech32 implementation.
        assertThat(Address.MIN).hasToString("vyoma1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqgvv94y");
        assertThat(address(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19))
                .hasToString("vyoma1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnceaqrq");
        assertThat(new Address(HEX.parseHex("ff".repeat(20))))
                .hasToString("vyoma1llllllllllllllllllllllllllllllllyad2jw");
    }

    @Test
    void theAddressOfAKeyIsTheFirstTwentyBytesOfItsSha256() {
        // The public key of RFC 8032's TEST 1.
        PublicKey key = new PublicKey(HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));

        Address address = Address.of(key);

        assertThat(address.bytes()).isEqualTo(HEX.parseHex("21fe31dfa154a261626bf854046fd2271b7bed4b"));
        assertThat(address).hasToString("vyoma1y8lrrhap2j3xzcntlp2qgm7jyudhhm2tr3mvwq");
        assertThat(key.address()).isEqualTo(address);
    }

    @Test
    void parseAcceptsEitherCase() {
        assertThat(Address.parse("vyoma1y8lrrhap2j3xzcntlp2qgm7jyudhhm2tr3mvwq"))
                .isEqualTo(new Address(HEX.parseHex("21fe31dfa154a261626bf854046fd2271b7bed4b")));
        assertThat(Address.parse("VYOMA1Y8LRRHAP2J3XZCNTLP2QGM7JYUDHHM2TR3MVWQ"))
                .hasToString("vyoma1y8lrrhap2j3xzcntlp2qgm7jyudhhm2tr3mvwq");
    }

    @Test
    void parseSaysWhatIsWrong() {
        String akash = Bech32.encode("akash", HEX.parseHex("21fe31dfa154a261626bf854046fd2271b7bed4b"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse(akash))
                .withMessage("not a vyoma address: expected prefix vyoma1, got akash1…");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse("vyoma1y8lrrhap2j3xzcntlp2qgm7jyudhhm2tr3mvwp"))
                .withMessage("not a vyoma address: checksum does not match; the address has a typo");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse("vyoma1Y8lrrhap2j3xzcntlp2qgm7jyudhhm2tr3mvwq"))
                .withMessage("not a vyoma address: mixed case: write it all in lowercase or all in uppercase");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse("vyoma1y8lrrhap2j3xzcntlp2qgm7jyudhhm2tr3mvbq"))
                .withMessage("not a vyoma address: invalid character 'b' at position 42");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse(Bech32.encode("vyoma", new byte[32])))
                .withMessage("not a vyoma address: expected 20 bytes, got 32");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse(Bech32.encode("vyoma", new byte[19])))
                .withMessage("not a vyoma address: expected 20 bytes, got 19");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Address.parse(Bech32.encodeWords("vyoma", new byte[] {0})))
                .withMessage("not a vyoma address: invalid padding: 5 bits left over after the last byte, at most 4");
    }

    @Test
    void anAddressIsExactlyTwentyBytes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Address(new byte[19]))
                .withMessage("an address is 20 bytes, got 19");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Address(new byte[21]))
                .withMessage("an address is 20 bytes, got 21");
    }

    @Test
    void addressesOrderByUnsignedBytes() {
        Address low = address(0x7f);
        Address high = address(0x80);

        assertThat(low).isLessThan(high);
        assertThat(Address.MIN).isLessThan(low);
        assertThat(high.compareTo(new Address(high.bytes()))).isZero();
    }

    @Test
    void orderMatchesTheOrderOfTheHexForm() {
        long seed = Seeds.seed("AddressTest.orderMatchesTheOrderOfTheHexForm");
        SplittableRandom random = Seeds.random(seed);
        List<Address> addresses = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            addresses.add(randomAddress(random));
        }

        List<Address> byOrder = addresses.stream().sorted().toList();
        List<Address> byHex = addresses.stream()
                .sorted(Comparator.comparing(a -> HEX.formatHex(a.bytes())))
                .toList();

        assertThat(byOrder)
                .as(Seeds.replay("orderMatchesTheOrderOfTheHexForm", seed))
                .isEqualTo(byHex);
    }

    @Test
    void randomAddressesRoundTripThroughText() {
        long seed = Seeds.seed("AddressTest.randomAddressesRoundTripThroughText");
        SplittableRandom random = Seeds.random(seed);
        for (int i = 0; i < CASES; i++) {
            Address address = randomAddress(random);
            String text = address.toString();

            assertThat(text)
                    .as(Seeds.replay("randomAddressesRoundTripThroughText", seed))
                    .startsWith("vyoma1")
                    .hasSize(44);
            assertThat(Address.parse(text))
                    .as(Seeds.replay("randomAddressesRoundTripThroughText", seed))
                    .isEqualTo(address);
        }
    }

    @Test
    void equalityIsOnContentAndTheBytesAreCopied() {
        byte[] bytes = new byte[20];
        bytes[0] = 1;
        Address address = new Address(bytes);
        bytes[0] = 2;
        address.bytes()[0] = 3;

        assertThat(address).isEqualTo(address(1)).hasSameHashCodeAs(address(1)).isNotEqualTo(address(2));
    }

    /** An address whose first bytes are {@code first}, the rest zero. */
    private static Address address(int... first) {
        byte[] bytes = new byte[Address.LENGTH_BYTES];
        for (int i = 0; i < first.length; i++) {
            bytes[i] = (byte) first[i];
        }
        return new Address(bytes);
    }

    private static Address randomAddress(SplittableRandom random) {
        byte[] bytes = new byte[Address.LENGTH_BYTES];
        random.nextBytes(bytes);
        return new Address(bytes);
    }

    @Test
    void ordersAsUnsignedBytesAndHashesByContent() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261201);
        byte[][] interesting = {new byte[20], new byte[20], new byte[20]};
        java.util.Arrays.fill(interesting[1], (byte) 0xFF);
        interesting[2][19] = (byte) 0x80;
        java.util.List<byte[]> all = new java.util.ArrayList<>(java.util.List.of(interesting));
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[20];
            random.nextBytes(b);
            all.add(b);
            // Neighbours that differ in one byte only, at every position, with the high bit set or not.
            byte[] c = b.clone();
            c[random.nextInt(20)] ^= (byte) (random.nextBoolean() ? 0x80 : 0x01);
            all.add(c);
        }
        for (byte[] x : all) {
            for (byte[] y : all.subList(0, 40)) {
                Address a = new Address(x);
                Address b = new Address(y);
                org.assertj.core.api.Assertions.assertThat(Integer.signum(a.compareTo(b)))
                        .isEqualTo(Integer.signum(java.util.Arrays.compareUnsigned(x, y)));
                org.assertj.core.api.Assertions.assertThat(a.equals(b)).isEqualTo(java.util.Arrays.equals(x, y));
                if (a.equals(b)) {
                    org.assertj.core.api.Assertions.assertThat(a.hashCode()).isEqualTo(b.hashCode());
                }
                if (Long.compare(a.orderPrefix(), b.orderPrefix()) != 0) {
                    org.assertj.core.api.Assertions.assertThat(
                                    Long.signum(Long.compare(a.orderPrefix(), b.orderPrefix())))
                            .isEqualTo(Integer.signum(a.compareTo(b)));
                }
            }
        }
    }
}
