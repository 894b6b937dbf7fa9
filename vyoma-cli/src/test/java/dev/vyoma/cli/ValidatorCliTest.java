package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.membership.Validators;
import java.io.PrintWriter;
import java.io.StringWriter;
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

    @Test
    void aValidatorJoinsARunningChainAndLeavesIt() throws Exception {
        List<Integer> ports = LocalPorts.free(4);
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

    /**
     * A testnet of three asks for two operators' approvals: n1 writes the change, a submission with its approval
     * alone is refused, n2 approves and submits, and the newcomer is added; a removal goes the same way with the
     * approval written first and submitted apart.
     */
    @Test
    void aTestnetChangeNeedsAMajorityOfOperators() throws Exception {
        List<Integer> ports = LocalPorts.free(8);
        List<NodeHome> homes = NodeHome.testnet(
                dir.resolve("net"),
                List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"),
                java.util.Optional.empty(),
                ports.subList(0, 3),
                ports.subList(4, 7),
                NodeHome.emptyGenesis("vyoma-quorum-test", System.currentTimeMillis()),
                100,
                1_000);
        Path n1 = homes.get(1).dir();
        Path n2 = homes.get(2).dir();
        String raft3 = "127.0.0.1:" + ports.get(3);
        String api3 = "127.0.0.1:" + ports.get(7);
        Path joiner = dir.resolve("node3");
        List<String> init = new ArrayList<>(List.of(
                "node",
                "init",
                "--home",
                joiner.toString(),
                "--join",
                "--genesis",
                homes.get(0).genesisFile().toString(),
                "--node-id",
                "n3",
                "--raft-address",
                raft3,
                "--api-address",
                api3,
                "--block-interval",
                "100ms",
                "--operator-threshold",
                "2",
                "-o",
                "json"));
        for (String o : homes.get(0).settings().governance().operators()) {
            init.add("--operator");
            init.add(o);
        }
        Run initJoiner = run(init.toArray(String[]::new));
        assertThat(initJoiner.exitCode()).as(initJoiner.err()).isZero();
        assertThat(initJoiner.json().path("operatorThreshold").asInt()).isEqualTo(2);
        Run tooHigh =
                run("node", "init", "--home", dir.resolve("x").toString(), "--operator-threshold", "2", "-o", "json");
        assertThat(tooHigh.exitCode()).isEqualTo(1);
        assertThat(tooHigh.err()).contains("--operator-threshold must be 1 to the number of operators (1");
        Run otherChain = run("node", "init", "--home", dir.resolve("other").toString(), "--chain-id", "other-1");
        assertThat(otherChain.exitCode()).as(otherChain.err()).isZero();

        List<Node> nodes = new ArrayList<>();
        List<Api> apis = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(Node.start(homes.get(i).nodeConfig()));
                apis.add(Api.start(nodes.get(i), "127.0.0.1", ports.get(4 + i)));
            }
            Node newcomer = Node.start(NodeHome.at(joiner).nodeConfig());
            nodes.add(newcomer);
            apis.add(Api.start(newcomer, "127.0.0.1", ports.get(7)));
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> nodes.subList(0, 3).stream().anyMatch(Node::isLeader));

            String[] add = {
                "node",
                "add-validator",
                "--home",
                n1.toString(),
                "--id",
                "n3",
                "--raft-address",
                raft3,
                "--api-address",
                api3
            };
            Run unsent = run(add);
            assertThat(unsent.exitCode()).isEqualTo(1);
            assertThat(unsent.err()).contains("needs 2 operator approvals").contains("--out FILE");
            Path change = dir.resolve("add-n3.json");
            Run written = run(concat(add, "--out", change.toString(), "-o", "json"));
            assertThat(written.exitCode()).as(written.err()).isZero();
            assertThat(written.json().path("operatorApprovals").asInt()).isEqualTo(1);
            assertThat(written.json().path("needed").asInt()).isEqualTo(2);
            assertThat(written.json().path("next").asString()).contains("1 more: vyoma node approve-change " + change);
            Run overwrite = run(concat(add, "--out", change.toString()));
            assertThat(overwrite.exitCode()).isEqualTo(1);
            assertThat(overwrite.err()).contains("exists");

            // One operator's approval is not enough.
            Run alone = run("node", "submit-change", change.toString(), "--home", n1.toString());
            assertThat(alone.exitCode()).isEqualTo(1);
            assertThat(alone.err()).contains("HTTP 403").contains("needs 2 operator approvals, has 1");
            Run twice = run("node", "approve-change", change.toString(), "--home", n1.toString());
            assertThat(twice.exitCode()).isEqualTo(1);
            assertThat(twice.err()).contains("already");
            Run wrongChain = run(
                    "node",
                    "approve-change",
                    change.toString(),
                    "--home",
                    dir.resolve("other").toString());
            assertThat(wrongChain.exitCode()).isEqualTo(1);
            assertThat(wrongChain.err()).contains("for chain vyoma-quorum-test").contains("runs chain other-1");

            // n2 approves: two of three, sent, enacted.
            Run approved = run("node", "approve-change", change.toString(), "--home", n2.toString(), "-o", "json");
            assertThat(approved.exitCode()).as(approved.err()).isZero();
            assertThat(approved.json().path("validators").findValuesAsString("id"))
                    .containsExactly("n0", "n1", "n2", "n3");
            assertThat(approved.json().path("quorum").asInt()).isEqualTo(3);
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> newcomer.validators().standing() == Validators.Standing.MEMBER);

            // Remove n3: n0 writes it, n2 approves without sending, anyone submits.
            Path removal = dir.resolve("remove-n3.json");
            Run rm = run(
                    "node",
                    "remove-validator",
                    "--home",
                    homes.get(0).dir().toString(),
                    "--id",
                    "n3",
                    "--out",
                    removal.toString(),
                    "-o",
                    "json");
            assertThat(rm.exitCode()).as(rm.err()).isZero();
            Run held = run(
                    "node", "approve-change", removal.toString(), "--home", n2.toString(), "--no-submit", "-o", "json");
            assertThat(held.exitCode()).as(held.err()).isZero();
            assertThat(held.json().path("operatorApprovals").asInt()).isEqualTo(2);
            assertThat(held.json().path("next").asString()).contains("vyoma node submit-change " + removal);
            assertThat(JSON.readTree(java.nio.file.Files.readString(removal))
                            .path("approvals")
                            .size())
                    .isEqualTo(2);
            assertThat(newcomer.validators().standing()).isEqualTo(Validators.Standing.MEMBER);
            // A third approval whose sending fails is kept in the file.
            String closed = "http://127.0.0.1:" + LocalPorts.free(1).get(0);
            Run unreachable =
                    run("node", "approve-change", removal.toString(), "--home", n1.toString(), "--node", closed);
            assertThat(unreachable.exitCode()).isEqualTo(1);
            assertThat(unreachable.err())
                    .contains("cannot reach the node at " + closed)
                    .contains("the 3 approvals are kept in " + removal);
            assertThat(JSON.readTree(java.nio.file.Files.readString(removal))
                            .path("approvals")
                            .size())
                    .isEqualTo(3);
            Run sent = run("node", "submit-change", removal.toString(), "--node", "http://" + api3, "-o", "json");
            assertThat(sent.exitCode()).as(sent.err()).isZero();
            assertThat(sent.json().path("validators").findValuesAsString("id")).containsExactly("n0", "n1", "n2");
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> newcomer.validators().standing() == Validators.Standing.REMOVED);
            // The same file again is stale.
            Run replay = run("node", "submit-change", removal.toString(), "--home", n1.toString());
            assertThat(replay.exitCode()).isEqualTo(1);
            assertThat(replay.err()).contains("HTTP 409");
        } finally {
            for (Api a : apis) {
                a.close();
            }
            for (Node n : nodes) {
                n.close();
            }
        }
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
