package dev.vyoma.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.machine.Params;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Genesis documents round-trip, and bad ones say what is wrong. */
class GenesisJsonTest {
    @Test
    void roundTripsAndStartsTheSameChain() {
        Genesis g = new Genesis(
                "vyoma-devnet-1",
                1_700_000_000_000L,
                Params.defaults(),
                List.of(new Genesis.Allocation(
                        TestChain.keyFor("a").address(), List.of(new Coin("uusd", 5), new Coin("uvyo", 7)))));
        String json = GenesisJson.write(g);
        Genesis back = GenesisJson.parse(json);
        assertThat(back).isEqualTo(g);
        assertThat(Ledger.fromGenesis(back).state().store.commitment())
                .isEqualTo(Ledger.fromGenesis(g).state().store.commitment());
    }

    @Test
    void missingParamsTakeDefaults() {
        String addr = TestChain.keyFor("a").address().toString();
        Genesis g = GenesisJson.parse(
                "{\"chain_id\":\"c-1\",\"accounts\":[{\"address\":\"" + addr + "\",\"coins\":[\"10uusd\"]}]}");
        assertThat(g.params()).isEqualTo(Params.defaults());
        assertThat(g.accounts().get(0).coins()).containsExactly(new Coin("uusd", 10));
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> GenesisJson.parse("{"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> GenesisJson.parse("{\"accounts\":[]}")).hasMessageContaining("chain_id is missing");
        assertThatThrownBy(() -> GenesisJson.parse("{\"chain_id\":\"c\",\"accounts\":[{\"address\":\"akash1xyz\"}]}"))
                .hasMessageContaining("accounts[0].address: not a vyoma address");
        String addr = TestChain.keyFor("a").address().toString();
        assertThatThrownBy(() -> GenesisJson.parse(
                        "{\"chain_id\":\"c\",\"accounts\":[{\"address\":\"" + addr + "\",\"coins\":[\"ten uusd\"]}]}"))
                .hasMessageContaining("accounts[0].coins");
        assertThatThrownBy(() -> GenesisJson.parse("{\"chain_id\":\"c\",\"params\":{\"min_bid_deposit\":-1}}"))
                .hasMessageContaining("min_bid_deposit");
    }
}
