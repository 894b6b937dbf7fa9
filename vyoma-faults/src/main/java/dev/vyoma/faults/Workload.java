package dev.vyoma.faults;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.ledger.tx.SignedTx;
import dev.vyoma.ledger.tx.Tx;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import dev.vyoma.sdl.spec.GroupSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Clients of the chain, one thread each, each with its own key and its own sequence, each sending to a member of
 * its own and moving to the next when that one fails it. Client 0 is a provider (it registers, then bids on the
 * tenants' orders); the others are tenants that send coins, create deployments, lease the provider's bids and close
 * deployments. A client signs one transaction per sequence and retries exactly those bytes until the chain has it,
 * so whatever answers were lost, a sequence is used once. What the chain acknowledged (an answer naming the block
 * and position of a transaction) is kept for the checks.
 */
final class Workload implements AutoCloseable {
    /** An acknowledged transaction: the client was told it is at {@code height}, position {@code index}. */
    record Ack(int client, long sequence, String hash, long height, int index, boolean ok) {}

    static final String DENOM_FEE = "uvyo";
    static final String DENOM_PRICE = "uusd";
    static final long FUNDS = 1_000_000_000_000L;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int WAIT_SECONDS = 8;
    /** The fee a client allows, above what any of its messages costs. */
    private static final long MAX_FEE = 100_000;

    private final String chainId;
    private final List<Validator> members;
    private final List<GroupSpec> groups;
    private final String manifestVersionHex;
    private final long seed;
    private final int clients;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    /** Deployments a tenant created (acknowledged), for the provider to bid on. */
    private final ConcurrentLinkedQueue<DeploymentId> toBid = new ConcurrentLinkedQueue<>();
    /** Deployments the provider bid on (acknowledged), for their tenant to lease. */
    private final Map<DeploymentId, Boolean> bidOn = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong indeterminate = new AtomicLong();

    Workload(
            String chainId,
            List<Validator> members,
            List<GroupSpec> groups,
            String manifestVersionHex,
            long seed,
            int clients) {
        this.chainId = chainId;
        this.members = List.copyOf(members);
        this.groups = List.copyOf(groups);
        this.manifestVersionHex = manifestVersionHex;
        this.seed = seed;
        this.clients = clients;
    }

    static KeyPair key(String name) {
        return KeyPair.fromSeed(Arrays.copyOf(("faults:" + name).getBytes(StandardCharsets.UTF_8), 32));
    }

    static KeyPair client(int c) {
        return key("client" + c);
    }

    static Address sink() {
        return key("sink").address();
    }

    void start() {
        for (int c = 0; c < clients; c++) {
            int me = c;
            threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                try {
                    new Client(me).run();
                } catch (RuntimeException e) {
                    errors.add("client " + me + " stopped: " + e.getMessage());
                }
            }));
        }
    }

    /** Stops the clients; each finishes (or gives up on) the transaction in hand. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    /** Why clients stopped before they were told to: each is a failure of the run. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    long attempts() {
        return attempts.get();
    }

    /** Transactions whose fate the client did not learn before it stopped. */
    long indeterminate() {
        return indeterminate.get();
    }

    private final class Client {
        private final int me;
        private final KeyPair key;
        private final SplittableRandom random;
        private final ArrayDeque<DeploymentId> open = new ArrayDeque<>();
        private int target;
        private long sequence;

        Client(int me) {
            this.me = me;
            this.key = client(me);
            this.random = new SplittableRandom(seed * 1_000_003L + me);
            this.target = me % members.size();
        }

        void run() {
            while (!stop.get()) {
                SignedTx tx = sign(next());
                if (!deliver(tx)) {
                    indeterminate.incrementAndGet();
                    return;
                }
            }
        }

        private Msg next() {
            Address self = key.address();
            if (me == 0) {
                if (sequence == 0) {
                    return new Msg.CreateProvider(
                            self,
                            "https://provider.faults.example:8443",
                            List.of(new Attribute("region", "eu")),
                            "",
                            "");
                }
                DeploymentId d = toBid.poll();
                if (d != null) {
                    return new Msg.CreateBid(
                            new OrderId(new GroupId(d, 1), 1),
                            self,
                            new DecCoin(DENOM_PRICE, new BigDecimal("12.5")),
                            new Coin(DENOM_FEE, 500_000));
                }
                return new Msg.Send(self, sink(), new Coin(DENOM_PRICE, 1 + random.nextInt(100)));
            }
            int pick = random.nextInt(100);
            if (pick < 25 || open.isEmpty() && pick < 60) {
                DeploymentId d = new DeploymentId(self, sequence + 1);
                return new Msg.CreateDeployment(d, groups, manifestVersionHex, new Coin(DENOM_PRICE, 5_000_000));
            }
            if (pick < 50) {
                for (DeploymentId d : open) {
                    if (bidOn.remove(d) != null) {
                        return new Msg.CreateLease(new BidId(
                                new OrderId(new GroupId(d, 1), 1), client(0).address()));
                    }
                }
            }
            if (pick < 65 && !open.isEmpty()) {
                return new Msg.CloseDeployment(open.pollFirst());
            }
            return new Msg.Send(self, sink(), new Coin(DENOM_PRICE, 1 + random.nextInt(1_000)));
        }

        private SignedTx sign(Msg msg) {
            Tx tx = new Tx(chainId, key.publicKey(), sequence, new Coin(DENOM_FEE, MAX_FEE), List.of(msg), "");
            return new SignedTx(tx, Ed25519.sign(key.privateKey(), tx.signBytes()));
        }

        /**
         * Sends {@code tx} until the chain has it; false if the workload stopped first. Its bytes never change, so
         * it is in the chain at most once whichever members received it.
         */
        private boolean deliver(SignedTx tx) {
            boolean sent = false;
            long stoppedAt = 0;
            while (true) {
                if (stop.get()) {
                    // Finish what is in hand for a while (its answer may come), then give up on it.
                    if (stoppedAt == 0) {
                        stoppedAt = System.nanoTime();
                    } else if (System.nanoTime() - stoppedAt
                            > Duration.ofSeconds(30).toNanos()) {
                        return false;
                    }
                }
                attempts.incrementAndGet();
                Validator v = members.get(target);
                try {
                    HttpResponse<String> r = post(v, tx);
                    JsonNode body = JSON.readTree(r.body());
                    if (r.statusCode() == 200 && body.has("height")) {
                        acknowledged(tx, body);
                        return true;
                    }
                    String error = body.path("error").path("name").asString("");
                    if (r.statusCode() == 202 || r.statusCode() == 409) {
                        sent = true;
                        // Pending: ask where it is, here and then elsewhere.
                        if (located(tx, v)) {
                            return true;
                        }
                    } else if (error.equals("wrong_sequence")) {
                        long chainSequence = sequenceAt(v);
                        if (chainSequence > sequence) {
                            // In a block although no answer said so: found by the checks, not acknowledged here.
                            sequence = chainSequence;
                            afterCommit(tx, true);
                            return true;
                        }
                    } else if (r.statusCode() == 400 && !sent) {
                        throw new IllegalStateException("client " + me + ": the chain refused transaction "
                                + tx.hashHex() + " ("
                                + tx.tx().msgs().get(0).getClass().getSimpleName() + "): "
                                + r.body());
                    }
                } catch (IOException e) {
                    sent = true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                target = (target + 1) % members.size();
                pause(100 + random.nextInt(200));
            }
        }

        private boolean located(SignedTx tx, Validator v) throws InterruptedException {
            try {
                HttpResponse<String> r = Validator.HTTP.send(
                        HttpRequest.newBuilder(URI.create(v.api() + "/v1/txs/" + tx.hashHex()))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode body = JSON.readTree(r.body());
                if (r.statusCode() == 200 && body.has("height")) {
                    acknowledged(tx, body);
                    return true;
                }
            } catch (IOException e) {
                // that member is down or cut off
            }
            return false;
        }

        /**
         * Keeps the answer that names the transaction's block. True when its sequence was used; false when it was
         * included but refused there (not charged), so that the sequence is still free.
         */
        private boolean acknowledged(SignedTx tx, JsonNode body) {
            boolean ok = body.path("ok").asBoolean(false);
            if (!body.path("charged").asBoolean(false)) {
                return false;
            }
            acks.add(new Ack(
                    me,
                    tx.tx().sequence(),
                    tx.hashHex(),
                    body.path("height").asLong(),
                    body.path("index").asInt(),
                    ok));
            sequence = tx.tx().sequence() + 1;
            afterCommit(tx, ok);
            return true;
        }

        private void afterCommit(SignedTx tx, boolean ok) {
            if (!ok) {
                return;
            }
            switch (tx.tx().msgs().get(0)) {
                case Msg.CreateDeployment d -> {
                    open.addLast(d.id());
                    toBid.add(d.id());
                }
                case Msg.CreateBid b -> bidOn.put(b.order().group().deployment(), true);
                default -> {}
            }
        }

        private long sequenceAt(Validator v) throws InterruptedException {
            try {
                HttpResponse<String> r = Validator.HTTP.send(
                        HttpRequest.newBuilder(URI.create(v.api() + "/v1/accounts/" + key.address()))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200
                        ? JSON.readTree(r.body()).path("sequence").asLong()
                        : -1;
            } catch (IOException e) {
                return -1;
            }
        }

        private HttpResponse<String> post(Validator v, SignedTx tx) throws IOException, InterruptedException {
            String body = "{\"tx\":\"" + Base64.getEncoder().encodeToString(tx.encode()) + "\"}";
            return Validator.HTTP.send(
                    HttpRequest.newBuilder(URI.create(v.api() + "/v1/txs?wait=commit&timeout=" + WAIT_SECONDS))
                            .timeout(Duration.ofSeconds(WAIT_SECONDS + 4))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        private void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
