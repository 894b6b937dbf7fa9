package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Ids read from the node's JSON are exact: a field that is not a whole number in range is an error, not a 0. */
class ChainIdsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Address address(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), 32))
                .address();
    }

    private final Address owner = address("owner");
    private final Address provider = address("provider");

    private String id(String dseq, String gseq, String oseq) {
        return "{\"owner\":\"" + owner + "\",\"dseq\":" + dseq + ",\"gseq\":" + gseq + ",\"oseq\":" + oseq
                + ",\"provider\":\"" + provider + "\"}";
    }

    @Test
    void theNodesIdsReadBackExactly() {
        BidId id = ChainIds.bidId(JSON.readTree(id("70", "1", "2")));
        assertThat(id).isEqualTo(new BidId(new OrderId(new GroupId(new DeploymentId(owner, 70), 1), 2), provider));
    }

    @Test
    void anythingButAWholeNumberInRangeIsABadAnswer() {
        for (String[] bad : List.of(
                new String[] {"\"070\"", "1", "1"},
                new String[] {"70.5", "1", "1"},
                new String[] {"0", "1", "1"},
                new String[] {"-70", "1", "1"},
                new String[] {"null", "1", "1"},
                new String[] {"70", "4294967297", "1"},
                new String[] {"70", "1", "true"},
                new String[] {"92233720368547758070", "1", "1"})) {
            assertThatThrownBy(() -> ChainIds.bidId(JSON.readTree(id(bad[0], bad[1], bad[2]))))
                    .as(String.join(",", bad))
                    .isInstanceOf(VyomaClient.NodeException.class)
                    .hasMessageContaining("the node answered an id that is not valid");
        }
        assertThatThrownBy(() -> ChainIds.bidId(JSON.readTree("{\"dseq\":70}")))
                .hasMessageContaining("owner is missing");
        assertThatThrownBy(() -> ChainIds.bidId(JSON.readTree(id("70", "1", "1").replace(provider.toString(), "x"))))
                .hasMessageContaining("provider: not a vyoma address");
    }
}
