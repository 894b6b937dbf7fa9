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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Deposit grants from the command line against a one-node chain in this JVM: a granter grants a tenant that
 * holds no deposit coins, the tenant creates and tops up a deployment with {@code --depositor}, one micro-unit
 * over the limit is refused, closing refunds the granter, revoke and expiry stop the grant, {@code vyoma deploy
 * --depositor} draws on it, and bad input is refused before anything is signed.
 */
class DepositGrantCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
        JsonNode json() {
            return JSON.readTree(out);
        }
    }

    private static Run run(String... args) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(new byte[0]));
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setIn(original);
        }
    }

    private static Run run(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(rest));
        return run(all.toArray(String[]::new));
    }

    private static void assertOk(Run r) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    }

    private static void assertRefused(Run r, String message) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains(message);
    }

    @Test
    void aTenantFundsItsDeploymentFromAGrantWithinItsLimit() throws Exception {
        String keys = dir.resolve("client").toString();
        String granter = run("keys", "add", "granter", "--keyring-backend", "test", "--home", keys, "-o", "json")
                .json()
                .path("address")
                .asString();
        String tenant = run("keys", "add", "tenant", "--keyring-backend", "test", "--home", keys, "-o", "json")
                .json()
                .path("address")
                .asString();
        Path home = dir.resolve("node");
        assertOk(run(
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
                granter + "=100000000uusd,100000000uvyo",
                // The tenant pays fees but holds no uusd: every deposit below is the granter's.
                "--fund",
                tenant + "=100000000uvyo"));
        String sdl = dev.vyoma.testkit.Fixtures.webSdlFile().toString();
        try (Node node = Node.start(NodeHome.at(home).nodeConfig());
                Api api = Api.start(node, "127.0.0.1", 0)) {
            await().atMost(20, TimeUnit.SECONDS).until(node::isLeader);
            String url = "http://127.0.0.1:" + api.port();
            List<String> common = List.of("--keyring-backend", "test", "--home", keys, "--node", url);
            List<String> asGranter = new ArrayList<>(common);
            asGranter.addAll(List.of("--from", "granter"));
            List<String> asTenant = new ArrayList<>(common);
            asTenant.addAll(List.of("--from", "tenant"));
            List<String> query = List.of("query", "deployment");

            assertOk(run(
                    List.of("tx", "deployment", "grant", tenant, "--spend-limit", "6000000uusd", "--expiration", "30d"),
                    asGranter.toArray(String[]::new)));
            Run byGrantee =
                    run(List.of("query", "deployment", "grants", "--grantee", tenant, "--node", url, "-o", "json"));
            assertOk(byGrantee);
            JsonNode g = byGrantee.json().path("items").get(0);
            assertThat(g.path("id").path("granter").asString()).isEqualTo(granter);
            assertThat(g.path("spendLimit").path("amount").asString()).isEqualTo("6000000");
            assertThat(g.path("expiresAtMillis").asLong()).isPositive();
            assertThat(run(List.of("query", "deployment", "grants", "--granter", granter, "--node", url, "-o", "json"))
                            .json()
                            .path("items")
                            .size())
                    .isOne();

            // Created and topped up from the grant, to exactly its limit; one micro-unit more is refused.
            assertOk(run(
                    List.of(
                            "tx",
                            "deployment",
                            "create",
                            sdl,
                            "--deposit",
                            "5000000uusd",
                            "--dseq",
                            "7",
                            "--depositor",
                            granter),
                    asTenant.toArray(String[]::new)));
            assertOk(run(
                    List.of("tx", "deployment", "deposit", "7", "1000000uusd", "--depositor", granter),
                    asTenant.toArray(String[]::new)));
            assertRefused(
                    run(
                            List.of("tx", "deployment", "deposit", "7", "1uusd", "--depositor", granter),
                            asTenant.toArray(String[]::new)),
                    "has 0uusd left of its 6000000uusd limit, less than 1uusd");
            Run one = run(List.of("query", "deployment", "grant", granter, tenant, "--node", url, "-o", "json"));
            assertThat(one.json().path("spentMicro").asLong()).isEqualTo(6_000_000);
            assertThat(balance(url, granter)).isEqualTo(94_000_000);

            // Closing refunds the granter (no lease ran: all of it).
            assertOk(run(List.of("tx", "deployment", "close", "7"), asTenant.toArray(String[]::new)));
            assertThat(balance(url, granter)).isEqualTo(100_000_000);
            assertThat(balance(url, tenant)).isZero();

            // Revoked: gone, and drawing on it says there is no grant.
            assertOk(run(List.of("tx", "deployment", "revoke", tenant), asGranter.toArray(String[]::new)));
            assertRefused(
                    run(List.of("query", "deployment", "grant", granter, tenant, "--node", url)), "no deposit grant");
            assertRefused(
                    run(
                            List.of(
                                    "tx",
                                    "deployment",
                                    "create",
                                    sdl,
                                    "--deposit",
                                    "5000000uusd",
                                    "--dseq",
                                    "8",
                                    "--depositor",
                                    granter),
                            asTenant.toArray(String[]::new)),
                    "has no deposit grant to " + tenant);

            // Expired: a grant of two seconds cannot be drawn on three seconds later.
            assertOk(run(
                    List.of("tx", "deployment", "grant", tenant, "--spend-limit", "6000000uusd", "--expiration", "2s"),
                    asGranter.toArray(String[]::new)));
            Thread.sleep(3_000);
            assertRefused(
                    run(
                            List.of(
                                    "tx",
                                    "deployment",
                                    "create",
                                    sdl,
                                    "--deposit",
                                    "5000000uusd",
                                    "--dseq",
                                    "9",
                                    "--depositor",
                                    granter),
                            asTenant.toArray(String[]::new)),
                    "expired at");

            // vyoma deploy draws on a grant too: with no provider it gives up, and the deposit goes back to the
            // granter.
            assertOk(run(
                    List.of("tx", "deployment", "grant", tenant, "--spend-limit", "6000000uusd"),
                    asGranter.toArray(String[]::new)));
            Run deploy = run(
                    List.of("deploy", sdl, "--deposit", "5000000uusd", "--depositor", granter, "--timeout", "1s"),
                    asTenant.toArray(String[]::new));
            assertRefused(deploy, "no provider bid on group");
            assertThat(deploy.err()).contains("created; waiting for bids");
            assertThat(run(List.of("query", "deployment", "grant", granter, tenant, "--node", url, "-o", "json"))
                            .json()
                            .path("spentMicro")
                            .asLong())
                    .isEqualTo(5_000_000);
            assertThat(balance(url, granter)).isEqualTo(100_000_000);
            assertThat(balance(url, tenant)).isZero();

            // Refused at the edge, before any signing: the wrong account, no limit, a bad expiry, --owner too.
            assertRefused(
                    run(
                            List.of("tx", "deployment", "grant", granter, "--spend-limit", "1uusd"),
                            asGranter.toArray(String[]::new)),
                    "fund your own deployments directly");
            assertRefused(
                    run(
                            List.of("tx", "deployment", "grant", tenant, "--spend-limit", "0uusd"),
                            asGranter.toArray(String[]::new)),
                    "--spend-limit must be more than zero");
            assertRefused(
                    run(
                            List.of("tx", "deployment", "grant", tenant, "--spend-limit", "-5uusd"),
                            asGranter.toArray(String[]::new)),
                    "--spend-limit");
            assertRefused(
                    run(
                            List.of("tx", "deployment", "grant", tenant, "--spend-limit", "99999999999999999999uusd"),
                            asGranter.toArray(String[]::new)),
                    "too large");
            assertRefused(
                    run(
                            List.of(
                                    "tx",
                                    "deployment",
                                    "grant",
                                    tenant,
                                    "--spend-limit",
                                    "1uusd",
                                    "--expiration",
                                    "2001-01-01T00:00:00Z"),
                            asGranter.toArray(String[]::new)),
                    "not in the future");
            assertRefused(
                    run(
                            List.of("tx", "deployment", "grant", "not-an-address", "--spend-limit", "1uusd"),
                            asGranter.toArray(String[]::new)),
                    "GRANTEE");
            assertRefused(
                    run(
                            List.of(
                                    "tx",
                                    "deployment",
                                    "deposit",
                                    "7",
                                    "1uusd",
                                    "--depositor",
                                    granter,
                                    "--owner",
                                    granter),
                            asTenant.toArray(String[]::new)),
                    "drop --owner");
            // The chain refuses a limit in the fee denomination with what to use instead.
            assertRefused(
                    run(
                            List.of("tx", "deployment", "grant", tenant, "--spend-limit", "5uvyo"),
                            asGranter.toArray(String[]::new)),
                    "deposit denomination uusd, not uvyo");
            assertRefused(
                    run(List.of("query", "deployment", "grants", "--node", url)), "--granter ADDRESS or --grantee");
        }
    }

    private static long balance(String url, String address) {
        Run r = run("query", "bank", "balances", address, "--node", url, "-o", "json");
        assertOk(r);
        for (JsonNode b : r.json().path("balances")) {
            if (b.path("denom").asString().equals("uusd")) {
                return b.path("amount").asLong();
            }
        }
        return 0;
    }
}
