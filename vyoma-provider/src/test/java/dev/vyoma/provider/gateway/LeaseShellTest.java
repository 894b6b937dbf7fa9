package dev.vyoma.provider.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vyoma.client.ProviderGateway;
import dev.vyoma.client.ProviderGateway.GatewayException;
import dev.vyoma.client.ProviderGateway.ShellCommand;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.provider.runtime.container.ContainerRuntime;
import dev.vyoma.provider.runtime.container.Engine;
import dev.vyoma.provider.runtime.container.PodmanFixture;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.testkit.ContainerImages;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET …/shell} on a real gateway in front of the container runtime on a real Podman, from the tenant's
 * client: a command's output, stdin and exit code come through; every limit holds at its value and one past it;
 * only the lease's owner gets a shell.
 */
class LeaseShellTest {
    /** Small limits, so that each is reached at once. */
    static final ShellLimits LIMITS = new ShellLimits(3, 2, Duration.ofSeconds(10), 100_000, 1_000);

    static final KeyPair PROVIDER = GatewayRig.KEYS.key("shell-provider");
    static final KeyPair TENANT = GatewayRig.KEYS.key("shell-tenant");
    static final KeyPair STRANGER = GatewayRig.KEYS.key("shell-stranger");
    static final AtomicLong DSEQ = new AtomicLong(100);

    @TempDir
    static Path dir;

    static PodmanFixture podman;
    static GatewayRig rig;
    static SdlDocument sdl;
    static ProviderGateway client;
    static String lease;

    @BeforeAll
    static void start() throws Exception {
        podman = PodmanFixture.start(dir.resolve("podman"));
        rig = GatewayRig.start(
                dir.resolve("rig"),
                state -> new ContainerRuntime(
                        Engine.connect(podman.address()),
                        PROVIDER.address().toString(),
                        state,
                        PodmanFixture.settings()),
                LIMITS,
                PROVIDER,
                TENANT,
                STRANGER);
        sdl = Sdl.parse("""
                        version: "2.0"
                        services:
                          box:
                            image: IMAGE
                            command: ["sh", "-c"]
                            args: ["httpd -p 80 -h /tmp; exec sleep 3600"]
                            expose:
                              - port: 80
                                as: 80
                                to:
                                  - global: true
                        profiles:
                          compute:
                            box:
                              resources:
                                cpu: {units: 0.25}
                                memory: {size: 64Mi}
                                storage: {size: 64Mi}
                          placement:
                            dc:
                              pricing:
                                box: {denom: uusd, amount: 100}
                        deployment:
                          box:
                            dc: {profile: box, count: 1}
                        """.replace("IMAGE", podman.image), "box.yaml").document();
        client = new ProviderGateway(rig.chain);
        lease = deploy();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (rig != null) {
                rig.close();
            }
            PodmanFixture.sweep(PROVIDER.address().toString());
        } finally {
            podman.close();
        }
    }

    /** A new lease of the box, its manifest sent, its replica running. */
    static String deploy() throws Exception {
        BidId id = rig.lease(TENANT, DSEQ.getAndIncrement(), PROVIDER, sdl);
        GatewayRig.Answer put = rig.put(
                "/v1/leases/" + id.order() + "/manifest",
                rig.token(TENANT, id.toString()),
                JsonWriter.compact(AkashJson.manifest(sdl.manifest())));
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> rig.runtime.status(id.toString()).ready() == 1);
        return id.toString();
    }

    /** What a shell printed and how it ended. */
    record Ran(int code, String out, String err) {}

    static Ran shell(String lease, InputStream in, boolean stdin, boolean tty, String... command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            int code = client.shell(
                    TENANT, lease, new ShellCommand("", 0, List.of(command), stdin, tty, 80, 24), in, out, err);
            return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static Ran shell(String... command) {
        return shell(lease, InputStream.nullInputStream(), false, false, command);
    }

    @Test
    void aCommandsOutputAndExitCodeComeThrough() {
        Ran ran = shell("sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(ran.code()).isEqualTo(3);
        assertThat(ran.out()).isEqualTo("out\n");
        assertThat(ran.err()).isEqualTo("err\n");
        // It runs in the replica: the container's hostname, and its own processes.
        assertThat(shell("hostname").out()).isEqualTo("box-0\n");
        assertThat(shell("sh", "-c", "exit 0").code()).isZero();
    }

    @Test
    void stdinReachesTheCommandAndItsEndToo() {
        byte[] text = "hello\nworld\n".getBytes(StandardCharsets.UTF_8);
        Ran ran = shell(lease, new ByteArrayInputStream(text), true, false, "cat");
        assertThat(ran.code()).isZero();
        assertThat(ran.out()).isEqualTo("hello\nworld\n");
        // Without -i the command reads nothing.
        assertThat(shell("sh", "-c", "cat; echo read-nothing").out()).isEqualTo("read-nothing\n");
    }

    @Test
    void aTerminalIsGivenOnlyWhenAsked() {
        // A terminal turns each \n into \r\n; its size is the one the client sent.
        assertThat(shell(
                                lease,
                                InputStream.nullInputStream(),
                                false,
                                true,
                                "sh",
                                "-c",
                                "test -t 0 && test -t 1 && echo terminal")
                        .out())
                .isEqualTo("terminal\r\n");
        assertThat(shell("sh", "-c", "test -t 1 || echo no-terminal").out()).isEqualTo("no-terminal\n");
    }

    @Test
    void outputAtTheLimitPassesAndOneBytePastStopsTheCommand() {
        Ran at = shell("head", "-c", Long.toString(LIMITS.maxOutputBytes()), "/dev/zero");
        assertThat(at.code()).isZero();
        assertThat(at.out()).hasSize((int) LIMITS.maxOutputBytes());
        assertThatThrownBy(() -> shell("head", "-c", Long.toString(LIMITS.maxOutputBytes() + 1), "/dev/zero"))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("the command wrote more than 100000 bytes, the most a shell passes on");
    }

    @Test
    void inputAtTheLimitPassesAndOneBytePastStopsTheCommand() {
        int max = (int) LIMITS.maxInputBytes();
        Ran at = shell(lease, new ByteArrayInputStream(new byte[max]), true, false, "wc", "-c");
        assertThat(at.out().strip()).isEqualTo(Integer.toString(max));
        assertThatThrownBy(() -> shell(lease, new ByteArrayInputStream(new byte[max + 1]), true, false, "wc", "-c"))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("more than 1000 bytes of stdin, the most a shell takes");
    }

    @Test
    void aCommandPastTheLongestRunIsStoppedAndKilled() throws Exception {
        assertThatThrownBy(() -> shell("sleep", "4321"))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("the command ran for 10 s, the longest a shell may; it was stopped");
        assertThat(shell("ps").out()).doesNotContain("sleep 4321");
        assertThat(ContainerImages.run(List.of("pgrep", "-f", "sleep 4321")).code())
                .isNotZero();
    }

    @Test
    void aTenantWhoLeavesStopsTheCommand() throws Exception {
        PipedOutputStream keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                client.shell(
                        TENANT,
                        lease,
                        new ShellCommand("", 0, List.of("sleep", "4322"), true, false, 0, 0),
                        in,
                        new ByteArrayOutputStream(),
                        new ByteArrayOutputStream());
            } catch (InterruptedException | GatewayException e) {
                // left
            }
        });
        await().atMost(10, TimeUnit.SECONDS).until(() -> shell("ps").out().contains("sleep 4322"));
        t.interrupt();
        t.join(10_000);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !shell("ps").out().contains("sleep 4322"));
        keyboard.close();
    }

    @Test
    void shellsPerLeaseAndInAllAtTheLimitAndOnePast() throws Exception {
        List<Thread> open = new ArrayList<>();
        List<CompletableFuture<Ran>> results = new ArrayList<>();
        try {
            // Another lease first: the shells below must all be open within the longest run.
            String other = deploy();
            // Two shells in the lease: its most.
            for (int i = 0; i < LIMITS.shellsPerLease(); i++) {
                results.add(background(lease, open));
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> rig.gateway.openShells() == LIMITS.shellsPerLease());
            assertThatThrownBy(() -> shell("true"))
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("answered 429")
                    .hasMessageContaining("already has 2 shell(s) open, the most a lease may");
            // A third in the other lease: the provider's most; a fourth anywhere is refused.
            results.add(background(other, open));
            await().atMost(10, TimeUnit.SECONDS).until(() -> rig.gateway.openShells() == LIMITS.shells());
            assertThatThrownBy(() -> shell(other, InputStream.nullInputStream(), false, false, "true"))
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("answered 503")
                    .hasMessageContaining("has 3 shells open, its most");
        } finally {
            open.forEach(Thread::interrupt);
            for (Thread t : open) {
                t.join(10_000);
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> rig.gateway.openShells() == 0);
        assertThat(shell("true").code()).isZero();
    }

    @Test
    void aMessageAtTheLargestSizeReachesTheShellAndOneBytePastClosesIt() throws Exception {
        BidId id = BidId.parse(lease);
        java.net.URI uri = java.net.URI.create(
                "wss://127.0.0.1:" + rig.gateway.port() + "/v1/leases/" + id.order() + "/shell?cmd=cat&stdin=true");
        for (int size : new int[] {ShellLimits.MAX_MESSAGE_BYTES, ShellLimits.MAX_MESSAGE_BYTES + 1}) {
            CompletableFuture<String> ended = new CompletableFuture<>();
            StringBuilder failure = new StringBuilder();
            java.net.http.WebSocket ws = rig.https
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + rig.token(TENANT, lease))
                    .buildAsync(uri, new java.net.http.WebSocket.Listener() {
                        @Override
                        public java.util.concurrent.CompletionStage<?> onBinary(
                                java.net.http.WebSocket w, java.nio.ByteBuffer data, boolean last) {
                            byte[] m = new byte[data.remaining()];
                            data.get(m);
                            if (m[0] == dev.vyoma.client.LeaseShellFrames.FAILURE) {
                                failure.append(new String(m, 1, m.length - 1, StandardCharsets.UTF_8));
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public java.util.concurrent.CompletionStage<?> onClose(
                                java.net.http.WebSocket w, int status, String reason) {
                            ended.complete(status + " " + failure);
                            return null;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            byte[] message = new byte[size];
            message[0] = dev.vyoma.client.LeaseShellFrames.STDIN;
            ws.sendBinary(java.nio.ByteBuffer.wrap(message), true);
            String how = ended.get(20, TimeUnit.SECONDS);
            if (size == ShellLimits.MAX_MESSAGE_BYTES) {
                // Read, and stopped by the (small) stdin limit of this rig.
                assertThat(how)
                        .isEqualTo("1000 the command was sent more than 1000 bytes of stdin, the most a"
                                + " shell takes; it was stopped");
            } else {
                assertThat(how).startsWith("1009"); // message too big: closed before it is read
            }
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> rig.gateway.openShells() == 0);
    }

    @Test
    void theProcessRuntimeSaysItDoesNotRunShells() throws Exception {
        KeyPair provider = GatewayRig.KEYS.key("shell-process-provider");
        try (GatewayRig processes = GatewayRig.start(dir.resolve("process-rig"), provider, TENANT)) {
            BidId id = processes.lease(TENANT, 1, provider);
            GatewayRig.Answer put = processes.put(
                    "/v1/leases/" + id.order() + "/manifest",
                    processes.token(TENANT, id.toString()),
                    processes.manifest());
            assertThat(put.status()).as(put.body()).isEqualTo(202);
            CompletableFuture<java.net.http.WebSocket> upgrade = processes
                    .https
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + processes.token(TENANT, id.toString()))
                    .buildAsync(
                            java.net.URI.create("wss://127.0.0.1:" + processes.gateway.port() + "/v1/leases/"
                                    + id.order() + "/shell?cmd=id"),
                            new java.net.http.WebSocket.Listener() {})
                    .toCompletableFuture();
            assertThatThrownBy(upgrade::join)
                    .cause()
                    .isInstanceOfSatisfying(java.net.http.WebSocketHandshakeException.class, e -> {
                        assertThat(e.getResponse().statusCode()).isEqualTo(501);
                        assertThat(e.getResponse().body().toString())
                                .contains("shell is not supported by the process runtime");
                    });
        }
    }

    /** A shell running {@code sleep 30} in {@code lease}, on a thread added to {@code open}. */
    private static CompletableFuture<Ran> background(String lease, List<Thread> open) {
        CompletableFuture<Ran> f = new CompletableFuture<>();
        open.add(Thread.ofPlatform().start(() -> {
            try {
                f.complete(shell(lease, InputStream.nullInputStream(), false, false, "sleep", "30"));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }));
        return f;
    }

    @Test
    void onlyTheLeasesOwnerGetsAShellAndTheQueryIsChecked() throws Exception {
        // Another account's token for this lease.
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThatThrownBy(() -> client.shell(
                        STRANGER,
                        lease,
                        new ShellCommand("", 0, List.of("id"), false, false, 0, 0),
                        InputStream.nullInputStream(),
                        sink,
                        sink))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("answered 403")
                .hasMessageContaining(
                        "the lease belongs to " + TENANT.address() + ", the token to " + STRANGER.address());
        assertThat(sink.size()).isZero();
        BidId id = BidId.parse(lease);
        String path = "/v1/leases/" + id.order() + "/shell";
        // An upgrade without a token is refused as the other lease routes refuse it.
        try (javax.net.ssl.SSLSocket socket = rig.connect("127.0.0.1")) {
            socket.getOutputStream()
                    .write(("GET " + path + "?cmd=id HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.read());
            }
            int length = Integer.parseInt(head.toString()
                    .replaceAll("(?is).*content-length: *([0-9]+).*", "$1")
                    .strip());
            assertThat(head.toString()).startsWith("HTTP/1.1 401");
            assertThat(new String(in.readNBytes(length), StandardCharsets.UTF_8))
                    .contains("send Authorization: Bearer <lease token signed by the lease's owner>");
        }
        assertThatThrownBy(() -> client.shell(
                        TENANT,
                        lease,
                        new ShellCommand("nope", 0, List.of("id"), false, false, 0, 0),
                        InputStream.nullInputStream(),
                        sink,
                        sink))
                .hasMessageContaining("answered 404")
                .hasMessageContaining("the lease has no service nope; it runs box");
        assertThatThrownBy(() -> client.shell(
                        TENANT,
                        lease,
                        new ShellCommand("box", 7, List.of("id"), false, false, 0, 0),
                        InputStream.nullInputStream(),
                        sink,
                        sink))
                .hasMessageContaining("answered 404")
                .hasMessageContaining("service box has replicas 0 to 0, not 7");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= ShellLimits.MAX_COMMAND_ARGS; i++) {
            tooMany.add("a");
        }
        assertThatThrownBy(() -> client.shell(
                        TENANT,
                        lease,
                        new ShellCommand("", 0, tooMany, false, false, 0, 0),
                        InputStream.nullInputStream(),
                        sink,
                        sink))
                .hasMessageContaining("answered 400")
                .hasMessageContaining("the command has 65 arguments, over 64");
        int chars = ShellLimits.MAX_COMMAND_CHARS;
        assertThat(shell("echo", "x".repeat(chars - 4)).out()).hasSize(chars - 4 + 1);
        assertThatThrownBy(() -> shell("echo", "x".repeat(chars - 3)))
                .hasMessageContaining("answered 400")
                .hasMessageContaining("the command is 2049 characters, over 2048");
        assertThat(shell(tooMany.subList(0, ShellLimits.MAX_COMMAND_ARGS).stream()
                                .map(a -> "true")
                                .toArray(String[]::new))
                        .code())
                .isZero();
    }
}
