package dev.vyoma.node;

import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.node.chain.Node;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/**
 * How this node takes part in changes of the validators: {@code operators}, the public keys (hex) whose approvals
 * count (every validator's node key, in a network {@code vyoma node testnet} wrote); {@code operatorThreshold}, how
 * many distinct operators must approve a change (absent: a majority of the operators, {@code floor(n/2)+1});
 * {@code join}, whether it starts empty outside the group and waits to be added; the size of its Raft log segments.
 */
public record Governance(List<String> operators, OptionalInt operatorThreshold, boolean join, long logSegmentBytes) {
    /** No operators yet (init adds the node's own key), a majority threshold, a founder, default segments. */
    public static final Governance DEFAULT =
            new Governance(List.of(), OptionalInt.empty(), false, Node.Membership.DEFAULT_LOG_SEGMENT_BYTES);

    public Governance {
        operators = List.copyOf(operators);
        Objects.requireNonNull(operatorThreshold, "operatorThreshold");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String o : operators) {
            operatorKey(o);
            if (!seen.add(o)) {
                throw new IllegalArgumentException(
                        "config.json: operator " + o.substring(0, 8) + "… is listed twice; each operator counts once");
            }
        }
        if (operatorThreshold.isPresent()) {
            int t = operatorThreshold.getAsInt();
            if (t < 1 || t > Math.max(1, operators.size())) {
                throw new IllegalArgumentException(thresholdMessage(operators.size(), Integer.toString(t)));
            }
        }
        if (logSegmentBytes < Node.Membership.MIN_LOG_SEGMENT_BYTES) {
            throw new IllegalArgumentException(
                    "config.json: logSegmentBytes must be at least " + Node.Membership.MIN_LOG_SEGMENT_BYTES);
        }
    }

    /** The same, with {@code key} among the operators. */
    public Governance withOperator(PublicKey key) {
        String hex = HexFormat.of().formatHex(key.bytes());
        if (operators.contains(hex)) {
            return this;
        }
        List<String> more = new ArrayList<>(operators);
        more.add(hex);
        return new Governance(more, operatorThreshold, join, logSegmentBytes);
    }

    /** The same, with {@code join} set as given. */
    public Governance withJoin(boolean join) {
        return new Governance(operators, operatorThreshold, join, logSegmentBytes);
    }

    /** The same, with Raft log segments of {@code bytes}. */
    public Governance withLogSegmentBytes(long bytes) {
        return new Governance(operators, operatorThreshold, join, bytes);
    }

    /** How many operators must approve a change: the threshold set, or else a majority of the operators. */
    public int threshold() {
        return operatorThreshold.orElse(majority(operators.size()));
    }

    /** A majority of {@code n} operators: {@code floor(n/2)+1}. */
    public static int majority(int n) {
        return n / 2 + 1;
    }

    static String thresholdMessage(int operators, String got) {
        return "config.json: operatorThreshold must be a whole number from 1 to the number of operators (" + operators
                + "), got " + got;
    }

    static PublicKey operatorKey(String hex) {
        try {
            if (hex.length() == 2 * PublicKey.LENGTH_BYTES) {
                return new PublicKey(HexFormat.of().parseHex(hex));
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new IllegalArgumentException("config.json: each operator is a public key of 64 hex digits, got "
                + (hex.length() > 70 ? hex.substring(0, 70) + "…" : hex));
    }

    /** The governance fields of {@code config.json}'s object {@code n}; missing ones take their defaults. */
    static Governance read(JsonNode n) {
        List<String> operators = new ArrayList<>();
        JsonNode list = n.path("operators");
        if (!list.isMissingNode() && !list.isArray()) {
            throw new IllegalArgumentException("operators must be a list of public keys (64 hex digits each)");
        }
        for (JsonNode o : list) {
            if (!o.isString()) {
                throw new IllegalArgumentException("operators must be a list of public keys (64 hex digits each)");
            }
            operators.add(o.asString());
        }
        JsonNode join = n.path("join");
        if (!join.isMissingNode() && !join.isBoolean()) {
            throw new IllegalArgumentException("join must be true or false");
        }
        JsonNode threshold = n.path("operatorThreshold");
        OptionalInt operatorThreshold = OptionalInt.empty();
        if (!threshold.isMissingNode()) {
            if (!threshold.isIntegralNumber() || !threshold.canConvertToInt()) {
                String got =
                        threshold.isString() ? "the string \"" + threshold.asString() + "\"" : threshold.toString();
                throw new IllegalArgumentException(
                        thresholdMessage(operators.size(), got.length() > 40 ? got.substring(0, 40) + "…" : got));
            }
            operatorThreshold = OptionalInt.of(threshold.asInt());
        }
        return new Governance(
                operators,
                operatorThreshold,
                join.asBoolean(false),
                NodeHome.positive(n, "logSegmentBytes", Node.Membership.DEFAULT_LOG_SEGMENT_BYTES));
    }
}
