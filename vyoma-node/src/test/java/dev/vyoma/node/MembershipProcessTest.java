package dev.vyoma.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.node.chain.Node;
import dev.vyoma.node.membership.MembershipChange;
import dev.vyoma.node.store.BlockStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validators added and removed while clients keep committing, each node a process of its own on loopback: a fourth
 * validator joins from the leader's snapshot (the leaders' logs no longer reach back to genesis) and then counts for
 * the quorum; a removed one learns it and no longer counts.
 */
class MembershipProcessTest {
    private static final String CHAIN = "vyoma-membership-test";
    private static final int CLIENTS = 4;
    private static final long BLOCK_MILLIS = 200;
    private static final long SNAPSHOT_EVERY_BLOCKS = 20;
    private static final long SEGMENT_BYTES = Node.Membership.MIN_LOG_SEGMENT_BYTES;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Kept when a test fails: each node's {@code node.log} is in its home under this directory. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aValidatorAddedUnderLoadCatchesUpFromASnapshotAndARemovedOneNoLongerCounts() throws Exception {
        List<Integer> ports = LocalPorts.free(8);
        List<NodeHome> homes = NodeHome.testnet(
                dir,
                List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"),
                Optional.empty(),
                ports.subList(0, 3),
                ports.subList(4, 7),
                genesis(),
                BLOCK_MILLIS,
                SNAPSHOT_EVERY_BLOCKS);
        for (NodeHome h : homes) {
            NodeHome.Settings s = h.settings();
            Governance g = s.governance();
            Files.writeString(h.configFile(), NodeHome.settingsJson(s.with(g.withLogSegmentBytes(SEGMENT_BYTES))));
        }
        // The newcomer: the same genesis, the members so far and itself, and it starts empty outside the group.
        NodeHome.Settings first = homes.get(0).settings();
        List<NodeHome.Member> members = new ArrayList<>(first.members());
        String raft3 = "127.0.0.1:" + ports.get(3);
        String api3 = "127.0.0.1:" + ports.get(7);
        members.add(new NodeHome.Member("n3", raft3, api3));
        NodeHome newcomer = NodeHome.init(
                dir.resolve("node3"),
                new NodeHome.Settings(
                        "n3",
                        "validator-3",
                        members,
                        BLOCK_MILLIS,
                        NodeHome.DEFAULT_MAX_TXS_PER_BLOCK,
                        SNAPSHOT_EVERY_BLOCKS,
                        NodeHome.Listen.MEMBER_ADDRESSES,
                        first.governance().withJoin(true).withLogSegmentBytes(SEGMENT_BYTES)),
                genesis(),
                NodeHome.newKey());

        List<NodeProcess> nodes = new ArrayList<>();
        List<HttpNodeClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(new HttpNodeClient("127.0.0.1:" + ports.get(4 + i)));
        }
        Load load = null;
        try {
            for (NodeHome h : homes) {
                nodes.add(new NodeProcess(h.dir()).start());
            }
            awaitLeader(clients.subList(0, 3));
            load = new Load(clients.subList(0, 3));
            Load running = load;
            // The leaders' logs must have dropped their first entries: a newcomer cannot be sent them any more.
            await().atMost(180, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> clients.subList(0, 3).stream()
                            .allMatch(c -> status(c)
                                    .map(s -> s.path("raftLogStartIndex").asLong() > 0)
                                    .orElse(false)));
            assertThat(running.acks.size()).as("acknowledged before the change").isPositive();

            // Add n3 under running.
            nodes.add(new NodeProcess(newcomer.dir()).start());
            HttpNodeClient c3 = clients.get(3);
            assertThat(status(c3).orElseThrow().path("validator").asString()).isEqualTo("joining");
            long configIndex = clients.get(0)
                    .get("/v1/validators")
                    .body()
                    .path("configIndex")
                    .asLong();
            // The testnet asks for a majority of its three operators: n0's approval alone is refused.
            MembershipChange.Signed byOne = MembershipChange.add(CHAIN, "n3", raft3, api3, configIndex)
                    .sign(homes.get(0).key());
            HttpNodeClient.Answer alone =
                    clients.get(0).post("/v1/validators/changes", JSON.writeValueAsString(byOne.json()));
            assertThat(alone.status()).as(alone.body().toString()).isEqualTo(403);
            assertThat(alone.body().path("error").path("message").asString())
                    .startsWith("needs 2 operator approvals, has 1");
            MembershipChange.Signed add = byOne.approve(homes.get(1).key());
            int ackedBefore = running.acks.size();
            long started = System.nanoTime();
            HttpNodeClient.Answer added =
                    clients.get(0).post("/v1/validators/changes", JSON.writeValueAsString(add.json()));
            assertThat(added.status()).as(added.body().toString()).isEqualTo(200);
            double enactedS = (System.nanoTime() - started) / 1e9;
            assertThat(ids(added.body())).containsExactly("n0", "n1", "n2", "n3");
            assertThat(added.body().path("quorum").asInt()).isEqualTo(3);
            long target = clients.get(0).height();
            await().atMost(60, TimeUnit.SECONDS).until(() -> c3.height() >= target);
            double caughtUpS = (System.nanoTime() - started) / 1e9;
            int ackedDuringAdd = running.acks.size() - ackedBefore;
            JsonNode s3 = status(c3).orElseThrow();
            assertThat(s3.path("validator").asString()).isEqualTo("member");
            assertThat(s3.path("snapshotsInstalled").asInt())
                    .as("snapshots installed on n3")
                    .isPositive();
            long snapshotHeight = s3.path("installedSnapshotHeight").asLong();
            assertThat(snapshotHeight)
                    .as("n3 started from a snapshot, not from height 1")
                    .isPositive();
            assertThat(s3.path("firstBlockHeight").asLong()).isEqualTo(snapshotHeight + 1);
            HttpNodeClient.Answer old = c3.get("/v1/blocks/1");
            assertThat(old.status()).isEqualTo(410);
            assertThat(old.body().path("error").path("message").asString())
                    .contains("holds blocks from height " + (snapshotHeight + 1));

            // The same signed change again is stale; a stranger's signature, or a change altered after signing, is
            // refused.
            HttpNodeClient.Answer replayed =
                    clients.get(1).post("/v1/validators/changes", JSON.writeValueAsString(add.json()));
            assertThat(replayed.status()).as(replayed.body().toString()).isEqualTo(409);
            long index = clients.get(1)
                    .get("/v1/validators")
                    .body()
                    .path("configIndex")
                    .asLong();
            MembershipChange.Signed stranger =
                    MembershipChange.remove(CHAIN, "n0", index).sign(key("stranger"));
            assertThat(clients.get(1)
                            .post("/v1/validators/changes", JSON.writeValueAsString(stranger.json()))
                            .status())
                    .isEqualTo(403);
            Map<String, Object> altered = MembershipChange.remove(CHAIN, "n1", index)
                    .sign(homes.get(0).key())
                    .approve(homes.get(2).key())
                    .json();
            altered.put("id", "n0");
            assertThat(clients.get(1)
                            .post("/v1/validators/changes", JSON.writeValueAsString(altered))
                            .status())
                    .isEqualTo(403);
            running.targets.add(c3);

            // With one of the first three stopped, three of four are up: the quorum of 3 needs n3.
            int leader = awaitLeader(clients.subList(0, 3));
            int stopped = leader == 0 ? 1 : 0;
            nodes.get(stopped).kill();
            running.targets.remove(clients.get(stopped));
            int ackedAtStop = running.acks.size();
            long heightAtStop = c3.height();
            await().atMost(90, TimeUnit.SECONDS).until(() -> running.acks.size() >= ackedAtStop + 20);
            await().atMost(30, TimeUnit.SECONDS).until(() -> c3.height() > heightAtStop + 5);

            // Remove a running original: it learns it, and once it is stopped too the two left (of three) commit.
            List<Integer> alive =
                    List.of(0, 1, 2).stream().filter(i -> i != stopped).toList();
            int lead = awaitLeaderAmong(clients, List.of(0, 1, 2, 3), stopped);
            int removed = alive.get(0) == lead ? alive.get(1) : alive.get(0);
            int keeper = alive.get(0) == removed ? alive.get(1) : alive.get(0);
            long indexNow = clients.get(keeper)
                    .get("/v1/validators")
                    .body()
                    .path("configIndex")
                    .asLong();
            // Approved by the operators of the stopped member and of the one removed: any two operator keys will do.
            MembershipChange.Signed remove = MembershipChange.remove(CHAIN, "n" + removed, indexNow)
                    .sign(homes.get(stopped).key())
                    .approve(homes.get(removed).key());
            int ackedBeforeRemove = running.acks.size();
            HttpNodeClient.Answer gone =
                    clients.get(keeper).post("/v1/validators/changes", JSON.writeValueAsString(remove.json()));
            assertThat(gone.status()).as(gone.body().toString()).isEqualTo(200);
            assertThat(ids(gone.body()))
                    .hasSize(3)
                    .doesNotContain("n" + removed)
                    .contains("n" + stopped, "n3");
            assertThat(gone.body().path("quorum").asInt()).isEqualTo(2);
            HttpNodeClient removedClient = clients.get(removed);
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> status(removedClient)
                            .map(s -> s.path("validator").asString().equals("removed"))
                            .orElse(false));
            // The status answers from the same check that logs the removal; the log file may trail it a little.
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(
                            () -> assertThat(nodes.get(removed).logText()).contains("was removed from the validators"));
            nodes.get(removed).kill();
            running.targets.remove(removedClient);
            int ackedAtRemoval = running.acks.size();
            await().atMost(90, TimeUnit.SECONDS).until(() -> running.acks.size() >= ackedAtRemoval + 20);
            running.close();

            int survivor = keeper;
            for (NodeProcess n : nodes) {
                if (n.alive()) {
                    n.terminate();
                }
            }
            History history = History.check(
                    List.of(homes.get(0), homes.get(1), homes.get(2), newcomer), homes.get(survivor), running.acks);
            assertThat(history.failures).isEmpty();
            System.out.printf(
                    "membership: n3 added in %.1f s, caught up %.1f s after the request from the snapshot at height %d;"
                            + " %d txs acknowledged during the change; %d after stopping n%d (quorum 3 of 4); %d"
                            + " after removing n%d and stopping it (quorum 2 of 3); %d acknowledged in all, %d"
                            + " heights compared%n",
                    enactedS,
                    caughtUpS,
                    snapshotHeight,
                    ackedDuringAdd,
                    ackedBeforeRemove - ackedAtStop,
                    stopped,
                    running.acks.size() - ackedAtRemoval,
                    removed,
                    running.acks.size(),
                    history.heights);
        } finally {
            if (load != null) {
                load.close();
            }
            for (NodeProcess n : nodes) {
                n.close();
            }
        }
    }

    /** What the stores of all members say, read after they stopped. */
    private record History(List<String> failures, long heights) {
        static History check(List<NodeHome> homes, NodeHome full, ConcurrentLinkedQueue<Load.Ack> acks) {
            List<String> failures = new ArrayList<>();
            Map<Long, String> states = new HashMap<>();
            long heights = 0;
            for (NodeHome h : homes) {
                try (BlockStore store = BlockStore.open(h.dir().resolve("blocks"))) {
                    for (long height = store.firstHeight(); height <= store.latestHeight(); height++) {
                        Optional<BlockResult> r = store.result(height);
                        if (r.isEmpty()) {
                            failures.add(h.dir() + " lacks block " + height + " below its latest");
                            continue;
                        }
                        String before = states.putIfAbsent(height, r.get().stateHex());
                        if (before != null && !before.equals(r.get().stateHex())) {
                            failures.add("state at height " + height + " differs in " + h.dir());
                        }
                    }
                }
            }
            heights = states.size();
            try (BlockStore store = BlockStore.open(full.dir().resolve("blocks"))) {
                if (store.firstHeight() != 1) {
                    failures.add(full.dir() + " should hold the whole history");
                }
                Map<String, Integer> seen = new HashMap<>();
                for (long height = 1; height <= store.latestHeight(); height++) {
                    for (SignedTx tx : store.block(height).orElseThrow().txs()) {
                        seen.merge(tx.hashHex(), 1, Integer::sum);
                    }
                }
                seen.forEach((hash, n) -> {
                    if (n > 1) {
                        failures.add("tx " + hash + " is in " + n + " blocks");
                    }
                });
                for (Load.Ack a : acks) {
                    Optional<BlockStore.TxLocation> at = store.tx(a.hash());
                    if (at.isEmpty()
                            || at.get().height() != a.height()
                            || at.get().index() != a.index()) {
                        failures.add("acknowledged tx " + a.hash() + " at " + a.height() + "/" + a.index() + " is at "
                                + at.orElse(null));
                    } else if (!store.result(a.height())
                            .orElseThrow()
                            .txs()
                            .get(a.index())
                            .ok()) {
                        failures.add("acknowledged tx " + a.hash() + " failed");
                    }
                }
            }
            return new History(failures, heights);
        }
    }

    /** Clients that keep committing transfers, each waiting for its block, to the members in {@code targets}. */
    private static final class Load implements AutoCloseable {
        record Ack(String hash, long height, int index) {}

        final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        final List<HttpNodeClient> targets;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load(List<HttpNodeClient> initial) {
            this.targets = new CopyOnWriteArrayList<>(initial);
            for (int c = 0; c < CLIENTS; c++) {
                int me = c;
                threads.add(Thread.ofPlatform().start(() -> run(me)));
            }
        }

        private void run(int me) {
            long sequence = 0;
            int turn = me;
            while (!stop.get()) {
                List<HttpNodeClient> now = List.copyOf(targets);
                HttpNodeClient target = now.get(Math.floorMod(turn, now.size()));
                SignedTx tx = send(me, sequence);
                try {
                    HttpNodeClient.Answer a = target.submit(tx, true);
                    if (a.status() == 200 && a.body().path("ok").asBoolean()) {
                        acks.add(new Ack(
                                tx.hashHex(),
                                a.body().path("height").asLong(),
                                a.body().path("index").asInt()));
                        sequence++;
                        continue;
                    }
                    if (a.status() == 400
                            && a.body().path("error").path("name").asString().equals("wrong_sequence")) {
                        sequence++; // included, though its answer was lost
                        continue;
                    }
                } catch (IOException e) {
                    // that member is down or cut off: the next one
                } catch (InterruptedException e) {
                    return;
                }
                turn++;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(40_000);
            }
        }
    }

    private static List<String> ids(JsonNode view) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : view.path("validators")) {
            out.add(m.path("id").asString());
        }
        return out;
    }

    private static Optional<JsonNode> status(HttpNodeClient c) {
        try {
            HttpNodeClient.Answer a = c.get("/v1/status");
            return a.status() == 200 ? Optional.of(a.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Waits until one of {@code clients} says it leads; returns its index among them. */
    private static int awaitLeader(List<HttpNodeClient> clients) {
        int[] found = {-1};
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    for (int i = 0; i < clients.size(); i++) {
                        if (status(clients.get(i))
                                .map(s -> s.path("isLeader").asBoolean())
                                .orElse(false)) {
                            found[0] = i;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    /** The index of the member among {@code among} (not {@code not}) that leads. */
    private static int awaitLeaderAmong(List<HttpNodeClient> clients, List<Integer> among, int not) {
        int[] found = {-1};
        await().atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    for (int i : among) {
                        if (i != not
                                && status(clients.get(i))
                                        .map(s -> s.path("isLeader").asBoolean())
                                        .orElse(false)) {
                            found[0] = i;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    private static KeyPair key(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(("membership:" + name).getBytes(StandardCharsets.UTF_8), 32));
    }

    private static Genesis genesis() {
        List<Genesis.Allocation> accounts = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            accounts.add(new Genesis.Allocation(
                    key("client" + c).address(), List.of(new Coin("uusd", 10_000_000), new Coin("uvyo", 10_000_000))));
        }
        return new Genesis(CHAIN, 1_700_000_000_000L, Params.defaults(), accounts);
    }

    private static SignedTx send(int client, long sequence) {
        KeyPair k = key("client" + client);
        Tx tx = new Tx(
                CHAIN,
                k.publicKey(),
                sequence,
                new Coin("uvyo", 1_000),
                List.of(new Msg.Send(k.address(), key("sink").address(), new Coin("uusd", 1))),
                "");
        return new SignedTx(tx, Ed25519.sign(k.privateKey(), tx.signBytes()));
    }
}
