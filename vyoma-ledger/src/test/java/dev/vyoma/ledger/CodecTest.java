package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.codec.Codec;
import dev.vyoma.ledger.codec.CodecException;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.Hashes;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.escrow.AccountState;
import dev.vyoma.ledger.escrow.Depositor;
import dev.vyoma.ledger.escrow.EscrowAccount;
import dev.vyoma.ledger.market.Bid;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.BidState;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.testkit.Seeds;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
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
                // A flipped byte inside a string or number can decode; then it is a different value, and
                // encoding that value afresh gives exactly these bytes.
                assertThat(new SignedTx(decoded.tx(), decoded.signature()).encode())
                        .as(Seeds.replay("corrupt", seed))
                        .isEqualTo(bad);
            } catch (CodecException | IllegalArgumentException | NullPointerException e) {
                assertThat(e.getMessage()).as(Seeds.replay("corrupt", seed)).isNotNull();
            }
        }
    }

    /**
     * Known answers: the bytes the canonical encoding gave for these values when it was written reflectively,
     * before the encoders were generated per type. Any change to them is a change of the wire and snapshot
     * format (and of every commitment), which needs a new format version, not a silent drift.
     */
    @Test
    void encodingsAreTheKnownAnswers() {
        KeyPair k = KeyPair.fromSeed(Arrays.copyOf("kat".getBytes(StandardCharsets.UTF_8), 32));
        Address owner = k.address();
        // A placement attribute that is not ASCII, so the UTF-8 path of string encoding is covered.
        SdlDocument doc = dev.vyoma.sdl.Sdl.parse(TestChain.webSdl("100", "{region: \"eu-z\u00fcrich\"}"), "kat.yaml")
                .document();
        DeploymentId d = new DeploymentId(owner, 7);
        Tx tx = new Tx(
                "vyoma-kat-1",
                k.publicKey(),
                3,
                new Coin("uvyo", 1000),
                List.of(
                        new Msg.CreateDeployment(
                                d, doc.groups(), doc.manifestVersion().hex(), new Coin("uusd", 5_000_000)),
                        new Msg.CloseBid(new BidId(new OrderId(new GroupId(d, 1), 2), owner), 10001)),
                "memo \u2603");
        SignedTx signed = new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
        assertThat(HexFormat.of().formatHex(Hashes.sha256(signed.encode())))
                .isEqualTo("0942384e77cd694900d5994ed60654966b47c6dbbfe2d7348f0178a7ef075296");
        assertThat(signed.signBytes()).isEqualTo(tx.signBytes());
        assertThat(SignedTx.decode(signed.encode())).isEqualTo(signed);

        BigDecimal funds = new BigDecimal("4999912.500000000000000000");
        EscrowAccount acc = new EscrowAccount(
                d,
                owner,
                AccountState.OPEN,
                "uusd",
                funds,
                List.of(new Depositor(owner, funds)),
                12,
                new BigDecimal("87.500000000000000000"),
                57155);
        assertThat(HexFormat.of().formatHex(Codec.encode(acc, EscrowAccount.class)))
                .isEqualTo("01010101000000147e7b373ab3a453ee8c890f02bd40441b0190ce0d00000000000000070101000000147e7b"
                        + "373ab3a453ee8c890f02bd40441b0190ce0d01000000044f50454e01000000047575736401000000120000000b"
                        + "0422c5ccbb8e3c6e5200000100000001010101000000147e7b373ab3a453ee8c890f02bd40441b0190ce0d0100"
                        + "0000120000000b0422c5ccbb8e3c6e520000000000000000000c01000000120000000904be4e7267b6ae000000"
                        + "0000000000df43");
        Bid bid = new Bid(
                new BidId(new OrderId(new GroupId(d, 1), 1), owner),
                BidState.OPEN,
                new DecCoin("uusd", new BigDecimal("-1.5")),
                new Coin("uvyo", 5),
                3,
                0,
                null);
        assertThat(HexFormat.of().formatHex(Codec.encode(bid, Bid.class)))
                .isEqualTo("01010101010101000000147e7b373ab3a453ee8c890f02bd40441b0190ce0d00000000000000070000000100"
                        + "0000010101000000147e7b373ab3a453ee8c890f02bd40441b0190ce0d01000000044f50454e010100000004757"
                        + "57364010000001200000008eb2eedf284ea00000101000000047576796f000000000000000500000000000000"
                        + "03000000000000000000");
        assertThat(Codec.<Bid>decode(Codec.encode(bid, Bid.class), Bid.class)).isEqualTo(bid);
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

    /** A bid's price as it sits in the encoding: its scale, the length of its unscaled value, that value. */
    private static int priceAt(byte[] wire, BigDecimal price) {
        byte[] unscaled = price.unscaledValue().toByteArray();
        java.nio.ByteBuffer pattern = java.nio.ByteBuffer.allocate(8 + unscaled.length);
        pattern.putInt(price.scale()).putInt(unscaled.length).put(unscaled);
        byte[] p = pattern.array();
        for (int i = 0; i + p.length <= wire.length; i++) {
            if (Arrays.equals(wire, i, i + p.length, p, 0, p.length)) {
                return i;
            }
        }
        throw new AssertionError("price not found in the encoding");
    }

    private static byte[] bidWire(TestChain c, BigDecimal price) {
        OrderId order = new OrderId(new GroupId(new DeploymentId(c.addr("tenant"), 7), 1), 1);
        return c.tx(
                        "provider",
                        new Msg.CreateBid(order, c.addr("provider"), new DecCoin("uusd", price), new Coin("uvyo", 5)))
                .encode();
    }

    /**
     * A price whose scale is -60,000,000 once cost seconds of CPU and gigabytes of memory to decode, before any
     * signature was checked. Only scale 18 decodes now, and the unscaled value has a bound; both are checked
     * before a number is built.
     */
    @Test
    void hostileDecimalsAreRefusedBeforeAnyArithmetic() {
        TestChain c = new TestChain(java.util.Map.of());
        BigDecimal price = new BigDecimal("1.5").setScale(DecCoin.SCALE);
        byte[] wire = bidWire(c, price);
        int at = priceAt(wire, price);
        for (int scale : new int[] {-60_000_000, 0, 17, 19, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            byte[] bad = wire.clone();
            java.nio.ByteBuffer.wrap(bad).putInt(at, scale);
            assertThatThrownBy(() -> SignedTx.decode(bad))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("decimal scale " + scale);
        }
        assertThat(SignedTx.decode(wire).encode()).isEqualTo(wire);
    }

    @Test
    void decimalsAreBoundedAtTheLimitAndOnePast() {
        TestChain c = new TestChain(java.util.Map.of());
        // The largest unscaled value of MAX_DECIMAL_BYTES bytes decodes; one byte more is refused unread.
        BigDecimal largest = new BigDecimal(
                java.math.BigInteger.ONE
                        .shiftLeft(8 * Codec.MAX_DECIMAL_BYTES - 1)
                        .subtract(java.math.BigInteger.ONE),
                DecCoin.SCALE);
        assertThatThrownBy(() -> new DecCoin("uusd", largest))
                .as("a DecCoin has at most %d integer digits", DecCoin.MAX_INTEGER_DIGITS)
                .isInstanceOf(IllegalArgumentException.class);
        BigDecimal atLimit = new BigDecimal("9".repeat(DecCoin.MAX_INTEGER_DIGITS)).setScale(DecCoin.SCALE);
        byte[] wire = bidWire(c, atLimit);
        assertThat(SignedTx.decode(wire).encode()).isEqualTo(wire);
        assertThatThrownBy(() -> new DecCoin("uusd", atLimit.add(BigDecimal.ONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("digits");

        int at = priceAt(wire, atLimit);
        byte[] unscaled = atLimit.unscaledValue().toByteArray();
        java.nio.ByteBuffer grown =
                java.nio.ByteBuffer.allocate(wire.length + Codec.MAX_DECIMAL_BYTES + 1 - unscaled.length);
        grown.put(wire, 0, at + 4).putInt(Codec.MAX_DECIMAL_BYTES + 1).put((byte) 0x7f);
        grown.put(new byte[Codec.MAX_DECIMAL_BYTES])
                .put(wire, at + 8 + unscaled.length, wire.length - at - 8 - unscaled.length);
        assertThatThrownBy(() -> SignedTx.decode(grown.array()))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("decimal of " + (Codec.MAX_DECIMAL_BYTES + 1) + " bytes");

        // Rescaling a hostile amount never happens: the digit bound is checked on the scale first.
        assertThatThrownBy(() -> new DecCoin("uusd", new BigDecimal(java.math.BigInteger.ONE, -60_000_000)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DecCoin("uusd", new BigDecimal(java.math.BigInteger.ONE, Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
