package dev.vyoma.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.membership.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a node listens and where it is reached: parsed once, refused with a message that says what to fix. */
class ListenAddressTest {
    @TempDir
    Path dir;

    private static Genesis genesis() {
        return new Genesis("listen-test", 1_700_000_000_000L, Params.defaults(), List.of());
    }

    @Test
    void hostPortParsesNamesIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("10.0.0.1:26656", "x", false)).isEqualTo(new HostPort("10.0.0.1", 26656));
        assertThat(HostPort.parse("Node-1.Example.org:1317", "x", false))
                .isEqualTo(new HostPort("node-1.example.org", 1317));
        assertThat(HostPort.parse("[::1]:26656", "x", false)).isEqualTo(new HostPort("::1", 26656));
        assertThat(HostPort.parse("[::1]:26656", "x", false).toString()).isEqualTo("[::1]:26656");
        assertThat(HostPort.parse("0.0.0.0:0", "x", true).port()).isZero();
        assertThat(HostPort.parse("h:65535", "x", false).port()).isEqualTo(65535);
    }

    @Test
    void badAddressesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> HostPort.parse("10.0.0.1", "listen.api", true))
                .hasMessageContaining("listen.api must be host:port");
        assertThatThrownBy(() -> HostPort.parse("10.0.0.1:65536", "listen.api", true))
                .hasMessageContaining("listen.api: the port must be 0 to 65535");
        assertThatThrownBy(() -> HostPort.parse("10.0.0.1:0", "raftAddress", false))
                .hasMessageContaining("the port must be 1 to 65535");
        assertThatThrownBy(() -> HostPort.parse("10.0.0.1:-1", "x", true)).hasMessageContaining("port");
        assertThatThrownBy(() -> HostPort.parse("::1:80", "x", true)).hasMessageContaining("in brackets");
        assertThatThrownBy(() -> HostPort.parse("bad host:80", "x", true))
                .hasMessageContaining("a host is a DNS name or an IP address");
        assertThatThrownBy(() -> HostPort.parse("", "x", true)).hasMessageContaining("it is empty");
        assertThatThrownBy(() -> HostPort.parse("a".repeat(254) + ":1", "x", true))
                .hasMessageContaining("1 to 253 characters");
        assertThat(HostPort.parse("a".repeat(63) + ".b:1", "x", true).host()).hasSize(65);
    }

    @Test
    void aConfigWithoutListenKeepsTodaysAddresses() throws Exception {
        NodeHome home = NodeHome.testnet(dir, "127.0.0.1", List.of(26656), List.of(1317), genesis(), 1_000)
                .get(0);
        assertThat(Files.readString(home.configFile())).doesNotContain("listen");
        NodeHome.Settings s = home.settings();
        assertThat(s.apiListen()).isEqualTo(new HostPort("127.0.0.1", 1317));
        assertThat(s.raftListen()).isEmpty();
        assertThat(home.nodeConfig().raftListen()).isEmpty();
    }

    @Test
    void listenAddressesAreSeparateFromTheAddressesPeersDial() throws Exception {
        List<NodeHome> homes = NodeHome.testnet(
                dir,
                List.of("10.0.0.1", "10.0.0.2"),
                Optional.of("0.0.0.0"),
                List.of(26656, 26657),
                List.of(1317, 1318),
                genesis(),
                500,
                50);
        NodeHome.Settings s = homes.get(1).settings();
        assertThat(s.self().raftAddress()).isEqualTo("10.0.0.2:26657");
        assertThat(s.self().apiAddress()).isEqualTo("10.0.0.2:1318");
        assertThat(s.apiListen()).isEqualTo(new HostPort("0.0.0.0", 1318));
        assertThat(s.raftListen()).contains(new HostPort("0.0.0.0", 26657));
        assertThat(s.otherApis()).containsEntry("n0", "10.0.0.1:1317");
        assertThat(s.snapshotEveryBlocks()).isEqualTo(50);
        assertThat(homes.get(1).nodeConfig().raftListen()).contains(new HostPort("0.0.0.0", 26657));
    }

    @Test
    void badValuesInConfigJsonSayWhichFileAndField() throws Exception {
        NodeHome home = NodeHome.testnet(dir, "127.0.0.1", List.of(26656), List.of(1317), genesis(), 1_000)
                .get(0);
        String config = Files.readString(home.configFile());

        Files.writeString(home.configFile(), config.replaceFirst("\\{", "{\"listen\": {\"api\": \"0.0.0.0:99999\"},"));
        assertThatThrownBy(home::settings)
                .hasMessageContaining("config.json")
                .hasMessageContaining("listen.api: the port must be 0 to 65535");

        Files.writeString(home.configFile(), config.replaceFirst("\\{", "{\"listen\": {\"rpc\": \"0.0.0.0:1\"},"));
        assertThatThrownBy(home::settings).hasMessageContaining("listen has raft and api only, not rpc");

        Files.writeString(home.configFile(), config.replaceFirst("\\{", "{\"listen\": \"0.0.0.0\","));
        assertThatThrownBy(home::settings).hasMessageContaining("listen must be an object");

        Files.writeString(home.configFile(), config.replace("127.0.0.1:26656", "127.0.0.1"));
        assertThatThrownBy(home::settings)
                .hasMessageContaining("config.json")
                .hasMessageContaining("member n0: raftAddress must be host:port");

        Files.writeString(home.configFile(), config.replaceFirst("\\{", "{\"listen\": {\"raft\": \"0.0.0.0:26000\"},"));
        assertThat(home.settings().raftListen()).contains(new HostPort("0.0.0.0", 26000));
        assertThat(home.settings().apiListen()).isEqualTo(new HostPort("127.0.0.1", 1317));
    }
}
