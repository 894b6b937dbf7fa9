package dev.vyoma.node.membership;

import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.ledger.crypto.Signature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One change to the validators: add a member (its id and the Raft and API addresses where the others reach it) or
 * remove one, on chain {@code chainId}, to the configuration the group had at Raft log index {@code configIndex}
 * (as {@code GET /v1/validators} shows it), approved by operators ({@link Signed}). The index makes a change good
 * once: when it is enacted, or when any other change is, the configuration's index moves on and the same bytes are
 * refused as stale.
 */
public record MembershipChange(
        String chainId, Action action, String memberId, String raftAddress, String apiAddress, long configIndex) {
    /** What a change does. */
    public enum Action {
        ADD,
        REMOVE
    }

    /** Member ids: what {@code config.json} and Raft call a validator. */
    public static final Pattern MEMBER_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    /** Longest chain id or address accepted, in characters. */
    public static final int MAX_TEXT_CHARS = 128;

    private static final String DOMAIN = "vyoma membership change v1";
    /** Most approvals a change carries: more operators than this cannot all approve one change. */
    public static final int MAX_APPROVALS = 32;

    private static final Set<String> FIELDS = Set.of(
            "chainId", "action", "id", "raftAddress", "apiAddress", "configIndex", "approvals", "signer", "signature");
    private static final Set<String> APPROVAL_FIELDS = Set.of("signer", "signature");

    public MembershipChange {
        Objects.requireNonNull(action, "action");
        text(chainId, "chainId");
        if (memberId == null || !MEMBER_ID.matcher(memberId).matches()) {
            throw new IllegalArgumentException(
                    "id must be 1-32 of a-z, 0-9, '_' and '-', starting with a letter or digit, got "
                            + shown(memberId));
        }
        if (action == Action.ADD) {
            HostPort.parse(text(raftAddress, "raftAddress"), "raftAddress", false);
            HostPort.parse(text(apiAddress, "apiAddress"), "apiAddress", true);
        } else if (!raftAddress.isEmpty() || !apiAddress.isEmpty()) {
            throw new IllegalArgumentException("a removal names the member's id only, not its addresses");
        }
        if (configIndex < 0) {
            throw new IllegalArgumentException("configIndex must be 0 or more, got " + configIndex);
        }
    }

    /** Adds {@code memberId}, reached at these addresses. */
    public static MembershipChange add(
            String chainId, String memberId, String raftAddress, String apiAddress, long configIndex) {
        return new MembershipChange(chainId, Action.ADD, memberId, raftAddress, apiAddress, configIndex);
    }

    /** Removes {@code memberId}. */
    public static MembershipChange remove(String chainId, String memberId, long configIndex) {
        return new MembershipChange(chainId, Action.REMOVE, memberId, "", "", configIndex);
    }

    /** The bytes an operator signs: every field, one a line, after a domain line no transaction starts with. */
    public byte[] signBytes() {
        String text = DOMAIN + "\n" + chainId + "\n" + action.name().toLowerCase(java.util.Locale.ROOT) + "\n"
                + memberId + "\n" + raftAddress + "\n" + apiAddress + "\n" + configIndex + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** This change approved by {@code operator} alone. */
    public Signed sign(KeyPair operator) {
        return new Signed(this, List.of(Approval.by(operator, this)));
    }

    /** One operator's approval of a change: its public key and its Ed25519 signature over {@link #signBytes()}. */
    public record Approval(PublicKey signer, Signature signature) {
        public Approval {
            Objects.requireNonNull(signer, "signer");
            Objects.requireNonNull(signature, "signature");
        }

        /** {@code operator}'s approval of {@code change}. */
        public static Approval by(KeyPair operator, MembershipChange change) {
            return new Approval(operator.publicKey(), Ed25519.sign(operator.privateKey(), change.signBytes()));
        }

        /** Whether this is {@link #signer}'s signature of exactly {@code change}. */
        public boolean verifies(MembershipChange change) {
            return Ed25519.verify(signer, change.signBytes(), signature);
        }

        /** The signer's key, cut short for messages: its first 8 hex digits. */
        public String shortSigner() {
            return shortKey(signer);
        }
    }

    /** A signature that does not match the change and its signer's key: the API answers it with 403. */
    public static final class BadSignature extends IllegalArgumentException {
        BadSignature(String message) {
            super(message);
        }
    }

    /** A public key cut short for messages: its first 8 hex digits and an ellipsis. */
    public static String shortKey(PublicKey key) {
        return HexFormat.of().formatHex(key.bytes()).substring(0, 8) + "…";
    }

    /**
     * A change with the approvals of one or more operators, as {@code POST /v1/validators/changes} takes it: 1 to
     * {@link #MAX_APPROVALS} approvals, no signer twice, every signature checked against the change (so a value of
     * this type carries only approvals that hold).
     */
    public record Signed(MembershipChange change, List<Approval> approvals) {
        public Signed {
            Objects.requireNonNull(change, "change");
            approvals = List.copyOf(approvals);
            if (approvals.isEmpty()) {
                throw new IllegalArgumentException("approvals must list at least one approval");
            }
            if (approvals.size() > MAX_APPROVALS) {
                throw new IllegalArgumentException(
                        "approvals lists " + approvals.size() + " approvals; at most " + MAX_APPROVALS + " are taken");
            }
            Set<PublicKey> seen = new HashSet<>();
            for (int i = 0; i < approvals.size(); i++) {
                Approval a = approvals.get(i);
                if (!seen.add(a.signer())) {
                    throw new IllegalArgumentException("approval " + (i + 1) + ": signer " + a.shortSigner()
                            + " approved already; each operator approves once");
                }
            }
            for (int i = 0; i < approvals.size(); i++) {
                Approval a = approvals.get(i);
                if (!a.verifies(change)) {
                    throw new BadSignature("approval " + (i + 1) + " (by " + a.shortSigner()
                            + "): the signature does not match the change and the signer's key");
                }
            }
        }

        /** The signers, in the order they approved. */
        public List<PublicKey> signers() {
            return approvals.stream().map(Approval::signer).toList();
        }

        /** Whether {@code key} approved this change. */
        public boolean approvedBy(PublicKey key) {
            return approvals.stream().anyMatch(a -> a.signer().equals(key));
        }

        /**
         * The same change with {@code operator}'s approval added; refuses a key that approved already, and a change
         * that holds the most approvals taken.
         */
        public Signed approve(KeyPair operator) {
            if (approvedBy(operator.publicKey())) {
                throw new IllegalArgumentException(
                        "key " + shortKey(operator.publicKey()) + " approved this change already");
            }
            List<Approval> more = new ArrayList<>(approvals);
            more.add(Approval.by(operator, change));
            return new Signed(change, more);
        }

        /** The request body, in the approvals form. */
        public Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("chainId", change.chainId());
            out.put("action", change.action().name().toLowerCase(java.util.Locale.ROOT));
            out.put("id", change.memberId());
            if (change.action() == Action.ADD) {
                out.put("raftAddress", change.raftAddress());
                out.put("apiAddress", change.apiAddress());
            }
            out.put("configIndex", change.configIndex());
            List<Map<String, String>> list = new ArrayList<>();
            for (Approval a : approvals) {
                Map<String, String> one = new LinkedHashMap<>();
                one.put("signer", HexFormat.of().formatHex(a.signer().bytes()));
                one.put("signature", HexFormat.of().formatHex(a.signature().bytes()));
                list.add(one);
            }
            out.put("approvals", list);
            return out;
        }

        /**
         * Reads a request body; refuses anything but the fields above, each of its kind and within its bounds. The
         * approvals come as {@code approvals: [{signer, signature}, …]}, or, as clients before approvals sent them,
         * as one {@code signer} and {@code signature}; not both.
         */
        public static Signed parse(JsonNode n) {
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("the body must be a JSON object (see vyoma node add-validator)");
            }
            for (String field : n.propertyNames()) {
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException("unknown field " + shown(field) + "; the fields are " + FIELDS);
                }
            }
            String action = string(n, "action", true);
            Action a = switch (action) {
                case "add" -> Action.ADD;
                case "remove" -> Action.REMOVE;
                default -> throw new IllegalArgumentException("action must be add or remove, got " + shown(action));
            };
            JsonNode index = n.path("configIndex");
            if (!index.isIntegralNumber() || !index.canConvertToLong()) {
                throw new IllegalArgumentException("configIndex must be a whole number (see GET /v1/validators)");
            }
            MembershipChange change = new MembershipChange(
                    string(n, "chainId", true),
                    a,
                    string(n, "id", true),
                    string(n, "raftAddress", a == Action.ADD),
                    string(n, "apiAddress", a == Action.ADD),
                    index.asLong());
            boolean single = n.has("signer") || n.has("signature");
            if (n.has("approvals") && single) {
                throw new IllegalArgumentException(
                        "give approvals, or one signer and signature, not both (approvals is the current form)");
            }
            if (single) {
                return new Signed(change, List.of(approval(n, "")));
            }
            JsonNode list = n.path("approvals");
            if (list.isMissingNode() || list.isNull()) {
                throw new IllegalArgumentException("approvals is required: [{\"signer\": hex, \"signature\": hex}, …]");
            }
            if (!list.isArray()) {
                throw new IllegalArgumentException("approvals must be a list of {\"signer\", \"signature\"} objects");
            }
            if (list.size() > MAX_APPROVALS) {
                throw new IllegalArgumentException(
                        "approvals lists " + list.size() + " approvals; at most " + MAX_APPROVALS + " are taken");
            }
            List<Approval> approvals = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode one = list.get(i);
                String where = "approval " + (i + 1) + ": ";
                if (!one.isObject()) {
                    throw new IllegalArgumentException(where + "must be an object {\"signer\", \"signature\"}");
                }
                for (String field : one.propertyNames()) {
                    if (!APPROVAL_FIELDS.contains(field)) {
                        throw new IllegalArgumentException(
                                where + "unknown field " + shown(field) + "; the fields are " + APPROVAL_FIELDS);
                    }
                }
                approvals.add(approval(one, where));
            }
            return new Signed(change, approvals);
        }

        private static Approval approval(JsonNode n, String where) {
            try {
                return new Approval(
                        new PublicKey(hex(string(n, "signer", true), "signer", PublicKey.LENGTH_BYTES)),
                        new Signature(hex(string(n, "signature", true), "signature", Signature.LENGTH_BYTES)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }

        private static String string(JsonNode n, String field, boolean required) {
            JsonNode v = n.path(field);
            if (v.isMissingNode() || v.isNull()) {
                if (required) {
                    throw new IllegalArgumentException(field + " is required");
                }
                return "";
            }
            if (!v.isString()) {
                throw new IllegalArgumentException(field + " must be a string");
            }
            return text(v.asString(), field);
        }

        private static byte[] hex(String s, String field, int bytes) {
            if (s.length() != 2 * bytes) {
                throw new IllegalArgumentException(field + " must be " + 2 * bytes + " hex digits");
            }
            try {
                return HexFormat.of().parseHex(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + " must be " + 2 * bytes + " hex digits");
            }
        }
    }

    private static String text(String s, String field) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        if (s.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException(field + " is longer than " + MAX_TEXT_CHARS + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(field + " must be printable ASCII without spaces");
            }
        }
        return s;
    }

    private static String shown(String s) {
        if (s == null) {
            return "nothing";
        }
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return "\"" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }
}
