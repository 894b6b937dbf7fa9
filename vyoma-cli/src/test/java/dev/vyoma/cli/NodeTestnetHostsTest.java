package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.node.NodeHome;
import dev.vyoma.node.membership.HostPort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vyoma node testnet --hosts … --listen-host …} and {@code vyoma node init --api-listen …}: homes for machines. */
class NodeTestnetHostsTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void homesForThreeMachinesNameEachOthersAddressesAndListenOnAllInterfaces() throws Exception {
        Run r = run(
                "node",
                "testnet",
                "--validators",
                "3",
                "--output-dir",
                dir.resolve("net").toString(),
                "--hosts",
                "10.0.0.1,10.0.0.2,10.0.0.3",
                "--listen-host",
                "0.0.0.0",
                "-o",
                "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("10.0.0.3:26658");
        NodeHome.Settings s = NodeHome.at(dir.resolve("net/node2")).settings();
        assertThat(s.self().raftAddress()).isEqualTo("10.0.0.3:26658");
        assertThat(s.self().apiAddress()).isEqualTo("10.0.0.3:26758");
        assertThat(s.apiListen()).isEqualTo(new HostPort("0.0.0.0", 26758));
        assertThat(s.raftListen()).contains(new HostPort("0.0.0.0", 26658));
        assertThat(s.otherApis()).containsEntry("n0", "10.0.0.1:26756");
    }

    @Test
    void aHostListThatDoesNotFitIsRefused() {
        Run few = run(
                "node",
                "testnet",
                "--validators",
                "3",
                "--output-dir",
                dir.resolve("a").toString(),
                "--hosts",
                "10.0.0.1,10.0.0.2");
        assertThat(few.exitCode()).isEqualTo(1);
        assertThat(few.err()).contains("--hosts lists 2 hosts for 3 validators");
        Run bad = run(
                "node",
                "testnet",
                "--validators",
                "1",
                "--output-dir",
                dir.resolve("b").toString(),
                "--hosts",
                "not a host");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("a host is a DNS name or an IP address");
    }

    @Test
    void initTakesListenAddressesAndRefusesBadOnes() throws Exception {
        Run ok = run("node", "init", "--home", dir.resolve("h").toString(), "--api-listen", "0.0.0.0:1317");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(NodeHome.at(dir.resolve("h")).settings().apiListen()).isEqualTo(new HostPort("0.0.0.0", 1317));
        Run bad = run("node", "init", "--home", dir.resolve("i").toString(), "--raft-listen", "0.0.0.0");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("--raft-listen must be host:port");
        // Port 0 stays allowed for the API (a one-node chain listening on any free port); past 65535 is refused.
        Run badAddress = run("node", "init", "--home", dir.resolve("j").toString(), "--api-address", "127.0.0.1:70000");
        assertThat(badAddress.exitCode()).isEqualTo(1);
        assertThat(badAddress.err()).contains("apiAddress: the port must be 0 to 65535, got \"70000\"");
    }
}
