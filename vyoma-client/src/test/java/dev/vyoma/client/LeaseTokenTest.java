package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LeaseTokenTest {
    @Test
    void aPayloadThatIsNotUtf8IsRefusedAsSuch() {
        byte[] head = "{\"v\":1,\"lease\":\"a".getBytes(StandardCharsets.US_ASCII);
        byte[] overlong = {(byte) 0xF0, (byte) 0x8B, (byte) 0x8B, (byte) 0x93};
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[head.length + overlong.length + tail.length];
        System.arraycopy(head, 0, payload, 0, head.length);
        System.arraycopy(overlong, 0, payload, head.length, overlong.length);
        System.arraycopy(tail, 0, payload, head.length + overlong.length, tail.length);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString(payload) + "." + b64.encodeToString(new byte[64]);
        Address provider = KeyPair.fromSeed(new byte[32]).address();
        assertThatThrownBy(() -> LeaseToken.verify(token, provider, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a lease token: the payload is not UTF-8 text");
    }
}
