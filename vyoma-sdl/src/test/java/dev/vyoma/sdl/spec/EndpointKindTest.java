package dev.vyoma.sdl.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EndpointKindTest {

    @Test
    void aKindIsFoundByAkashsProtobufNumber() {
        assertThat(EndpointKind.ofCode(0)).contains(EndpointKind.SHARED_HTTP);
        assertThat(EndpointKind.ofCode(1)).contains(EndpointKind.RANDOM_PORT);
        assertThat(EndpointKind.ofCode(2)).contains(EndpointKind.LEASED_IP);
        for (EndpointKind k : EndpointKind.values()) {
            assertThat(EndpointKind.ofCode(k.code())).contains(k);
        }
        assertThat(EndpointKind.maxCode()).isEqualTo(2);
    }

    @Test
    void aNumberNoKindHasFindsNone() {
        for (long code : new long[] {-1, 3, Integer.MAX_VALUE + 1L, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThat(EndpointKind.ofCode(code)).as("code %d", code).isEmpty();
        }
    }
}
