package dev.vyoma.node.membership;

import dev.vyoma.ledger.crypto.PublicKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validators as the Raft group's configuration has them, and the way to change them: a {@link
 * MembershipChange} approved by at least the threshold of the operator keys this node's config lists (and by no
 * other key), for this chain and for the configuration in force, is enacted as a Raft configuration change
 * (compare-and-set against the members the change was checked against, so two changes approved for the same
 * configuration cannot both pass). Raft's joint
 * consensus does the rest: a new member is caught up by the leader (from its snapshot when its log no longer
 * reaches back) before it counts for the quorum, and a removed one stops counting once the change commits.
 *
 * <p>Each member's API address travels in its Raft peer entry, in the data-stream address field (this node does not
 * run Ratis data streams), so every member learns where a new member's API is from the change itself.
 */
public final class Validators {
    private static final Logger LOG = LoggerFactory.getLogger(Validators.class);

    /** Where this node stands. */
    public enum Standing {
        /** In the group's configuration: it votes and stores every block. */
        MEMBER,
        /** Started to join, not yet added (or still being caught up). */
        JOINING,
        /** It was a member, and the configuration no longer lists it: it takes no part in consensus. */
        REMOVED
    }

    /** A validator: id, and where the others reach its consensus and API. */
    public record Member(String id, String raftAddress, String apiAddress) {}

    /** The configuration: its log index, its members (and, during a change, the members before it). */
    public record View(long configIndex, List<Member> members, List<Member> previous, Standing standing) {
        /** Whether no change is under way. */
        public boolean stable() {
            return previous.isEmpty();
        }
    }

    /** A change refused: the HTTP status that says why, and a message that says what to do. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Supplier<Optional<RaftConfiguration>> conf;
    private final RaftClient admin;
    private final String self;
    private final String chainId;
    private final Set<PublicKey> operators;
    private final int threshold;
    private final boolean joining;
    private final Semaphore oneAtATime = new Semaphore(1);
    private volatile boolean wasMember;
    private volatile Standing last;

    /**
     * @param conf the group's configuration as this member knows it (empty while its Raft server is not up)
     * @param admin a client of the group, used for configuration changes only
     * @param joining whether this node started outside the group, to be added
     */
    public Validators(
            Supplier<Optional<RaftConfiguration>> conf,
            RaftClient admin,
            String self,
            String chainId,
            Set<PublicKey> operators,
            int threshold,
            boolean joining) {
        this.conf = Objects.requireNonNull(conf, "conf");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.self = Objects.requireNonNull(self, "self");
        this.chainId = Objects.requireNonNull(chainId, "chainId");
        this.operators = Set.copyOf(operators);
        if (threshold < 1 || threshold > Math.max(1, this.operators.size())) {
            throw new IllegalArgumentException("the operator threshold must be 1 to the number of operators ("
                    + this.operators.size() + "), got " + threshold);
        }
        this.threshold = threshold;
        this.joining = joining;
    }

    /** The operator keys whose approvals count, in hex, sorted. */
    public List<String> operators() {
        return operators.stream()
                .map(k -> HexFormat.of().formatHex(k.bytes()))
                .sorted()
                .toList();
    }

    /** How many distinct operators must approve a change. */
    public int threshold() {
        return threshold;
    }

    /** The configuration now. */
    public View view() {
        Optional<RaftConfiguration> c = conf.get();
        if (c.isEmpty()) {
            return new View(-1, List.of(), List.of(), standing());
        }
        return new View(
                c.get().getLogEntryIndex(),
                members(c.get().getCurrentPeers()),
                members(c.get().getPreviousPeers()),
                standing());
    }

    /** The API address ({@code host:port}) of member {@code id}, if the configuration carries one. */
    public Optional<String> apiAddress(String id) {
        return conf.get()
                .flatMap(c -> c.getCurrentPeers().stream()
                        .filter(p -> p.getId().toString().equals(id))
                        .findFirst()
                        .map(RaftPeer::getDataStreamAddress)
                        .filter(a -> a != null && !a.isEmpty()));
    }

    /**
     * Where this node stands now; logs once when that changes (so that an operator reads in the log that the node was
     * removed and can be stopped).
     */
    public Standing standing() {
        Optional<RaftConfiguration> c = conf.get();
        boolean in = c.map(x -> x.getCurrentPeers().stream()
                        .anyMatch(p -> p.getId().toString().equals(self)))
                .orElse(false);
        Standing now;
        if (in) {
            wasMember = true;
            now = Standing.MEMBER;
        } else if (wasMember || (!joining && c.isPresent())) {
            now = Standing.REMOVED;
        } else {
            now = Standing.JOINING;
        }
        if (now != last) {
            Standing before = last;
            last = now;
            switch (now) {
                case MEMBER -> {
                    if (before != null) {
                        LOG.info("node {} is a validator (configuration at log index {})", self, index(c));
                    }
                }
                case JOINING -> LOG.info("node {} waits to be added as a validator (vyoma node add-validator)", self);
                case REMOVED ->
                    LOG.warn(
                            "node {} was removed from the validators (configuration at log index {}: {}); it takes no part"
                                    + " in consensus any more and can be stopped",
                            self,
                            index(c),
                            c.map(x -> ids(x.getCurrentPeers())).orElse(List.of()));
            }
        }
        return now;
    }

    /** Checks {@code request} and enacts it; returns the configuration after it, or throws {@link Refused}. */
    public View change(MembershipChange.Signed request) {
        MembershipChange change = request.change();
        if (!change.chainId().equals(chainId)) {
            throw new Refused(400, "the change is for chain " + change.chainId() + ", this node runs " + chainId);
        }
        // Every approval's signature was checked when the change was read (MembershipChange.Signed holds no other).
        for (MembershipChange.Approval a : request.approvals()) {
            if (!operators.contains(a.signer())) {
                throw new Refused(
                        403,
                        "key " + a.shortSigner() + " is not among this node's operators (config.json operators);"
                                + " approve with the node key of an operator's validator home");
            }
        }
        int approvals = request.approvals().size();
        if (approvals < threshold) {
            throw new Refused(
                    403,
                    "needs " + threshold + " operator approvals, has " + approvals + " (from "
                            + String.join(
                                    ", ",
                                    request.approvals().stream()
                                            .map(MembershipChange.Approval::shortSigner)
                                            .toList())
                            + "); have another operator add theirs with vyoma node approve-change");
        }
        if (!oneAtATime.tryAcquire()) {
            throw new Refused(409, "another membership change is being made through this node; retry after it");
        }
        try {
            return enact(change);
        } finally {
            oneAtATime.release();
        }
    }

    private View enact(MembershipChange change) {
        RaftConfiguration c =
                conf.get().orElseThrow(() -> new Refused(503, "this node's consensus is not running yet; retry"));
        if (!c.getPreviousPeers().isEmpty()) {
            throw new Refused(409, "a membership change is under way; retry once it is done (GET /v1/validators)");
        }
        if (c.getLogEntryIndex() != change.configIndex()) {
            throw new Refused(
                    409,
                    "the change was signed for the configuration at log index " + change.configIndex()
                            + ", and the one in force is at " + c.getLogEntryIndex()
                            + ": read GET /v1/validators and sign again");
        }
        List<RaftPeer> current = List.copyOf(c.getCurrentPeers());
        List<RaftPeer> next = new ArrayList<>();
        boolean listed = current.stream().anyMatch(p -> p.getId().toString().equals(change.memberId()));
        switch (change.action()) {
            case ADD -> {
                if (listed) {
                    throw new Refused(409, "validator " + change.memberId() + " is a member already");
                }
                for (RaftPeer p : current) {
                    if (p.getAddress().equals(change.raftAddress())) {
                        throw new Refused(
                                409, "member " + p.getId() + " is already at Raft address " + change.raftAddress());
                    }
                }
                next.addAll(current);
                next.add(peer(change.memberId(), change.raftAddress(), change.apiAddress()));
            }
            case REMOVE -> {
                if (!listed) {
                    throw new Refused(
                            404, "validator " + change.memberId() + " is not a member; see GET /v1/validators");
                }
                if (current.size() == 1) {
                    throw new Refused(409, "the last validator cannot be removed");
                }
                current.stream()
                        .filter(p -> !p.getId().toString().equals(change.memberId()))
                        .forEach(next::add);
            }
        }
        LOG.info(
                "membership change: {} {} (configuration at log index {}: {} -> {})",
                change.action(),
                change.memberId(),
                c.getLogEntryIndex(),
                ids(current),
                ids(next));
        RaftClientReply reply;
        try {
            reply = admin.admin()
                    .setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                            .setServersInNewConf(next)
                            .setServersInCurrentConf(current)
                            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                            .build());
        } catch (IOException e) {
            throw new Refused(503, "the change did not complete: " + e.getMessage() + "; read GET /v1/validators");
        }
        if (!reply.isSuccess()) {
            String why = reply.getException() == null
                    ? "no reason given"
                    : reply.getException().getMessage();
            throw new Refused(409, "the group did not take the change: " + why + "; read GET /v1/validators");
        }
        LOG.info("membership change done: validators are now {}", ids(next));
        return view();
    }

    /** The Raft peer entry of a member. */
    public static RaftPeer peer(String id, String raftAddress, String apiAddress) {
        RaftPeer.Builder b = RaftPeer.newBuilder().setId(id).setAddress(raftAddress);
        if (apiAddress != null && !apiAddress.isEmpty()) {
            b.setDataStreamAddress(apiAddress);
        }
        return b.build();
    }

    private static List<Member> members(Collection<RaftPeer> peers) {
        return peers.stream()
                .sorted(Comparator.comparing(p -> p.getId().toString()))
                .map(p -> new Member(
                        p.getId().toString(),
                        p.getAddress(),
                        p.getDataStreamAddress() == null ? "" : p.getDataStreamAddress()))
                .toList();
    }

    private static List<String> ids(Collection<RaftPeer> peers) {
        return peers.stream().map(p -> p.getId().toString()).sorted().toList();
    }

    private static long index(Optional<RaftConfiguration> c) {
        return c.map(RaftConfiguration::getLogEntryIndex).orElse(-1L);
    }
}
