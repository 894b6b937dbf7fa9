package dev.vyoma.cli.deploy;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.SdlFiles;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.Deployer;
import dev.vyoma.client.EscrowWatcher;
import dev.vyoma.client.Failover;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.sdl.SdlDocument;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
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
                    + " [--alert-url URL] [--failover --sdl FILE [--grace 60s]].",
            "--keep tops the escrow up whenever less than that is funded; alerts fire at each --alert-at before the"
                    + " run-out, once per threshold (again only after a deposit moved the run-out beyond it).",
            "The alert command runs with VYOMA_DSEQ, VYOMA_THRESHOLD, VYOMA_RUN_OUT_HEIGHT, VYOMA_RUN_OUT_TIME,"
                    + " VYOMA_BALANCE, VYOMA_DENOM in its environment; the URL gets the same as JSON."
        })
final class WatchCommand extends OutputCommand {
    /** The longest pause between two looks at the chain. */
    static final Duration MAX_POLL = Duration.ofSeconds(10);

    /** The shortest pause between two rounds of lease status requests to the providers. */
    static final Duration LEASE_POLL = Duration.ofSeconds(1);

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

    @Option(
            names = "--failover",
            description = "Move a lease to another provider when its provider stops answering (or reports the lease"
                    + " failed) for the --grace period. Needs --sdl; persistent data on the old provider is lost.")
    boolean failover;

    @Option(
            names = "--sdl",
            description = "With --failover: the SDL file the deployment runs, to send to a new provider.")
    String sdl;

    @Option(
            names = "--grace",
            description = "With --failover: how long a provider may stay silent or report a failure (default:"
                    + " ${DEFAULT-VALUE}).",
            defaultValue = "60s")
    String grace;

    @Option(
            names = "--timeout",
            description =
                    "With --failover: how long to wait for bids, then for the services (default: ${DEFAULT-VALUE}).",
            defaultValue = "120s")
    String timeout;

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
        Failover leases = null;
        if (failover) {
            if (sdl == null) {
                throw new UserException(
                        "--failover needs --sdl FILE: the SDL the deployment runs, for the new provider");
            }
            leases = failover(chain, key, id, SdlFiles.requireValid(sdl, System.in, err), grace, timeout, err);
        } else if (sdl != null) {
            throw new UserException("--sdl goes with --failover");
        }
        EscrowWatcher escrow = new EscrowWatcher(
                chain, key, id, new EscrowWatcher.Options(keepFor, stepBy, thresholds), hook::fire, line -> {
                    err.println("vyoma: " + line);
                    err.flush();
                });
        return print(loop(escrow, leases, id, stopAfter, err));
    }

    /** Starts failover for {@code id}, run by {@code doc}, with the {@code --grace} and {@code --timeout} given. */
    static Failover failover(
            VyomaClient chain,
            KeyPair key,
            DeploymentId id,
            SdlDocument doc,
            String grace,
            String timeout,
            PrintWriter err) {
        Duration wait = Args.duration(timeout, "--timeout");
        try {
            return new Failover(
                    chain,
                    key,
                    id,
                    doc,
                    new Failover.Options(Args.duration(grace, "--grace"), wait, wait),
                    Clock.systemUTC(),
                    line -> {
                        err.println("vyoma: " + line);
                        err.flush();
                    });
        } catch (Deployer.DeployException | VyomaClient.NodeException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** Polls until the deployment closes or {@code stopAfter} has passed; the escrow's last state as a row. */
    static Map<String, Object> loop(
            EscrowWatcher escrow, Failover leases, DeploymentId id, Duration stopAfter, PrintWriter err)
            throws InterruptedException {
        Instant end = stopAfter == null ? null : Instant.now().plus(stopAfter);
        EscrowWatcher.Outcome last = null;
        Instant leasesPolled = Instant.EPOCH;
        int moved = 0;
        while (true) {
            try {
                last = escrow.poll();
                if (last instanceof EscrowWatcher.Ended e) {
                    err.println("vyoma: deployment " + id.dseq() + " closed at height " + e.closedAtHeight() + ": "
                            + e.reason());
                    err.flush();
                    return row(id, last, moved);
                }
                // Providers are asked at most once a second, whatever the block interval.
                if (leases != null
                        && Duration.between(leasesPolled, Instant.now()).compareTo(LEASE_POLL) >= 0) {
                    leasesPolled = Instant.now();
                    moved += leases.poll().size();
                }
            } catch (Deployer.DeployException e) {
                // A failover that found no other provider: the deployment is closed, nothing is left to watch.
                throw new UserException(e.getMessage());
            } catch (VyomaClient.NodeException | EscrowWatcher.TopUpRefused e) {
                err.println("vyoma: " + e.getMessage() + " (trying again)");
                err.flush();
            }
            if (end != null && Instant.now().isAfter(end)) {
                return row(id, last, moved);
            }
            Duration pause = last == null ? Duration.ofSeconds(1) : last.view().blockInterval();
            Thread.sleep(Math.min(MAX_POLL.toMillis(), Math.max(50, pause.toMillis())));
        }
    }

    private static Map<String, Object> row(DeploymentId id, EscrowWatcher.Outcome o, int moved) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("dseq", id.dseq());
        row.put("failovers", moved);
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
