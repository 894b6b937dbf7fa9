package dev.vyoma.cli.node;

import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.AtomicFiles;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.crypto.PublicKey;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.membership.MembershipChange;
import dev.vyoma.node.membership.MembershipClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code vyoma node add-validator}, {@code remove-validator}, {@code approve-change} and {@code submit-change}: a
 * membership change approved with the node keys of operators' validator homes (as many as the chain's {@code
 * operatorThreshold} asks for), sent to a member's API, which enacts it as a Raft configuration change. Where one
 * approval is not enough, the change travels between operators as a file.
 */
final class ValidatorCommands {
    private ValidatorCommands() {}

    /** Largest change file read: a change with 32 approvals is under 8 KiB. */
    static final int MAX_CHANGE_FILE_BYTES = 64 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The key and API address of a validator's home, read for a command. */
    private record Home(KeyPair key, NodeHome.Settings settings, String chainId) {
        static Home read(Path dir) {
            NodeHome h = NodeHome.at(dir);
            try {
                return new Home(h.key(), h.settings(), h.genesis().chainId());
            } catch (NoSuchFileException e) {
                throw new UserException(e.getFile() + " is missing: --home must be a validator's home");
            } catch (IOException e) {
                throw new UserException("cannot read " + dir + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
        }

        String api() {
            return "http://" + settings.self().apiAddress();
        }
    }

    /** What add and remove take: the operator's home (its key signs) and the member to send the change to. */
    abstract static class Change extends OutputCommand {
        @Option(
                names = "--home",
                required = true,
                description = "A validator's home whose node key approves the change (it must be among the members'"
                        + " operators).")
        Path home;

        @Option(
                names = "--node",
                paramLabel = "URL",
                description =
                        "The API of a member to send the change to (default: the API of the validator in --home).")
        String node;

        @Option(names = "--id", required = true, description = "The validator's id, e.g. n3.")
        String id;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "Write the change, approved by --home's key, to FILE instead of sending it, for other"
                        + " operators to approve (vyoma node approve-change FILE); needed where the chain asks for"
                        + " more than one operator's approval.")
        Path out;

        abstract MembershipChange change(MembershipClient.Current now);

        @Override
        public Integer call() throws Exception {
            Home h = Home.read(home);
            String api = node != null ? node : h.api();
            MembershipClient client = client(api);
            MembershipClient.Current now;
            try {
                now = client.current();
            } catch (IOException e) {
                throw new UserException("cannot reach the node at " + api + ": " + e.getMessage());
            }
            MembershipChange.Signed signed;
            try {
                signed = change(now).sign(h.key());
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            if (out == null && now.operatorThreshold() <= 1) {
                return print(after(submit(client, api, signed)));
            }
            int needed = now.operatorThreshold();
            if (out == null) {
                throw new UserException("the chain needs " + needed + " operator approvals for a change, and --home"
                        + " gives one: pass --out FILE to write the approved change, then have other operators run"
                        + " vyoma node approve-change FILE --home THEIR_HOME");
            }
            writeNew(out, signed);
            return print(pending(out, signed, operatorApprovals(now.operators(), signed), needed));
        }
    }

    @Command(
            name = "add-validator",
            description =
                    "Add a validator to the running chain: start it first (vyoma node init --join, then vyoma node"
                            + " start); the leader catches it up from its snapshot, then it counts for the quorum.")
    static final class Add extends Change {
        @Option(
                names = "--raft-address",
                required = true,
                paramLabel = "HOST:PORT",
                description = "Where the others reach the new validator's consensus.")
        String raftAddress;

        @Option(
                names = "--api-address",
                required = true,
                paramLabel = "HOST:PORT",
                description = "Where the others reach its API.")
        String apiAddress;

        @Override
        MembershipChange change(MembershipClient.Current now) {
            return MembershipChange.add(now.chainId(), id, raftAddress, apiAddress, now.configIndex());
        }
    }

    @Command(
            name = "remove-validator",
            description = "Remove a validator from the running chain: it no longer counts for the quorum, and says so"
                    + " in its status and log.")
    static final class Remove extends Change {
        @Override
        MembershipChange change(MembershipClient.Current now) {
            return MembershipChange.remove(now.chainId(), id, now.configIndex());
        }
    }

    @Command(
            name = "approve-change",
            description = "Add the approval of the node key in --home to the membership change in FILE (written by"
                    + " add-validator or remove-validator --out); once it has as many operator approvals as the chain"
                    + " asks for, send it, else write FILE back for the next operator.")
    static final class Approve extends OutputCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "The change, as add-validator --out wrote it.")
        Path file;

        @Option(
                names = "--home",
                required = true,
                description = "A validator's home whose node key approves the change.")
        Path home;

        @Option(
                names = "--node",
                paramLabel = "URL",
                description =
                        "The API of a member to send the change to (default: the API of the validator in --home).")
        String node;

        @Option(names = "--no-submit", description = "Only add the approval to FILE; do not send the change.")
        boolean noSubmit;

        @Override
        public Integer call() throws Exception {
            MembershipChange.Signed signed = read(file);
            Home h = Home.read(home);
            MembershipChange change = signed.change();
            if (!change.chainId().equals(h.chainId())) {
                throw new UserException(file + " is a change for chain " + change.chainId() + ", and the node in "
                        + home + " runs chain " + h.chainId() + "; approve it with a home of that chain");
            }
            if (signed.approvedBy(h.key().publicKey())) {
                throw new UserException(file + " is approved by this home's key ("
                        + MembershipChange.shortKey(h.key().publicKey())
                        + ") already; another operator must approve it");
            }
            MembershipChange.Signed more;
            try {
                more = signed.approve(h.key());
            } catch (IllegalArgumentException e) {
                throw new UserException(file + ": " + e.getMessage());
            }
            int needed = h.settings().governance().threshold();
            long have = operatorApprovals(h.settings().governance().operators(), more);
            // The approval is kept whatever the node answers: a change refused for a reason that passes (no leader,
            // a change under way) is sent again with submit-change, not approved again.
            replace(file, more);
            if (noSubmit || have < needed) {
                return print(pending(file, more, have, needed));
            }
            String api = node != null ? node : h.api();
            try {
                return print(after(submit(client(api), api, more)));
            } catch (UserException e) {
                throw new UserException(
                        e.getMessage() + "; the " + more.approvals().size() + " approvals are kept in " + file
                                + " (vyoma node submit-change " + file + " sends it again)");
            }
        }
    }

    @Command(
            name = "submit-change",
            description = "Send the membership change in FILE (with its operators' approvals) to a member, which"
                    + " enacts it once it carries as many operator approvals as the chain asks for.")
    static final class Submit extends OutputCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "The change, as approve-change wrote it.")
        Path file;

        @Option(
                names = "--home",
                description = "A validator's home: the change goes to its API (give --home or --node).")
        Path home;

        @Option(names = "--node", paramLabel = "URL", description = "The API of a member to send the change to.")
        String node;

        @Override
        public Integer call() throws Exception {
            if (node == null && home == null) {
                throw new UserException("give --node URL (a member's API) or --home DIR (a validator's home)");
            }
            MembershipChange.Signed signed = read(file);
            String api = node != null ? node : Home.read(home).api();
            return print(after(submit(client(api), api, signed)));
        }
    }

    private static MembershipClient client(String api) {
        try {
            return new MembershipClient(api);
        } catch (IllegalArgumentException e) {
            throw new UserException("--node must be a URL such as http://127.0.0.1:1317, got " + api);
        }
    }

    private static MembershipClient.Outcome submit(MembershipClient client, String api, MembershipChange.Signed signed)
            throws InterruptedException {
        MembershipClient.Outcome outcome;
        try {
            outcome = client.submit(signed);
        } catch (IOException e) {
            throw new UserException("cannot reach the node at " + api + ": " + e.getMessage());
        }
        if (!outcome.enacted()) {
            throw new UserException("the change was refused (HTTP " + outcome.status() + "): " + outcome.message());
        }
        return outcome;
    }

    /** How many of {@code signed}'s approvals are by {@code operators} (public keys in hex). */
    private static long operatorApprovals(List<String> operators, MembershipChange.Signed signed) {
        Set<String> keys = Set.copyOf(operators);
        return signed.signers().stream().filter(k -> keys.contains(hex(k))).count();
    }

    /** What a change written to a file still lacks, and the command that goes on. */
    private static Map<String, Object> pending(Path file, MembershipChange.Signed signed, long have, int needed) {
        Map<String, Object> out = new LinkedHashMap<>();
        MembershipChange c = signed.change();
        out.put("file", file.toString());
        out.put("change", c.action().name().toLowerCase(java.util.Locale.ROOT) + " " + c.memberId());
        out.put("configIndex", c.configIndex());
        out.put(
                "approvedBy",
                signed.signers().stream().map(MembershipChange::shortKey).collect(Collectors.joining(",")));
        out.put("operatorApprovals", have);
        out.put("needed", needed);
        out.put(
                "next",
                have >= needed
                        ? "vyoma node submit-change " + file + " --home HOME (or --node URL)"
                        : (needed - have) + " more: vyoma node approve-change " + file + " --home OTHER_OPERATOR_HOME");
        return out;
    }

    private static String hex(PublicKey k) {
        return HexFormat.of().formatHex(k.bytes());
    }

    /** Reads a change file: bounded, JSON, and a change whose every approval holds. */
    static MembershipChange.Signed read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_CHANGE_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new UserException(file + " does not exist; write it with vyoma node add-validator --out " + file);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_CHANGE_FILE_BYTES) {
            throw new UserException(file + " is over " + MAX_CHANGE_FILE_BYTES / 1024 + " KiB: not a change file");
        }
        try {
            return MembershipChange.Signed.parse(JSON.readTree(new String(bytes, StandardCharsets.UTF_8)));
        } catch (JacksonException e) {
            throw new UserException(file + " is not JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new UserException(file + ": " + e.getMessage());
        }
    }

    private static String text(MembershipChange.Signed signed) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(signed.json()) + "\n";
    }

    /** Writes a new change file; refuses one that exists (another change may be in it). */
    private static void writeNew(Path file, MembershipChange.Signed signed) {
        try {
            Files.writeString(file, text(signed), java.nio.file.StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new UserException(file + " exists; choose another --out or remove it");
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** Replaces a change file whole (a file beside it, then renamed over it), so a reader never sees half. */
    private static void replace(Path file, MembershipChange.Signed signed) {
        try {
            AtomicFiles.replace(file, text(signed));
        } catch (IOException e) {
            throw new UserException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** The validators after an enacted change, as add-validator has always printed them. */
    private static Map<String, Object> after(MembershipClient.Outcome outcome) {
        List<Map<String, Object>> rows = outcome.after().validators().stream()
                .map(m -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", m.id());
                    row.put("raft", m.raftAddress());
                    row.put("api", m.apiAddress());
                    return row;
                })
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("configIndex", outcome.after().configIndex());
        out.put("quorum", outcome.after().quorum());
        out.put("validators", rows);
        return out;
    }
}
