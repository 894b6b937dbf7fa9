package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.node.NodeHome;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.membership.Validators;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code vyoma node init --join}, {@code add-validator} and {@code remove-validator} against two nodes in this JVM: a
 * one-validator chain grows to two and shrinks back, each change signed with the node key in the operator's home.
 */
class ValidatorCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        JsonNode json() {
            return JSON.readTree(out);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static List<Integer> freePorts(int n) throws Exception {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aValidatorJoinsARunningChainAndLeavesIt() throws Exception {
        List<Integer> ports = freePorts(4);
        String raftA = "127.0.0.1:" + ports.get(0);
        String apiA = "127.0.0.1:" + ports.get(1);
        String raftB = "127.0.0.1:" + ports.get(2);
        String apiB = "127.0.0.1:" + ports.get(3);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Run initA = run(
                "node",
                "init",
                "--home",
                a.toString(),
                "--chain-id",
                "vyoma-join-test",
                "--raft-address",
                raftA,
                "--api-address",
                apiA,
                "--block-interval",
                "100ms",
                "-o",
                "json");
        assertThat(initA.exitCode()).as(initA.err()).isZero();
        Run noGenesis = run("node", "init", "--home", b.toString(), "--join", "--node-id", "n1");
        assertThat(noGenesis.exitCode()).isEqualTo(1);
        assertThat(noGenesis.err()).contains("--join needs --genesis");
        Run initB = run(
                "node",
                "init",
                "--home",
                b.toString(),
                "--join",
                "--genesis",
                a.resolve("genesis.json").toString(),
                "--node-id",
                "n1",
                "--raft-address",
                raftB,
                "--api-address",
                apiB,
                "--block-interval",
                "100ms",
                "-o",
                "json");
        assertThat(initB.exitCode()).as(initB.err()).isZero();
        assertThat(initB.json().path("chainId").asString()).isEqualTo("vyoma-join-test");
        assertThat(initB.json().path("next").asString()).contains("vyoma node add-validator");

        try (Node nodeA = Node.start(NodeHome.at(a).nodeConfig());
                Api apiOfA = Api.start(nodeA, "127.0.0.1", ports.get(1));
                Node nodeB = Node.start(NodeHome.at(b).nodeConfig());
                Api apiOfB = Api.start(nodeB, "127.0.0.1", ports.get(3))) {
            await().atMost(20, TimeUnit.SECONDS).until(nodeA::isLeader);
            await().atMost(20, TimeUnit.SECONDS).until(() -> nodeA.height() > 5);
            assertThat(nodeB.validators().standing()).isEqualTo(Validators.Standing.JOINING);

            // B's own key is no operator of A's: A refuses a change B signs.
            Run stranger = run(
                    "node",
                    "add-validator",
                    "--home",
                    b.toString(),
                    "--node",
                    "http://" + apiA,
                    "--id",
                    "n1",
                    "--raft-address",
                    raftB,
                    "--api-address",
                    apiB);
            assertThat(stranger.exitCode()).isEqualTo(1);
            assertThat(stranger.err()).contains("403").contains("not among this node's operators");

            Run add = run(
                    "node",
                    "add-validator",
                    "--home",
                    a.toString(),
                    "--id",
                    "n1",
                    "--raft-address",
                    raftB,
                    "--api-address",
                    apiB,
                    "-o",
                    "json");
            assertThat(add.exitCode()).as(add.err()).isZero();
            assertThat(add.json().path("quorum").asInt()).isEqualTo(2);
            assertThat(add.json().path("validators").findValuesAsString("id")).containsExactly("n0", "n1");
            long top = nodeA.height();
            await().atMost(30, TimeUnit.SECONDS).until(() -> nodeB.height() >= top);
            assertThat(nodeB.validators().standing()).isEqualTo(Validators.Standing.MEMBER);

            Run again = run(
                    "node",
                    "add-validator",
                    "--home",
                    a.toString(),
                    "--id",
                    "n1",
                    "--raft-address",
                    raftB,
                    "--api-address",
                    apiB);
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("409").contains("member already");

            Run remove = run("node", "remove-validator", "--home", a.toString(), "--id", "n1", "-o", "json");
            assertThat(remove.exitCode()).as(remove.err()).isZero();
            assertThat(remove.json().path("quorum").asInt()).isEqualTo(1);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> nodeB.validators().standing() == Validators.Standing.REMOVED);
            // Alone again, A goes on making blocks.
            long after = nodeA.height();
            await().atMost(20, TimeUnit.SECONDS).until(() -> nodeA.height() > after + 3);

            Run last = run("node", "remove-validator", "--home", a.toString(), "--id", "n0");
            assertThat(last.exitCode()).isEqualTo(1);
            assertThat(last.err()).contains("the last validator cannot be removed");
        }
    }
}
