package dev.vyoma.faults;

import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.Governance;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.membership.MembershipClient;
import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.testkit.Fixtures;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * One run of the campaign, from a seed: a network of validators on the {@link Testbed}, a {@link Workload}, and one
 * fault after another for the run's duration, each held for a few seconds and then healed; then everything heals,
 * the members must all pass the height the chain had reached, and the {@link HistoryCheck} reads what they stored.
 * The seed chooses the faults, their targets and how long they last; the interleaving with the processes' own
 * timing is the machine's, so a replay repeats the same schedule of faults, not the same interleaving. A test can
 * instead give a {@link Schedule} of its own ({@link #scripted}): fixed faults against chosen members, with the same
 * network, workload, heal and checks around them.
 */
final class Campaign {
    /**
     * What a run does to the network while the clients commit, between the start of the workload and the heal: the
     * seed's random faults, or a fixed script. It works through the run's {@link #bed}, {@link #members} and the
     * helpers below; whatever it leaves broken, the heal repairs before the checks.
     */
    @FunctionalInterface
    interface Schedule {
        void run(Campaign run) throws Exception;
    }

    /** The faults a run injects. */
    enum Fault {
        /** A minority cut off from the majority, both ways. */
        PARTITION,
        /** The leader cut off from every other member, both ways. */
        ISOLATE_LEADER,
        /** One member no longer hears another (or the leader hears nobody) while its own packets still go out. */
        ONE_WAY,
        /** A member frozen by SIGSTOP, then SIGCONT. */
        PAUSE,
        /** A member killed by SIGKILL, then started again on its data. */
        KILL,
        /** A member's disk filled to the last byte, then freed. */
        DISK_FULL,
        /**
         * A member removed from the validators, killed, its chain data deleted, started again empty and added back: it
         * catches up from the leader.
         */
        WIPE
    }

    /** What a run did and found. */
    record Result(
            long seed,
            int validators,
            long seconds,
            boolean wipes,
            Map<Fault, Integer> injected,
            long acknowledged,
            long attempts,
            long indeterminate,
            long height,
            long txs,
            List<String> failures,
            Path logs) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    static final int CLIENTS = 4;
    static final long DISK_BYTES = 192L << 20;
    static final long BLOCK_INTERVAL_MILLIS = 250;
    /** Small, so that runs take snapshots and members restart from them. */
    static final long SNAPSHOT_EVERY_BLOCKS = 64;

    private static final Duration START = Duration.ofSeconds(300);
    private static final Duration CONVERGE = Duration.ofSeconds(300);

    private final long seed;
    private final int validators;
    private final Duration duration;
    private final PrintStream out;
    private final Schedule schedule;
    /** The members' Raft log segment size, when a schedule sets one (else the homes' default). */
    private final OptionalLong logSegmentBytes;

    private final SplittableRandom random;
    /** The faults this run draws from: all, or all but {@code WIPE} (see {@link FaultCampaign.Plan}). */
    private final List<Fault> kinds;

    private final boolean wipes;
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final List<String> failures = new ArrayList<>();
    private long startedNanos;
    private Testbed bed;
    private final List<Validator> members = new ArrayList<>();
    private Workload workload;

    private Campaign(
            long seed,
            int validators,
            Duration duration,
            boolean wipes,
            Schedule schedule,
            OptionalLong logSegmentBytes,
            PrintStream out) {
        this.seed = seed;
        this.schedule = schedule;
        this.logSegmentBytes = logSegmentBytes;
        this.kinds = Arrays.stream(Fault.values())
                .filter(f -> wipes || f != Fault.WIPE)
                .toList();
        this.wipes = wipes;
        this.validators = validators;
        this.duration = duration;
        this.out = out;
        this.random = new SplittableRandom(seed);
    }

    /** Runs the seed; never throws for what it finds (that is in the result), only when the testbed cannot be made. */
    static Result run(long seed, int validators, Duration duration, boolean wipes, PrintStream out) throws Exception {
        return new Campaign(seed, validators, duration, wipes, Campaign::randomFaults, OptionalLong.empty(), out).run();
    }

    /**
     * Runs {@code schedule} instead of the seed's random faults (the seed still names the chain and drives the
     * clients), then heals and checks as every run does. Its result's {@code seconds} is how long the schedule took.
     * {@code logSegmentBytes}, when present, is every member's Raft log segment size (small segments have the log
     * start a new file, and so ask the disk for room, every few blocks).
     */
    static Result scripted(long seed, int validators, OptionalLong logSegmentBytes, Schedule schedule, PrintStream out)
            throws Exception {
        return new Campaign(seed, validators, Duration.ZERO, false, schedule, logSegmentBytes, out).run();
    }

    /** The seed's faults, one after another until the run's duration has passed. */
    private static void randomFaults(Campaign run) throws Exception {
        long deadline = run.startedNanos + run.duration.toNanos();
        while (System.nanoTime() < deadline) {
            run.inject(run.bed, run.members);
        }
    }

    static String replay(long seed, int validators, Duration duration, boolean wipes) {
        return "bin/faults --seed " + seed + " --seconds " + duration.toSeconds() + " --validators " + validators
                + (wipes ? "" : " --wipe 0");
    }

    private Result run() throws Exception {
        String chainId = "vyoma-faults-" + Long.toUnsignedString(seed, 36);
        Genesis genesis = genesis(chainId);
        SdlDocument sdl = Sdl.parse(
                        Files.readString(Fixtures.repositoryRoot().resolve("examples/web.yaml")), "web.yaml")
                .document();
        long height = 0;
        long txs = 0;
        long seconds = duration.toSeconds();
        Path logs;
        try (Testbed bed = Testbed.open(validators, DISK_BYTES)) {
            this.bed = bed;
            logs = bed.runDir().resolve("logs");
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < validators; i++) {
                hosts.add(Testbed.address(i));
            }
            // The steps of the README's network on several machines: homes that name each member's address,
            // every member listening on all interfaces; each home then lives on its own machine.
            NodeHome.testnet(
                    bed.runDir(),
                    hosts,
                    Optional.of("0.0.0.0"),
                    Collections.nCopies(validators, Validator.RAFT_PORT),
                    Collections.nCopies(validators, Validator.API_PORT),
                    genesis,
                    BLOCK_INTERVAL_MILLIS,
                    SNAPSHOT_EVERY_BLOCKS);
            if (logSegmentBytes.isPresent()) {
                for (int i = 0; i < validators; i++) {
                    NodeHome home = NodeHome.at(bed.dataDir(i));
                    NodeHome.Settings settings = home.settings();
                    Files.writeString(
                            home.configFile(),
                            NodeHome.settingsJson(settings.with(
                                    settings.governance().withLogSegmentBytes(logSegmentBytes.getAsLong()))));
                }
            }
            for (int i = 0; i < validators; i++) {
                members.add(new Validator(i, bed.dataDir(i), bed.log(i)));
            }
            for (Validator v : members) {
                v.start();
            }
            for (Validator v : members) {
                if (!v.awaitServing(START)) {
                    throw new IllegalStateException(v.id() + " did not start; see " + bed.log(v.index()));
                }
            }
            if (leader(members) < 0 && !awaitLeader(members, START)) {
                throw new IllegalStateException("no leader within " + START.toSeconds() + " s; logs in " + logs);
            }
            startedNanos = System.nanoTime();
            workload = new Workload(
                    chainId, members, sdl.groups(), sdl.manifestVersion().hex(), seed, CLIENTS);
            workload.start();

            schedule.run(this);
            if (duration.isZero()) {
                seconds = Math.round((System.nanoTime() - startedNanos) / 1e9);
            }
            healAll(bed, members);
            long mustReach = 0;
            for (Validator v : members) {
                mustReach = Math.max(mustReach, v.height());
            }
            mustReach += 3;
            note("healed; every member must pass height " + mustReach);
            if (!converge(members, mustReach)) {
                for (Validator v : members) {
                    long h = v.height();
                    if (h < mustReach) {
                        v.dumpThreads();
                        failures.add(v.id() + " is stuck at height " + h + " (" + (v.alive() ? "running" : "exited")
                                + ") " + CONVERGE.toSeconds() + " s after healing; the chain passed " + mustReach);
                    }
                }
            }
            workload.close();
            failures.addAll(workload.errors());
            for (Validator v : members) {
                v.terminate();
            }
            List<Path> homes = members.stream().map(Validator::home).toList();
            HistoryCheck.Outcome outcome =
                    HistoryCheck.run(genesis, homes, workload.acks(), CLIENTS, failures.isEmpty() ? mustReach : 0);
            failures.addAll(outcome.failures());
            height = outcome.height();
            txs = outcome.txs();
            if (!failures.isEmpty()) {
                logs = keepLogs(bed);
            }
        } finally {
            if (workload != null) {
                workload.close();
            }
            for (Validator v : members) {
                v.kill();
            }
        }
        return new Result(
                seed,
                validators,
                seconds,
                wipes,
                injected,
                workload.acks().size(),
                workload.attempts(),
                workload.indeterminate(),
                height,
                txs,
                List.copyOf(failures),
                logs);
    }

    // What a schedule works with.

    Testbed bed() {
        return bed;
    }

    List<Validator> members() {
        return List.copyOf(members);
    }

    /** The index of the member that says it leads, or -1. */
    int leader() {
        return leader(members);
    }

    /** How many transactions the chain acknowledged to the clients so far. */
    int acknowledged() {
        return workload.acks().size();
    }

    /** Records a fault the schedule injected, for the run's figures. */
    void injected(Fault fault) {
        injected.merge(fault, 1, Integer::sum);
    }

    /** Where the logs of failed runs stay (the next run removes its predecessor's run directory). */
    static final Path FAILED = Testbed.ROOT.resolveSibling("vyoma-faults-failed");

    private Path keepLogs(Testbed bed) throws IOException {
        Path dir = FAILED.resolve("seed-" + seed + "-" + System.currentTimeMillis());
        Files.createDirectories(dir);
        for (int i = 0; i < validators; i++) {
            if (Files.exists(bed.log(i))) {
                Files.copy(bed.log(i), dir.resolve(bed.log(i).getFileName()));
            }
        }
        return dir;
    }

    private static Genesis genesis(String chainId) {
        List<Genesis.Allocation> accounts = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            accounts.add(new Genesis.Allocation(
                    Workload.client(c).address(),
                    List.of(
                            new Coin(Workload.DENOM_PRICE, Workload.FUNDS),
                            new Coin(Workload.DENOM_FEE, Workload.FUNDS))));
        }
        return new Genesis(chainId, 1_700_000_000_000L, Params.defaults(), accounts);
    }

    /** Chooses a fault, holds it, heals it, and lets the network settle. */
    private void inject(Testbed bed, List<Validator> members) throws Exception {
        Fault fault = kinds.get(random.nextInt(kinds.size()));
        long holdMillis = 2_000L + random.nextInt(4_000);
        long settleMillis = 2_000L + random.nextInt(2_000);
        int n = members.size();
        int leader = leader(members);
        int someone = random.nextInt(n);
        int target = leader >= 0 && random.nextBoolean() ? leader : someone;
        switch (fault) {
            case PARTITION -> {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    order.add(i);
                }
                shuffle(order);
                int minority = 1 + random.nextInt((n - 1) / 2);
                Set<Integer> small = new HashSet<>(order.subList(0, minority));
                Set<Integer> large = new HashSet<>(order.subList(minority, n));
                note("partition " + ids(small) + " | " + ids(large) + " for " + holdMillis + " ms");
                for (int i : small) {
                    bed.cut(i, large);
                }
                for (int i : large) {
                    bed.cut(i, small);
                }
                Thread.sleep(holdMillis);
                bed.heal();
            }
            case ISOLATE_LEADER -> {
                int l = leader >= 0 ? leader : someone;
                Set<Integer> others = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    if (i != l) {
                        others.add(i);
                        bed.cut(i, Set.of(l));
                    }
                }
                bed.cut(l, others);
                note("isolate leader n" + l + " for " + holdMillis + " ms");
                Thread.sleep(holdMillis);
                bed.heal();
            }
            case ONE_WAY -> {
                if (leader >= 0 && random.nextBoolean()) {
                    for (int i = 0; i < n; i++) {
                        if (i != leader) {
                            bed.cutOneWay(i, leader);
                        }
                    }
                    note("leader n" + leader + " hears nobody (its packets still go out) for " + holdMillis + " ms");
                } else {
                    int from = someone;
                    int to = (from + 1 + random.nextInt(n - 1)) % n;
                    bed.cutOneWay(from, to);
                    note("n" + to + " no longer hears n" + from + " for " + holdMillis + " ms");
                }
                Thread.sleep(holdMillis);
                bed.heal();
            }
            case PAUSE -> {
                Validator v = members.get(target);
                note("pause n" + target + (target == leader ? " (leader)" : "") + " for " + holdMillis + " ms");
                v.pause();
                Thread.sleep(holdMillis);
                v.resume();
            }
            case KILL -> {
                Validator v = members.get(target);
                note("kill -9 n" + target + (target == leader ? " (leader)" : "") + ", restart after " + holdMillis
                        + " ms");
                v.kill();
                Thread.sleep(holdMillis);
                restart(v);
            }
            case DISK_FULL -> {
                Validator v = members.get(target);
                long filled = bed.fillDisk(target);
                note("disk of n" + target + " full (" + (filled >> 20) + " MiB filler) for " + holdMillis + " ms");
                Thread.sleep(holdMillis);
                bed.freeDisk(target);
                if (!v.alive()) {
                    note("n" + target + " exited on the full disk; restarted");
                    restart(v);
                }
            }
            case WIPE -> {
                // Raft keeps its promises while a majority keeps its data: wipe only a member of a whole, caught-up
                // network (docs/faults.md).
                if (!converge(members, maxHeight(members))) {
                    note("wipe skipped: the members are not level");
                    return;
                }
                Validator via = members.get((someone + 1 + random.nextInt(n - 1)) % n);
                if (!wipe(members.get(someone), via, members)) {
                    return;
                }
            }
        }
        injected.merge(fault, 1, Integer::sum);
        Thread.sleep(settleMillis);
    }

    /**
     * A member that lost its data comes back as a new member: removed from the validators (so that the quorum no
     * longer waits for it and no leader keeps what it had acknowledged), wiped, started empty outside the group, and
     * added again, which has the leader catch it up from its log or its snapshot. The changes go to {@code via} and
     * are approved by a majority of the operators (the testnet's threshold): the node keys of {@code via} and of the
     * members after it, from their homes. Returns whether the wipe was made.
     */
    private boolean wipe(Validator v, Validator via, List<Validator> members) throws Exception {
        NodeHome home = NodeHome.at(v.home());
        NodeHome.Settings settings = home.settings();
        List<KeyPair> operators = new ArrayList<>();
        int first = members.indexOf(via);
        for (int i = 0; i < Governance.majority(members.size()); i++) {
            operators.add(NodeHome.at(members.get((first + i) % members.size()).home())
                    .key());
        }
        MembershipClient client = new MembershipClient(via.api());
        note("wipe " + v.id() + ": remove it (through " + via.id()
                + "), delete its data, start it empty, add it again");
        if (!Membership.change(client, () -> client.remove(operators, v.id()), c -> !listed(c, v.id()))) {
            failures.add("could not remove " + v.id() + " before wiping it");
            note(v.id() + " could not be removed; not wiped");
            return false;
        }
        v.kill();
        deleteTree(v.home().resolve("raft"));
        deleteTree(v.home().resolve("blocks"));
        Files.writeString(
                home.configFile(),
                NodeHome.settingsJson(settings.with(settings.governance().withJoin(true))));
        restart(v);
        NodeHome.Member self = settings.self();
        if (!Membership.change(
                client,
                () -> client.add(operators, v.id(), self.raftAddress(), self.apiAddress()),
                c -> listed(c, v.id()))) {
            failures.add("could not add " + v.id() + " again after wiping it");
            note(v.id() + " could not be added again");
        }
        return true;
    }

    private static boolean listed(MembershipClient.Current c, String id) {
        return c.validators().stream().anyMatch(m -> m.id().equals(id));
    }

    /** Starts a member that stopped and waits until its API answers; whether it did (a failure of the run if not). */
    boolean restart(Validator v) throws Exception {
        v.start();
        if (!v.awaitServing(START)) {
            failures.add(v.id() + " did not start again (exited: " + !v.alive() + ")");
            note(v.id() + " did not start again");
            return false;
        }
        return true;
    }

    private void healAll(Testbed bed, List<Validator> members) throws Exception {
        bed.heal();
        for (int i = 0; i < members.size(); i++) {
            Validator v = members.get(i);
            v.resume();
            bed.freeDisk(i);
            if (!v.alive()) {
                note(v.id() + " was not running at the end; restarted");
                restart(v);
            }
        }
    }

    /** Whether every member reaches {@code height} within {@link #CONVERGE}. */
    private static boolean converge(List<Validator> members, long height) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (System.nanoTime() < deadline) {
            if (members.stream().allMatch(v -> v.height() >= height)) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private static long maxHeight(List<Validator> members) {
        return members.stream().mapToLong(Validator::height).max().orElse(0);
    }

    /** The index of the member that says it leads, or -1. */
    private static int leader(List<Validator> members) {
        for (Validator v : members) {
            if (!v.paused()
                    && v.status().map(s -> s.path("isLeader").asBoolean()).orElse(false)) {
                return v.index();
            }
        }
        return -1;
    }

    private static boolean awaitLeader(List<Validator> members, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (leader(members) >= 0) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private void shuffle(List<Integer> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    private static String ids(Set<Integer> members) {
        return members.stream().sorted().map(i -> "n" + i).toList().toString();
    }

    /** Prints a line of the run's narrative, with the time since the clients started. */
    void note(String line) {
        out.printf("seed %d t=%.1fs %s%n", seed, (System.nanoTime() - startedNanos) / 1e9, line);
        out.flush();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
