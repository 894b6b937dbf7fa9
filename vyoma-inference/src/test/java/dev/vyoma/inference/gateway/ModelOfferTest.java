package dev.vyoma.inference.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --model ID=IMAGE,in=PRICE,out=PRICE[,context=N][,min=N][,max=N]}: what it reads, and what it refuses. */
class ModelOfferTest {
    @Test
    void readsEveryField() {
        assertThat(ModelOffer.parse("llama-3-8b=ghcr.io/x/worker:1,in=100,out=300,context=4096,min=0,max=4"))
                .isEqualTo(new ModelOffer("llama-3-8b", "ghcr.io/x/worker:1", 100, 300, 4096, 0, 4));
        assertThat(ModelOffer.parse("m=img,in=1,out=2")).isEqualTo(new ModelOffer("m", "img", 1, 2, 2048, 1, 2));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "m=img,in=1,out=2,|model m:  is not KEY=VALUE",
                "m=img,,in=1,out=2|model m:  is not KEY=VALUE",
                "m=,in=1,out=2|model m: the image comes first, after m=",
                "m=img,in=1,out=2,context=4294967304|model m: context is too large, got 4294967304",
                "m=img,in=1,out=2,max=-9999999999|model m: max is too large, got -9999999999",
                "m=img,in=1|model m: give in=PRICE and out=PRICE (micro-units per million tokens)",
                "m=img,in=1,out=x|model m: out is a whole number, got x",
                "m=img,in=1,out=2,colour=3|model m: unknown colour; use in, out, context, min, max",
            })
    void refusesWhatItCannotReadExactly(String spec, String message) {
        assertThatThrownBy(() -> ModelOffer.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}
