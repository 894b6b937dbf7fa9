package dev.vyoma.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.UserException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The durations {@code topup} and {@code watch} take, and how they are shown back. */
class WatchOptionsTest {
    @Test
    void durationsInWholeUnitsUpToAYear() {
        assertThat(Args.duration("500ms", "--keep")).isEqualTo(Duration.ofMillis(500));
        assertThat(Args.duration("24h", "--keep")).isEqualTo(Duration.ofHours(24));
        assertThat(Args.duration("366d", "--keep")).isEqualTo(Args.MAX_DURATION);
        for (String bad : new String[] {
            "367d", "8785h", "0s", "-5s", "1.5h", "24", "h", "", " 1 h", "1e3s", "99999999999999s", "24hours", "\u0661h"
        }) {
            assertThatThrownBy(() -> Args.duration(bad, "--keep"))
                    .as(bad)
                    .isInstanceOf(UserException.class)
                    .hasMessageStartingWith("--keep is a positive duration up to a year");
        }
    }

    @Test
    void spansShowTheTwoLargestUnits() {
        assertThat(EscrowColumns.span(Duration.ofHours(24))).isEqualTo("1d");
        assertThat(EscrowColumns.span(Duration.ofMinutes(90))).isEqualTo("1h 30m");
        assertThat(EscrowColumns.span(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(EscrowColumns.span(Duration.ofMillis(1500))).isEqualTo("1s 500ms");
        assertThat(EscrowColumns.span(Duration.ZERO)).isEqualTo("0ms");
    }

    @Test
    void alertFactsBecomeCamelCaseJsonNames() {
        assertThat(AlertHook.camel("RUN_OUT_HEIGHT")).isEqualTo("runOutHeight");
        assertThat(AlertHook.camel("DSEQ")).isEqualTo("dseq");
    }

    @Test
    void anAlertRunsTheCommandWithItsFactsAndPostsThemAsJson() throws Exception {
        var tenant = dev.vyoma.ledger.crypto.KeyPair.fromSeed(
                java.util.Arrays.copyOf("hook".getBytes(java.nio.charset.StandardCharsets.UTF_8), 32));
        var view = new dev.vyoma.client.EscrowView(
                new dev.vyoma.ledger.deployment.DeploymentId(tenant.address(), 42),
                "open",
                "uusd",
                100,
                java.time.Instant.parse("2026-01-01T00:00:00Z"),
                Duration.ofSeconds(6),
                new java.math.BigDecimal("600.5"),
                java.math.BigDecimal.TEN,
                161);
        var alert = new dev.vyoma.client.EscrowWatcher.Alert(Duration.ofHours(1), view);
        java.util.concurrent.BlockingQueue<String> bodies = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        java.nio.file.Path out = java.nio.file.Files.createTempFile("alert", ".txt");
        try {
            java.io.StringWriter err = new java.io.StringWriter();
            new AlertHook(
                            "echo \"$VYOMA_DSEQ $VYOMA_THRESHOLD $VYOMA_RUN_OUT_HEIGHT $VYOMA_RUN_OUT_TIME $VYOMA_BALANCE\" > "
                                    + out,
                            java.net.URI.create(
                                    "http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                            new java.io.PrintWriter(err, true))
                    .fire(alert);
            assertThat(java.nio.file.Files.readString(out).trim()).isEqualTo("42 1h 161 2026-01-01T00:06:06Z 600.5");
            var json = new tools.jackson.databind.ObjectMapper()
                    .readTree(bodies.poll(10, java.util.concurrent.TimeUnit.SECONDS));
            assertThat(json.path("dseq").asString()).isEqualTo("42");
            assertThat(json.path("runOutHeight").asString()).isEqualTo("161");
            assertThat(json.path("threshold").asString()).isEqualTo("1h");
            assertThat(err.toString()).contains("deployment 42 runs out within 1h, at height 161");
        } finally {
            server.stop(0);
            java.nio.file.Files.deleteIfExists(out);
        }
    }
}
