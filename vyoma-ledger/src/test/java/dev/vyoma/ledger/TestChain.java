package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A ledger driven block by block from tests, with named key pairs and signing helpers. */
final class TestChain {
    static final String CHAIN_ID = "vyoma-test-1";
    static final long BLOCK_MILLIS = 6_000;

    final Ledger ledger;
    final Map<String, KeyPair> keys = new HashMap<>();
    final Map<Address, Long> nextSequence = new HashMap<>();
    BlockResult last;
    boolean checkInvariants = true;

    TestChain(Map<String, List<Coin>> funded) {
        List<Genesis.Allocation> allocations = new ArrayList<>();
        for (var e : funded.entrySet()) {
            allocations.add(new Genesis.Allocation(key(e.getKey()).address(), e.getValue()));
        }
        ledger = Ledger.fromGenesis(new Genesis(CHAIN_ID, 1_700_000_000_000L, Params.defaults(), allocations));
    }

    static KeyPair keyFor(String name) {
        byte[] seed = Arrays.copyOf(("test-key:" + name).getBytes(StandardCharsets.UTF_8), 32);
        return KeyPair.fromSeed(seed);
    }

    KeyPair key(String name) {
        return keys.computeIfAbsent(name, TestChain::keyFor);
    }

    Address addr(String name) {
        return key(name).address();
    }

    long height() {
        return ledger.state().meta().height();
    }

    long balance(String name, String denom) {
        return new Queries(ledger.state()).balance(addr(name), denom);
    }

    /** A signed transaction from {@code signer} with the next sequence and a fee limit that covers it. */
    SignedTx tx(String signer, Msg... msgs) {
        KeyPair k = key(signer);
        long seq = nextSequence.getOrDefault(k.address(), 0L);
        nextSequence.put(k.address(), seq + 1);
        Tx tx = new Tx(CHAIN_ID, k.publicKey(), seq, new Coin("uvyo", 100_000), List.of(msgs), "");
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }

    /** Applies one block with these transactions. */
    BlockResult block(SignedTx... txs) {
        long h = height() + 1;
        last = ledger.apply(new Block(h, 1_700_000_000_000L + h * BLOCK_MILLIS, addr("validator"), List.of(txs)));
        if (checkInvariants) {
            Invariants.verify(ledger.state());
            Invariants.verifyIndexes(ledger.state());
        }
        return last;
    }

    /** Applies one block with one transaction and requires it to succeed. */
    TxResult ok(SignedTx tx) {
        TxResult r = block(tx).txs().get(0);
        assertThat(r.code()).as(r.log()).isNull();
        return r;
    }

    /** Applies one block with one transaction and requires the given rejection. */
    TxResult rejected(SignedTx tx, ErrorCode code) {
        TxResult r = block(tx).txs().get(0);
        assertThat(r.code()).as(r.log()).isEqualTo(code);
        if (r.charged()) {
            return r;
        }
        // Not admitted: the sequence was not used.
        nextSequence.merge(tx.tx().signer().address(), -1L, Long::sum);
        return r;
    }

    /** Empty blocks until the chain is at {@code height}. */
    void advanceTo(long height) {
        while (height() < height) {
            block();
        }
    }

    /** Group specs of an SDL priced at {@code price} uusd per block. */
    static SdlDocument sdl(String price) {
        return Sdl.parse(webSdl(price, ""), "web.yaml").document();
    }

    /**
     * A one-service web SDL priced at {@code price} uusd per block; {@code placementAttributes}, if not empty,
     * is a YAML flow mapping of the placement's attributes (for example {@code {region: eu}}).
     */
    static String webSdl(String price, String placementAttributes) {
        String attributes = placementAttributes.isEmpty() ? "" : "      attributes: " + placementAttributes + "\n";
        // ATTRIBUTES stands on a line of its own: it becomes the attributes line, or nothing.
        return """
                version: "2.0"
                services:
                  web:
                    image: nginx:1.27
                    expose:
                      - port: 80
                        to:
                          - global: true
                profiles:
                  compute:
                    web:
                      resources:
                        cpu: {units: 1}
                        memory: {size: 512Mi}
                        storage: {size: 1Gi}
                  placement:
                    dc:
                ATTRIBUTES
                      pricing:
                        web: {denom: uusd, amount: PRICE}
                deployment:
                  web:
                    dc: {profile: web, count: 1}
                """.replace("ATTRIBUTES\n", attributes).replace("PRICE", price);
    }
}
