package dev.vyoma.node.membership;

import dev.vyoma.ledger.crypto.Ed25519;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.ledger.crypto.Signature;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One change to the validators: add a member (its id and the Raft and API addresses where the others reach it) or
 * remove one, on chain {@code chainId}, to the configuration the group had at Raft log index {@code configIndex}
 * (as {@code GET /v1/validators} shows it). The index makes a signed change good once: when it is enacted, or when
 * any other change is, the configuration's index moves on and the same bytes are refused as stale.
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
    private static final Set<String> FIELDS =
            Set.of("chainId", "action", "id", "raftAddress", "apiAddress", "configIndex", "signer", "signature");

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

    /** This change signed with {@code operator}. */
    public Signed sign(KeyPair operator) {
        return new Signed(this, operator.publicKey(), Ed25519.sign(operator.privateKey(), signBytes()));
    }

    /** A change with its operator's signature, as {@code POST /v1/validators/changes} takes it. */
    public record Signed(MembershipChange change, PublicKey signer, Signature signature) {
        public Signed {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(signer, "signer");
            Objects.requireNonNull(signature, "signature");
        }

        /** Whether {@link #signer} signed exactly this change. */
        public boolean verifies() {
            return Ed25519.verify(signer, change.signBytes(), signature);
        }

        /** The request body. */
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
            out.put("signer", HexFormat.of().formatHex(signer.bytes()));
            out.put("signature", HexFormat.of().formatHex(signature.bytes()));
            return out;
        }

        /** Reads a request body; refuses anything but the fields above, each of its kind and within its bounds. */
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
            return new Signed(
                    change,
                    new PublicKey(hex(string(n, "signer", true), "signer", PublicKey.LENGTH_BYTES)),
                    new Signature(hex(string(n, "signature", true), "signature", Signature.LENGTH_BYTES)));
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
