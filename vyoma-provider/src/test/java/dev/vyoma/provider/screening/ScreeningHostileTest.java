package dev.vyoma.provider.screening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.client.TlsCertificate;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.node.LocalChain;
import dev.vyoma.node.NamedKeys;
import dev.vyoma.provider.bid.BidEngine;
import dev.vyoma.provider.bid.Inventory;
import dev.vyoma.provider.bid.Offer;
import dev.vyoma.provider.bid.PriceList;
import dev.vyoma.provider.gateway.Gateway;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.GroupSpec;
import dev.vyoma.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The screening against a real chain, one honest provider's real gateway and providers whose status endpoints
 * are hostile: too large, not JSON, dripping one byte at a time, never finishing the TLS handshake, publishing
 * no certificate, not listening, answering an error full of terminal escapes, or of an older version. Each of
 * them is "unreachable" with its reason, all within a bounded time, and the honest provider's verdict stands.
 */
class ScreeningHostileTest {
    private static final Duration WAIT = Duration.ofMillis(3000);
    private static final long GI = 1L << 30;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The deterministic keys of this test's named accounts. */
    private static final NamedKeys KEYS = new NamedKeys("screening-hostile");

    private static final List<String> HOSTILE =
            List.of("huge", "malformed", "slow", "silent", "uncertified", "closed", "escapes", "older");

    @Test
    void hostileStatusAnswersAreUnreachableWithinABoundedTimeAndTheHonestProviderStillBids() throws Exception {
        List<Address> funded = new ArrayList<>();
        funded.add(KEYS.key("honest").address());
        HOSTILE.forEach(n -> funded.add(KEYS.key(n).address()));
        LocalChain local = LocalChain.start(
                dir.resolve("node"),
                LocalChain.fundedGenesis(
                        "vyoma-screening-hostile",
                        List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                        funded.toArray(Address[]::new)),
                Duration.ofMillis(100));
        open.add(local);
        VyomaClient chain = new VyomaClient(local.url());

        // The honest provider: its real gateway publishing its real offer.
        KeyPair honest = KEYS.key("honest");
        Inventory inventory = new Inventory(
                List.of(new Inventory.NodeSpec("cpu-0", 32_000, 128 * GI, 2048 * GI, List.of(), Set.of())), Map.of());
        PriceList prices = new PriceList(
                "uusd",
                new BigDecimal("10"),
                new BigDecimal("5"),
                Map.of("ephemeral", new BigDecimal("0.5")),
                Map.of(),
                BigDecimal.ONE);
        Gateway gateway =
                Gateway.start(chain, honest.address(), dir.resolve("honest"), Clock.systemUTC(), "127.0.0.1", 0);
        open.add(gateway);
        gateway.reportStatusWith(
                () -> Map.of("offer", Offer.of(inventory, prices).toJson()));
        register(chain, honest, gateway.port(), gateway.certificate());

        Map<String, Function<Socket, Void>> behaviours = new LinkedHashMap<>();
        behaviours.put("huge", s -> answer(s, "200 OK", "{\"offer\":\"" + "a".repeat(1 << 20) + "\"}"));
        behaviours.put("malformed", s -> answer(s, "200 OK", "{\"offer\": {\"nodes\": [}"));
        behaviours.put("slow", ScreeningHostileTest::drip);
        behaviours.put("escapes", s -> answer(s, "500 Server Error", "\u001b[2J\u001b]0;owned\u0007 boom"));
        behaviours.put("older", s -> answer(s, "200 OK", "{\"provider\":\"x\",\"cpu\":{\"total\":1}}"));
        for (Map.Entry<String, Function<Socket, Void>> b : behaviours.entrySet()) {
            KeyPair k = KEYS.key(b.getKey());
            TlsCertificate cert = TlsCertificate.create(k.address(), List.of("127.0.0.1"));
            register(chain, k, serveTls(cert, b.getValue()), cert);
        }
        // Accepts the connection, then says nothing: the TLS handshake never ends.
        ServerSocket silent = new ServerSocket(0);
        open.add(silent);
        List<Socket> held = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    held.add(silent.accept());
                }
            } catch (IOException e) {
                // closed
            }
        });
        KeyPair silentKey = KEYS.key("silent");
        register(
                chain,
                silentKey,
                silent.getLocalPort(),
                TlsCertificate.create(silentKey.address(), List.of("127.0.0.1")));
        // Registered, but without a certificate: its gateway cannot be trusted.
        ok(
                chain,
                KEYS.key("uncertified"),
                new Msg.CreateProvider(KEYS.key("uncertified").address(), "https://127.0.0.1:9", List.of(), "", ""));
        // Registered with a certificate, not listening.
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        register(
                chain,
                KEYS.key("closed"),
                closedPort,
                TlsCertificate.create(KEYS.key("closed").address(), List.of("127.0.0.1")));

        GroupSpec web =
                Sdl.parse(Fixtures.webSdl(), "web.yaml").document().groups().get(0);
        // The honest gateway's first answer (a cold JVM's TLS and Jetty) is not what the bound is about.
        new dev.vyoma.client.ProviderGateway(chain).status(honest.address());
        long start = System.nanoTime();
        List<Verdict> verdicts = new Screening(chain, WAIT).screen(List.of(web));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        held.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // gone
            }
        });

        // All asked at once, each within its bound: the whole screening within the wait and the chain queries
        // (the dripping provider alone would take 10,000 s, the silent one forever).
        assertThat(took).isLessThan(WAIT.plusSeconds(8));
        Map<Address, Verdict> by = verdicts.stream().collect(Collectors.toMap(Verdict::provider, v -> v));
        assertThat(by).hasSize(1 + HOSTILE.size());
        // The honest provider bids first (0.5 CPU × 10 + 0.5 GiB × 5 + 1 GiB × 0.5 + 1 endpoint).
        assertThat(verdicts.get(0).provider()).isEqualTo(honest.address());
        assertThat(verdicts.get(0)).as(verdicts.toString()).isInstanceOf(Verdict.Bids.class);
        assertThat(((Verdict.Bids) verdicts.get(0)).price().amount()).isEqualByComparingTo("9");
        Map<String, String> why = new LinkedHashMap<>();
        for (String n : HOSTILE) {
            Verdict v = by.get(KEYS.key(n).address());
            assertThat(v).as(n).isInstanceOf(Verdict.Unreachable.class);
            why.put(n, ((Verdict.Unreachable) v).why());
        }
        assertThat(why.get("huge")).endsWith("answered more than " + Screening.MAX_STATUS_BYTES + " bytes");
        assertThat(why.get("malformed")).endsWith("answered something that is not JSON");
        assertThat(why.get("slow")).endsWith("did not answer within 3000 ms");
        assertThat(why.get("silent")).endsWith("did not answer within 3000 ms");
        assertThat(why.get("uncertified")).contains("has published no certificate");
        assertThat(why.get("closed")).contains("connection refused");
        assertThat(why.get("older")).isEqualTo("the status has no offer (a provider of an older version?)");
        assertThat(why.get("escapes")).contains("answered 500", "boom").doesNotContain("\u001b", "\u0007");
    }

    @Test
    void anAuditedProviderIsJudgedOnWhatTheChainSaysItsAuditorsSigned() throws Exception {
        KeyPair provider = KEYS.key("honest");
        KeyPair auditor = KEYS.key("auditor");
        LocalChain local = LocalChain.start(
                dir.resolve("node"),
                LocalChain.fundedGenesis(
                        "vyoma-screening-audit",
                        List.of(new Coin("uusd", 100_000_000), new Coin("uvyo", 100_000_000)),
                        provider.address(),
                        auditor.address()),
                Duration.ofMillis(100));
        open.add(local);
        VyomaClient chain = new VyomaClient(local.url());
        Inventory inventory = new Inventory(
                List.of(new Inventory.NodeSpec("cpu-0", 32_000, 128 * GI, 2048 * GI, List.of(), Set.of())), Map.of());
        PriceList prices = new PriceList(
                "uusd", BigDecimal.TEN, BigDecimal.ONE, Map.of("ephemeral", BigDecimal.ONE), Map.of(), BigDecimal.ONE);
        Gateway gateway =
                Gateway.start(chain, provider.address(), dir.resolve("gw"), Clock.systemUTC(), "127.0.0.1", 0);
        open.add(gateway);
        gateway.reportStatusWith(
                () -> Map.of("offer", Offer.of(inventory, prices).toJson()));
        register(chain, provider, gateway.port(), gateway.certificate());
        String sdl = Fixtures.webSdl()
                .replace(
                        "    dcloud:\n      pricing:",
                        "    dcloud:\n      attributes:\n        region: us-west\n      signedBy:\n        anyOf:\n"
                                + "          - " + auditor.address() + "\n      pricing:");
        List<GroupSpec> groups = Sdl.parse(sdl, "audited.yaml").document().groups();
        Verdict before = new Screening(chain).screen(groups).get(0);
        assertThat(before).as(before.toString()).isInstanceOf(Verdict.Excluded.class);
        assertThat(((Verdict.Excluded) before).skip().by()).isEqualTo(BidEngine.Excluded.SIGNED_BY);
        ok(
                chain,
                auditor,
                new Msg.SignProviderAttributes(
                        auditor.address(), provider.address(), List.of(new Attribute("region", "us-west"))));
        assertThat(new Screening(chain).screen(groups).get(0)).isInstanceOf(Verdict.Bids.class);
    }

    private static void ok(VyomaClient chain, KeyPair k, Msg m) {
        VyomaClient.TxOutcome out = chain.broadcast(chain.sign(k, List.of(m), ""), true);
        assertThat(out.ok()).as(out.log()).isTrue();
    }

    private static void register(VyomaClient chain, KeyPair k, int port, TlsCertificate cert) {
        ok(
                chain,
                k,
                new Msg.CreateProvider(
                        k.address(),
                        "https://127.0.0.1:" + port,
                        List.of(
                                new Attribute("region", "us-west"),
                                new Attribute("capabilities/storage/1/class", "ram"),
                                new Attribute("capabilities/storage/1/persistent", "false")),
                        "",
                        ""));
        ok(chain, k, new Msg.CreateCertificate(k.address(), cert.certPem(), cert.publicKeyPem()));
    }

    /** Serves TLS with {@code cert} on a free loopback port; each connection is handed to {@code behaviour}. */
    private int serveTls(TlsCertificate cert, Function<Socket, Void> behaviour) throws Exception {
        Certificate x509 = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.certPem().getBytes(StandardCharsets.US_ASCII)));
        String body = cert.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
                "k",
                KeyFactory.getInstance("EC")
                        .generatePrivate(
                                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body))),
                new char[0],
                new Certificate[] {x509});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        ServerSocket server =
                ssl.getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        open.add(server);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            readRequest(s.getInputStream());
                            behaviour.apply(s);
                        } catch (IOException e) {
                            // the client left
                        }
                    });
                }
            } catch (IOException e) {
                // closed
            }
        });
        return server.getLocalPort();
    }

    private static void readRequest(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static Void answer(Socket s, String status, String body) {
        try {
            OutputStream out = s.getOutputStream();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // the client left
        }
        return null;
    }

    /** Promises a body and sends it one byte every 100 ms, until the client leaves. */
    private static Void drip(Socket s) {
        try {
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 0; i < 100_000; i++) {
                Thread.sleep(100);
                out.write(' ');
                out.flush();
            }
        } catch (IOException e) {
            // the client left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
