package dev.vyoma.cli.deploy;

import dev.vyoma.client.EscrowWatcher;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells the tenant that a deployment's run-out is near: runs {@code --alert-cmd} through {@code sh -c} with the
 * facts in its environment, and posts them as JSON to {@code --alert-url}. A hook that fails or hangs is
 * reported and does not stop the watch.
 */
final class AlertHook {
    /** How long a command or a webhook may take before it is given up. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String command;
    private final URI url;
    private final PrintWriter err;
    private final HttpClient http;

    AlertHook(String command, URI url, PrintWriter err) {
        this.command = command;
        this.url = url;
        this.err = err;
        this.http = url == null
                ? null
                : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The facts of an alert, by the names the command's environment and the webhook's JSON use. */
    static Map<String, String> facts(EscrowWatcher.Alert a) {
        var v = a.view();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("OWNER", v.deployment().owner().toString());
        f.put("DSEQ", Long.toString(v.deployment().dseq()));
        f.put("THRESHOLD", EscrowColumns.span(a.threshold()));
        f.put("THRESHOLD_SECONDS", Long.toString(a.threshold().toSeconds()));
        f.put("HEIGHT", Long.toString(v.height()));
        f.put("RUN_OUT_HEIGHT", Long.toString(v.runOutHeight()));
        f.put("RUN_OUT_TIME", v.runOutTime().truncatedTo(ChronoUnit.SECONDS).toString());
        f.put("BALANCE", EscrowColumns.amount(v.balance()));
        f.put("DENOM", v.denom());
        return f;
    }

    void fire(EscrowWatcher.Alert a) {
        Map<String, String> facts = facts(a);
        err.println("vyoma: alert: deployment " + facts.get("DSEQ") + " runs out within " + facts.get("THRESHOLD")
                + ", at height " + facts.get("RUN_OUT_HEIGHT") + " (about " + facts.get("RUN_OUT_TIME") + ")");
        err.flush();
        if (command != null) {
            runCommand(facts);
        }
        if (url != null) {
            post(facts);
        }
    }

    private void runCommand(Map<String, String> facts) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        facts.forEach((k, v) -> pb.environment().put("VYOMA_" + k, v));
        try {
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                warn("--alert-cmd took longer than " + EscrowColumns.span(TIMEOUT) + " and was stopped");
            } else if (p.exitValue() != 0) {
                warn("--alert-cmd exited with " + p.exitValue());
            }
        } catch (java.io.IOException e) {
            warn("--alert-cmd did not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(Map<String, String> facts) {
        Map<String, String> body = new LinkedHashMap<>();
        facts.forEach((k, v) -> body.put(camel(k), v));
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(url)
                            .timeout(TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    JsonMapper.builder().build().writeValueAsString(body), StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                warn("--alert-url answered " + r.statusCode());
            }
        } catch (java.io.IOException e) {
            warn("--alert-url did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code RUN_OUT_HEIGHT} as {@code runOutHeight}. */
    static String camel(String upper) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : upper.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    private void warn(String line) {
        err.println("vyoma: " + line);
        err.flush();
    }
}
