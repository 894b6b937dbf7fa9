package dev.vyoma.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.membership.MembershipChange;
import dev.vyoma.node.membership.Validators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A chain whose config asks for 2 of 3 operators, over its API: one approval, an approval by a stranger, or one
 * operator twice is refused, and two operators' approvals add a validator.
 */
class OperatorApprovalTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAIN = "vyoma-approvals-test";

    @TempDir
    Path dir;

    private static KeyPair key(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(("approvals:" + name).getBytes(StandardCharsets.UTF_8), 32));
    }

    private static String hex(KeyPair k) {
        return HexFormat.of().formatHex(k.publicKey().bytes());
    }

    @Test
    void twoOfThreeOperatorsMustApproveAChange() throws Exception {
        List<Integer> ports = LocalPorts.free(4);
        KeyPair op1 = key("op1");
        KeyPair op2 = key("op2");
        KeyPair op3 = key("op3");
        KeyPair stranger = key("stranger");
        Governance twoOfThree = new Governance(
                List.of(hex(op1), hex(op2), hex(op3)),
                OptionalInt.of(2),
                false,
                Node.Membership.DEFAULT_LOG_SEGMENT_BYTES);
        NodeHome.Member a = new NodeHome.Member("n0", "127.0.0.1:" + ports.get(0), "127.0.0.1:" + ports.get(1));
        NodeHome.Member b = new NodeHome.Member("n1", "127.0.0.1:" + ports.get(2), "127.0.0.1:" + ports.get(3));
        var genesis = NodeHome.emptyGenesis(CHAIN, 1_700_000_000_000L);
        NodeHome homeA = NodeHome.init(
                dir.resolve("a"),
                new NodeHome.Settings("n0", "a", List.of(a), 100, 100, 1_000).with(twoOfThree),
                genesis,
                op1);
        NodeHome homeB = NodeHome.init(
                dir.resolve("b"),
                new NodeHome.Settings("n1", "b", List.of(a, b), 100, 100, 1_000).with(twoOfThree.withJoin(true)),
                genesis,
                op2);
        HttpNodeClient api = new HttpNodeClient(a.apiAddress());
        try (Node nodeA = Node.start(homeA.nodeConfig());
                Api apiA = Api.start(nodeA, "127.0.0.1", ports.get(1));
                Node nodeB = Node.start(homeB.nodeConfig());
                Api apiB = Api.start(nodeB, "127.0.0.1", ports.get(3))) {
            await().atMost(20, TimeUnit.SECONDS).until(nodeA::isLeader);

            JsonNode view = api.get("/v1/validators").body();
            assertThat(view.path("operatorThreshold").asInt()).isEqualTo(2);
            List<String> operators = new ArrayList<>();
            view.path("operators").forEach(o -> operators.add(o.asString()));
            assertThat(operators).containsExactlyInAnyOrder(hex(op1), hex(op2), hex(op3));
            long index = view.path("configIndex").asLong();
            MembershipChange change = MembershipChange.add(CHAIN, "n1", b.raftAddress(), b.apiAddress(), index);

            // One operator alone: refused with the count and the next step.
            HttpNodeClient.Answer one = post(api, change.sign(op1).json());
            assertThat(one.status()).isEqualTo(403);
            assertThat(message(one))
                    .isEqualTo("needs 2 operator approvals, has 1 (from " + MembershipChange.shortKey(op1.publicKey())
                            + "); have another operator add theirs with vyoma node approve-change");
            // The same in the form of older clients (one signer and signature).
            Map<String, Object> old = new LinkedHashMap<>(change.sign(op3).json());
            JsonNode only = JSON.valueToTree(old.remove("approvals")).get(0);
            old.put("signer", only.path("signer").asString());
            old.put("signature", only.path("signature").asString());
            HttpNodeClient.Answer oldForm = post(api, old);
            assertThat(oldForm.status()).isEqualTo(403);
            assertThat(message(oldForm)).startsWith("needs 2 operator approvals, has 1");

            // One operator and a stranger: the stranger's key is named.
            HttpNodeClient.Answer withStranger =
                    post(api, change.sign(op1).approve(stranger).json());
            assertThat(withStranger.status()).isEqualTo(403);
            assertThat(message(withStranger))
                    .contains("key " + MembershipChange.shortKey(stranger.publicKey()))
                    .contains("not among this node's operators");

            // One operator twice does not make two.
            Map<String, Object> twice = change.sign(op1).json();
            Object approval = ((List<?>) twice.get("approvals")).get(0);
            twice.put("approvals", List.of(approval, approval));
            HttpNodeClient.Answer doubled = post(api, twice);
            assertThat(doubled.status()).isEqualTo(400);
            assertThat(message(doubled)).contains("approved already");

            // A second approval over another change is a bad signature.
            Map<String, Object> mixed = change.sign(op1).json();
            Object other = ((List<?>) MembershipChange.remove(CHAIN, "n0", index)
                            .sign(op2)
                            .json()
                            .get("approvals"))
                    .get(0);
            mixed.put("approvals", List.of(approval, other));
            HttpNodeClient.Answer bad = post(api, mixed);
            assertThat(bad.status()).isEqualTo(403);
            assertThat(message(bad)).contains("approval 2 (by " + MembershipChange.shortKey(op2.publicKey()) + ")");

            assertThat(nodeA.validators().view().members()).hasSize(1);

            // Two operators: enacted.
            HttpNodeClient.Answer two = post(api, change.sign(op1).approve(op3).json());
            assertThat(two.status()).as(two.body().toString()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            two.body().path("validators").forEach(m -> ids.add(m.path("id").asString()));
            assertThat(ids).containsExactly("n0", "n1");
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> nodeB.validators().standing() == Validators.Standing.MEMBER);
        }
    }

    private static HttpNodeClient.Answer post(HttpNodeClient api, Map<String, Object> body) throws Exception {
        return api.post("/v1/validators/changes", JSON.writeValueAsString(body));
    }

    private static String message(HttpNodeClient.Answer a) {
        return a.body().path("error").path("message").asString();
    }
}
