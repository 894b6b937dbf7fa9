package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.node.LocalPorts;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.api.Api;
import dev.vyoma.node.chain.Node;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The key, node, transaction and query commands, in-process: a home written by {@code vyoma node init}, the
 * node it describes running in this JVM, and coins sent with {@code vyoma tx bank send}.
 */
class NodeCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        JsonNode json() {
            return JSON.readTree(out);
        }
    }

    private static Run run(String stdin, String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void initAKeyAChainSendAndQuery() throws Exception {
        String keys = dir.resolve("client").toString();
        Run alice = run("", "keys", "add", "alice", "--keyring-backend", "test", "--home", keys, "-o", "json");
        assertThat(alice.exitCode()).as(alice.err()).isZero();
        String aliceAddress = alice.json().path("address").asString();
        // An encrypted key, its passphrase piped in.
        Run bob = run("a long passphrase\n", "keys", "add", "bob", "--home", keys, "-o", "json");
        assertThat(bob.exitCode()).as(bob.err()).isZero();
        String bobAddress = bob.json().path("address").asString();
        assertThat(Files.readString(dir.resolve("client/keyring-file/bob.key.json")))
                .contains("argon2id");

        int raft = LocalPorts.free();
        Path home = dir.resolve("node");
        Run init = run(
                "",
                "node",
                "init",
                "--home",
                home.toString(),
                "--chain-id",
                "vyoma-cli-test",
                "--raft-address",
                "127.0.0.1:" + raft,
                "--api-address",
                "127.0.0.1:0",
                "--block-interval",
                "100ms",
                "--fund",
                aliceAddress + "=1000000uusd,1000000uvyo",
                "-o",
                "json");
        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.json().path("chainId").asString()).isEqualTo("vyoma-cli-test");
        Run again = run("", "node", "init", "--home", home.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("exists");

        try (Node node = Node.start(NodeHome.at(home).nodeConfig());
                Api api = Api.start(node, "127.0.0.1", 0)) {
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            String url = "http://127.0.0.1:" + api.port();
            Run send = run(
                    "",
                    "tx",
                    "bank",
                    "send",
                    bobAddress,
                    "250uusd",
                    "--from",
                    "alice",
                    "--keyring-backend",
                    "test",
                    "--home",
                    keys,
                    "--node",
                    url,
                    "-o",
                    "json");
            assertThat(send.exitCode()).as(send.err()).isZero();
            assertThat(send.json().path("status").asString()).isEqualTo("ok");

            Run balances = run("", "query", "bank", "balances", bobAddress, "--node", url, "-o", "json");
            assertThat(balances.exitCode()).as(balances.err()).isZero();
            assertThat(balances.json().path("balances").get(0).path("amount").asLong())
                    .isEqualTo(250);

            // Without -o: an aligned table, the coins as amount and denom.
            Run table = run("", "query", "bank", "balances", bobAddress, "--node", url);
            assertThat(table.out()).startsWith("FIELD").contains("balances  250uusd");

            Run tx = run("", "query", "tx", send.json().path("hash").asString(), "--node", url, "-o", "json");
            assertThat(tx.json().path("status").asString()).isEqualTo("ok");

            // Failures are one line and exit 1: a message that fails, a refused fee, a wrong passphrase.
            Run tooMuch = run(
                    "",
                    "tx",
                    "bank",
                    "send",
                    bobAddress,
                    "999999999uusd",
                    "--from",
                    "alice",
                    "--keyring-backend",
                    "test",
                    "--home",
                    keys,
                    "--node",
                    url);
            assertThat(tooMuch.exitCode()).isEqualTo(1);
            assertThat(tooMuch.err()).contains("failed in block").contains("999999999uusd");
            Run noFee = run(
                    "a long passphrase\n",
                    "tx",
                    "bank",
                    "send",
                    aliceAddress,
                    "1uusd",
                    "--from",
                    "bob",
                    "--home",
                    keys,
                    "--node",
                    url);
            assertThat(noFee.exitCode()).isEqualTo(1);
            assertThat(noFee.err()).contains("cannot pay the fee");
            Run wrongPass = run(
                    "not the passphrase\n",
                    "tx",
                    "bank",
                    "send",
                    aliceAddress,
                    "1uusd",
                    "--from",
                    "bob",
                    "--home",
                    keys,
                    "--node",
                    url);
            assertThat(wrongPass.exitCode()).isEqualTo(1);
            assertThat(wrongPass.err()).contains("wrong passphrase");
            Run badAddress = run(
                    "",
                    "tx",
                    "bank",
                    "send",
                    "vyoma1xyz",
                    "1uusd",
                    "--from",
                    "alice",
                    "--keyring-backend",
                    "test",
                    "--home",
                    keys,
                    "--node",
                    url);
            assertThat(badAddress.exitCode()).isEqualTo(1);
            assertThat(badAddress.err()).startsWith("vyoma: TO: not a vyoma address");
        }
        Run down = run("", "query", "status", "--node", "http://127.0.0.1:" + LocalPorts.free());
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach the node");
    }

    @Test
    void theMarketFromTheCommandLine() throws Exception {
        String keys = dir.resolve("client").toString();
        String tenant = run("", "keys", "add", "tenant", "--keyring-backend", "test", "--home", keys, "-o", "json")
                .json()
                .path("address")
                .asString();
        String provider = run("", "keys", "add", "provider", "--keyring-backend", "test", "--home", keys, "-o", "json")
                .json()
                .path("address")
                .asString();
        Path home = dir.resolve("node");
        Run init = run(
                "",
                "node",
                "init",
                "--home",
                home.toString(),
                "--raft-address",
                "127.0.0.1:" + LocalPorts.free(),
                "--api-address",
                "127.0.0.1:0",
                "--block-interval",
                "100ms",
                "--fund",
                tenant + "=100000000uusd,100000000uvyo",
                "--fund",
                provider + "=100000000uusd,100000000uvyo");
        assertThat(init.exitCode()).as(init.err()).isZero();
        Path providerYaml = dir.resolve("provider.yaml");
        Files.writeString(providerYaml, """
                host: https://provider.example.com:8443
                attributes:
                  - key: region
                    value: eu
                info:
                  email: ops@example.com
                """);
        String sdl = dev.vyoma.testkit.Fixtures.webSdlFile().toString();
        try (Node node = Node.start(NodeHome.at(home).nodeConfig());
                Api api = Api.start(node, "127.0.0.1", 0)) {
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            String[] asTenant = {
                "--from",
                "tenant",
                "--keyring-backend",
                "test",
                "--home",
                keys,
                "--node",
                "http://127.0.0.1:" + api.port()
            };
            String[] asProvider = {
                "--from",
                "provider",
                "--keyring-backend",
                "test",
                "--home",
                keys,
                "--node",
                "http://127.0.0.1:" + api.port()
            };
            String[] node1 = {"--node", "http://127.0.0.1:" + api.port(), "-o", "json"};

            assertOk(run("", concat(new String[] {"tx", "provider", "create", providerYaml.toString()}, asProvider)));
            assertOk(run(
                    "",
                    concat(
                            new String[] {"tx", "deployment", "create", sdl, "--deposit", "5000000uusd", "--dseq", "42"
                            },
                            asTenant)));
            Run orders = run("", concat(new String[] {"query", "market", "order", "list"}, node1));
            assertOk(orders);
            assertThat(orders.json()
                            .path("items")
                            .get(0)
                            .path("id")
                            .path("dseq")
                            .asLong())
                    .isEqualTo(42);
            String order = tenant + "/42/1/1";
            assertOk(run(
                    "",
                    concat(new String[] {"tx", "market", "bid", "create", order, "--price", "10.5uusd"}, asProvider)));
            Run bids = run("", concat(new String[] {"query", "market", "bid", "list", "--order", order}, node1));
            assertThat(bids.json()
                            .path("items")
                            .get(0)
                            .path("price")
                            .path("amount")
                            .asString())
                    .isEqualTo("10.5");
            String lease = order + "/" + provider;
            assertOk(run("", concat(new String[] {"tx", "market", "lease", "create", lease}, asTenant)));
            Run leaseGet = run("", concat(new String[] {"query", "market", "lease", "get", lease}, node1));
            assertThat(leaseGet.json().path("state").asString()).isEqualTo("active");
            assertOk(run("", concat(new String[] {"tx", "escrow", "withdraw", lease}, asProvider)));
            Run escrow = run("", concat(new String[] {"query", "escrow", "get", tenant, "42"}, node1));
            assertThat(escrow.json().path("state").asString()).isEqualTo("open");
            Run providers = run("", concat(new String[] {"query", "provider", "list", "--attr", "region=eu"}, node1));
            assertThat(providers.json().path("items").get(0).path("owner").asString())
                    .isEqualTo(provider);
            assertOk(run("", concat(new String[] {"tx", "deployment", "close", "42"}, asTenant)));
            Run closed = run("", concat(new String[] {"query", "deployment", "get", tenant, "42"}, node1));
            assertThat(closed.json().path("state").asString()).isEqualTo("closed");
            Run leases = run("", concat(new String[] {"query", "market", "lease", "list", "--owner", tenant}, node1));
            assertThat(leases.json().path("items").get(0).path("state").asString())
                    .isEqualTo("closed");

            Run cert = run("", concat(new String[] {"tx", "cert", "create", "-o", "json"}, asTenant));
            assertOk(cert);
            String serial = cert.err().replaceAll("(?s).*certificate (\\d+) and its key.*", "$1");
            assertOk(run("", concat(new String[] {"tx", "cert", "revoke", serial}, asTenant)));
            Run again = run("", concat(new String[] {"tx", "cert", "revoke", serial}, asTenant));
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("already revoked");

            Run badOrder = run(
                    "", concat(new String[] {"tx", "market", "bid", "create", "nope", "--price", "1uusd"}, asProvider));
            assertThat(badOrder.exitCode()).isEqualTo(1);
            assertThat(badOrder.err()).contains("OWNER/DSEQ/GSEQ/OSEQ");
            Run alias = run(
                    "",
                    concat(new String[] {"query", "market", "lease", "get", lease.replace("/42/", "/042/")}, node1));
            assertThat(alias.exitCode()).isEqualTo(1);
            assertThat(alias.err()).contains("dseq is a whole number from 1");
            Run missing = run("", concat(new String[] {"query", "deployment", "get", tenant, "43"}, node1));
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.err()).contains("no deployment");
        }
    }

    private static void assertOk(Run r) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
