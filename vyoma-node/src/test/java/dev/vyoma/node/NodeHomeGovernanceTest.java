package dev.vyoma.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code operators} and {@code operatorThreshold} in {@code config.json}: how many operators must approve a change. */
class NodeHomeGovernanceTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private static String hex(int i) {
        return HexFormat.of()
                .formatHex(KeyPair.fromSeed(Arrays.copyOf(("op" + i).getBytes(StandardCharsets.UTF_8), 32))
                        .publicKey()
                        .bytes());
    }

    /** A one-member home whose config lists {@code operators} keys and sets the threshold to {@code threshold}. */
    private NodeHome home(int operators, Object threshold) throws Exception {
        NodeHome h = NodeHome.init(
                dir.resolve("h" + System.nanoTime()),
                new NodeHome.Settings(
                        "n0",
                        "v",
                        List.of(new NodeHome.Member("n0", "127.0.0.1:26656", "127.0.0.1:1317")),
                        1_000,
                        10,
                        1_000),
                NodeHome.emptyGenesis("c-1", 0),
                NodeHome.newKey());
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(h.configFile()));
        var list = config.putArray("operators");
        for (int i = 0; i < operators; i++) {
            list.add(hex(i));
        }
        config.remove("operatorThreshold");
        if (threshold != null) {
            config.set("operatorThreshold", JSON.valueToTree(threshold));
        }
        Files.writeString(h.configFile(), JSON.writeValueAsString(config));
        return h;
    }

    @Test
    void anAbsentThresholdIsAMajorityOfTheOperators() throws Exception {
        assertThat(home(1, null).settings().governance().threshold()).isEqualTo(1);
        assertThat(home(2, null).settings().governance().threshold()).isEqualTo(2);
        assertThat(home(3, null).settings().governance().threshold()).isEqualTo(2);
        assertThat(home(4, null).settings().governance().threshold()).isEqualTo(3);
        assertThat(home(5, null).nodeConfig().membership().operatorThreshold()).isEqualTo(3);
    }

    @Test
    void aThresholdSetIsKeptAndWrittenBack() throws Exception {
        NodeHome h = home(3, 3);
        NodeHome.Settings s = h.settings();
        assertThat(s.governance().operatorThreshold()).hasValue(3);
        assertThat(h.nodeConfig().membership().operatorThreshold()).isEqualTo(3);
        assertThat(JSON.readTree(NodeHome.settingsJson(s))
                        .path("operatorThreshold")
                        .asInt())
                .isEqualTo(3);
        assertThat(home(3, 1).settings().governance().threshold()).isEqualTo(1);
    }

    @Test
    void aThresholdOutOfRangeOrNotAWholeNumberIsRefusedNamingTheField() throws Exception {
        for (Object bad : List.of(0, -1, 4, 2.5, "2", true, Long.MAX_VALUE, List.of(2))) {
            NodeHome h = home(3, bad);
            assertThatThrownBy(h::settings)
                    .as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("config.json: operatorThreshold must be a whole number from 1 to the number"
                            + " of operators (3)");
            assertThatThrownBy(h::nodeConfig).as(String.valueOf(bad)).hasMessageContaining("operatorThreshold");
        }
    }

    @Test
    void anOperatorListedTwiceIsRefused() throws Exception {
        NodeHome h = home(2, null);
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(h.configFile()));
        config.putArray("operators").add(hex(0)).add(hex(0));
        Files.writeString(h.configFile(), JSON.writeValueAsString(config));
        assertThatThrownBy(h::settings).hasMessageContaining("listed twice");
    }

    @Test
    void aTestnetWritesAMajorityAndInitMajorityOfItsOperators() throws Exception {
        List<NodeHome> homes = NodeHome.testnet(
                dir.resolve("net"),
                List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"),
                Optional.empty(),
                List.of(30001, 30002, 30003),
                List.of(30101, 30102, 30103),
                NodeHome.emptyGenesis("c-1", 0),
                1_000,
                1_000);
        for (NodeHome h : homes) {
            var config = JSON.readTree(Files.readString(h.configFile()));
            assertThat(config.path("operators").size()).isEqualTo(3);
            assertThat(config.path("operatorThreshold").asInt()).isEqualTo(2);
        }
        // init: the node's own key joins the operators given, and an explicit threshold counts it.
        NodeHome.Settings one = new NodeHome.Settings(
                        "n9",
                        "v",
                        List.of(new NodeHome.Member("n9", "127.0.0.1:26656", "127.0.0.1:1317")),
                        1_000,
                        10,
                        1_000)
                .with(new Governance(List.of(hex(1), hex(2)), OptionalInt.empty(), true, 16L << 20));
        NodeHome joined = NodeHome.init(dir.resolve("join"), one, NodeHome.emptyGenesis("c-1", 0), NodeHome.newKey());
        assertThat(JSON.readTree(Files.readString(joined.configFile()))
                        .path("operatorThreshold")
                        .asInt())
                .isEqualTo(2);
        assertThatThrownBy(() -> new Governance(List.of(hex(1)), OptionalInt.of(2), false, 16L << 20))
                .hasMessageContaining("operatorThreshold must be a whole number from 1 to the number of operators (1)");
    }
}
