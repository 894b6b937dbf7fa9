package dev.vyoma.cli.deploy;

import dev.vyoma.cli.Args;
import dev.vyoma.cli.OutputCommand;
import dev.vyoma.cli.UserException;
import dev.vyoma.client.EscrowWatcher;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vyoma deploy watch DSEQ}: follows a deployment until it closes (or {@code --for} ends): keeps its escrow
 * funded ({@code --keep}), alerts before it runs out, and with {@code --failover} moves its leases away from a
 * provider that stops answering.
 */
@Command(
        name = "watch",
        description = {
            "Look after a deployment until it closes: vyoma deploy watch DSEQ --from KEY [--keep 24h] [--alert-cmd CMD]"
                    + " [--alert-url URL] [--failover].",
            "--keep tops the escrow up whenever less than that is funded; alerts fire at each --alert-at before the"
                    + " run-out, once per threshold (again only after a deposit moved the run-out beyond it).",
            "The alert command runs with VYOMA_DSEQ, VYOMA_THRESHOLD, VYOMA_RUN_OUT_HEIGHT, VYOMA_RUN_OUT_TIME,"
                    + " VYOMA_BALANCE, VYOMA_DENOM in its environment; the URL gets the same as JSON."
        })
final class WatchCommand extends OutputCommand {
    /** The longest pause between two looks at the chain. */
    static final Duration MAX_POLL = Duration.ofSeconds(10);

    @Mixin
    DeployCommand.Target target;

    @Option(names = "--keep", description = "Keep the deployment funded this far ahead, e.g. 24h.")
    String keep;

    @Option(
            names = "--step",
            description = "Each top-up funds --keep plus this much (default: a quarter of --keep), so deposits are"
                    + " that far apart.")
    String step;

    @Option(
            names = "--alert-at",
            split = ",",
            description = "Alert when the run-out is this near (default: ${DEFAULT-VALUE}).",
            defaultValue = "24h,1h")
    List<String> alertAt;

    @Option(names = "--alert-cmd", description = "A command (run with sh -c) for each alert.")
    String alertCmd;

    @Option(names = "--alert-url", description = "An http(s) URL that each alert is posted to as JSON.")
    String alertUrl;

    @Option(names = "--for", description = "Stop watching after this long (default: until the deployment closes).")
    String forDuration;

    @Override
    public Integer call() throws Exception {
        Duration keepFor = keep == null ? null : Args.duration(keep, "--keep");
        Duration stepBy =
                step == null ? (keepFor == null ? Duration.ZERO : keepFor.dividedBy(4)) : Args.duration(step, "--step");
        if (step != null && keepFor == null) {
            throw new UserException("--step goes with --keep");
        }
        List<Duration> thresholds = new ArrayList<>();
        for (String a : alertAt) {
            thresholds.add(Args.duration(a, "--alert-at"));
        }
        if (thresholds.size() > 8) {
            throw new UserException("--alert-at takes at most 8 thresholds");
        }
        URI url = alertUrl == null ? null : url(alertUrl);
        Duration stopAfter = forDuration == null ? null : Args.duration(forDuration, "--for");
        KeyPair key = target.key();
        DeploymentId id = new DeploymentId(key.address(), Args.number(target.dseq, "DSEQ"));
        VyomaClient chain = target.client.client();
        PrintWriter err = spec.commandLine().getErr();
        AlertHook hook = new AlertHook(alertCmd, url, err);
        EscrowWatcher escrow = new EscrowWatcher(
                chain, key, id, new EscrowWatcher.Options(keepFor, stepBy, thresholds), hook::fire, line -> {
                    err.println("vyoma: " + line);
                    err.flush();
                });
        Instant end = stopAfter == null ? null : Instant.now().plus(stopAfter);
        EscrowWatcher.Outcome last = null;
        while (true) {
            try {
                last = escrow.poll();
                if (last instanceof EscrowWatcher.Ended e) {
                    err.println("vyoma: deployment " + id.dseq() + " closed at height " + e.closedAtHeight() + ": "
                            + e.reason());
                    err.flush();
                    return print(row(id, last));
                }
            } catch (VyomaClient.NodeException | EscrowWatcher.TopUpRefused e) {
                err.println("vyoma: " + e.getMessage() + " (trying again)");
                err.flush();
            }
            if (end != null && Instant.now().isAfter(end)) {
                return print(row(id, last));
            }
            Duration pause = last == null ? Duration.ofSeconds(1) : last.view().blockInterval();
            Thread.sleep(Math.min(MAX_POLL.toMillis(), Math.max(50, pause.toMillis())));
        }
    }

    private static Map<String, Object> row(DeploymentId id, EscrowWatcher.Outcome o) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("dseq", id.dseq());
        if (o != null) {
            row.put("state", o.view().state());
            EscrowColumns.put(row, o.view());
        }
        return row;
    }

    private static URI url(String text) {
        try {
            URI u = new URI(text);
            if (u.getScheme() == null
                    || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new java.net.URISyntaxException(text, "not http(s)");
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new UserException("--alert-url is an http:// or https:// URL; got " + text);
        }
    }
}
