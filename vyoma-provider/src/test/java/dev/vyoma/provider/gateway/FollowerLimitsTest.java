package dev.vyoma.provider.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.market.BidId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idle log followers cannot take a provider's gateway down: followers are capped per token, per lease, per owner
 * and in all (each cap tested at its value and one past it), followers hold only their share of a small thread
 * pool, so {@code /v1/status} and the lease routes keep answering while every cap is full, and the heartbeat
 * finds followers who left, so their places come back.
 */
class FollowerLimitsTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(500);

    /** Small caps on a pool of 16 threads (of which followers may hold 4), so every limit is reached in a test. */
    private static final Gateway.Limits LIMITS =
            new Gateway.Limits(16, 256, 64, Duration.ofSeconds(30), 4, 3, 2, 1, HEARTBEAT);

    @TempDir
    Path dir;

    private static String logs(BidId lease) {
        return "/v1/leases/" + lease.order() + "/logs?tail=0&follow=true";
    }

    @Test
    void followersAreCappedTheRestKeepsAnsweringAndPlacesComeBack() throws Exception {
        KeyPair provider = GatewayRig.KEYS.key("provider");
        KeyPair alice = GatewayRig.KEYS.key("alice");
        KeyPair bob = GatewayRig.KEYS.key("bob");
        try (GatewayRig rig = GatewayRig.start(dir, LIMITS, provider, alice, bob)) {
            BidId a1 = rig.lease(alice, 1, provider);
            BidId a2 = rig.lease(alice, 2, provider);
            BidId b1 = rig.lease(bob, 3, provider);
            for (BidId l : List.of(a1, a2, b1)) {
                KeyPair owner = l.deployment().owner().equals(alice.address()) ? alice : bob;
                GatewayRig.Answer put = rig.put(
                        "/v1/leases/" + l.order() + "/manifest", rig.token(owner, l.toString()), rig.manifest());
                assertThat(put.status()).as(put.body()).isEqualTo(202);
            }
            List<GatewayRig.Held> held = new ArrayList<>();
            try {
                // Per token: 1 follower, a second with the same token is refused.
                String a1t0 = rig.token(alice, a1.toString(), 0);
                held.add(admitted(rig.hold(logs(a1), a1t0)));
                refused(rig.hold(logs(a1), a1t0), 429, "this token already follows 1 log stream(s)");
                // Per lease: 2 followers, a third (with a new token) is refused.
                held.add(admitted(rig.hold(logs(a1), rig.token(alice, a1.toString(), 1))));
                refused(rig.hold(logs(a1), rig.token(alice, a1.toString(), 2)), 429, "already has 2 log followers");
                // Per owner: 3 followers over alice's leases, a fourth is refused.
                held.add(admitted(rig.hold(logs(a2), rig.token(alice, a2.toString(), 0))));
                refused(
                        rig.hold(logs(a2), rig.token(alice, a2.toString(), 1)),
                        429,
                        "the leases of " + alice.address() + " already have 3 log followers");
                // In all: 4 followers, a fifth (another owner, under its own caps) is refused.
                held.add(admitted(rig.hold(logs(b1), rig.token(bob, b1.toString(), 0))));
                refused(rig.hold(logs(b1), rig.token(bob, b1.toString(), 1)), 503, "serves 4 log followers");
                assertThat(rig.gateway.followers()).isEqualTo(4);

                // A flood of further followers is refused without holding a thread each.
                for (int i = 3; i < 40; i++) {
                    refused(rig.hold(logs(a1), rig.token(alice, a1.toString(), i)), 429, "already has 2");
                }

                // Meanwhile the other routes answer: the provider's status, a lease's status, its last lines.
                assertThat(rig.get("/v1/status", null).status()).isEqualTo(200);
                assertThat(rig.get("/v1/leases/" + a1.order() + "/status", rig.token(alice, a1.toString(), 50))
                                .status())
                        .isEqualTo(200);
                assertThat(rig.get("/v1/leases/" + b1.order() + "/logs?tail=5", rig.token(bob, b1.toString(), 50))
                                .status())
                        .isEqualTo(200);

                // An idle stream carries the heartbeat: bytes arrive though the lease writes nothing.
                assertThat(held.get(0).in().read()).isNotNegative();
            } finally {
                for (GatewayRig.Held h : held) {
                    h.close();
                }
            }
            // The followers left without a word: the heartbeat finds them, and their places come back.
            await().atMost(HEARTBEAT.multipliedBy(2).plusSeconds(2)).until(() -> rig.gateway.followers() == 0);
            try (GatewayRig.Held again = rig.hold(logs(b1), rig.token(bob, b1.toString(), 1))) {
                admitted(again);
            }
            long height = rig.chain.status().height();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> rig.chain.status().height() > height);
        }
    }

    /** One address cannot hold every connection: past its cap its request is answered 429 and its connection closed. */
    @Test
    void connectionsFromOneClientAreCapped() throws Exception {
        KeyPair provider = GatewayRig.KEYS.key("provider");
        Gateway.Limits fourPerClient = new Gateway.Limits(16, 256, 4, Duration.ofSeconds(30), 4, 3, 2, 1, HEARTBEAT);
        try (GatewayRig rig = GatewayRig.start(dir, fourPerClient, provider)) {
            List<java.net.Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    held.add(rig.connect("127.0.0.2"));
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> rig.gateway.openConnections() == 4);
                try (GatewayRig.Held fifth = rig.hold(rig.connect("127.0.0.2"), "/v1/status", null)) {
                    assertThat(fifth.status()).as(fifth.body()).isEqualTo(429);
                    assertThat(fifth.body()).contains("at most 4 open connections from one client");
                    assertThat(fifth.in().read()).as("closed after the refusal").isEqualTo(-1);
                }
                // Another client is served meanwhile.
                try (GatewayRig.Held other = rig.hold(rig.connect("127.0.0.3"), "/v1/status", null)) {
                    assertThat(other.status()).isEqualTo(200);
                }
            } finally {
                for (java.net.Socket s : held) {
                    s.close();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> rig.gateway.openConnections() == 0);
            try (GatewayRig.Held again = rig.hold(rig.connect("127.0.0.2"), "/v1/status", null)) {
                assertThat(again.status()).isEqualTo(200);
            }
        }
    }

    private static GatewayRig.Held admitted(GatewayRig.Held h) throws Exception {
        if (h.status() != 200) {
            h.close();
        }
        assertThat(h.status()).as(h.body()).isEqualTo(200);
        return h;
    }

    private static void refused(GatewayRig.Held h, int status, String why) throws Exception {
        try (h) {
            assertThat(h.status()).as(h.body()).isEqualTo(status);
            assertThat(h.body()).contains(why);
        }
    }
}
