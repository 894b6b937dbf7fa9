package dev.vyoma.cli.node;

import dev.vyoma.cli.OutputCommand;
import dev.vyoma.cli.UserException;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.membership.MembershipClient;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vyoma node add-validator} and {@code remove-validator}: a membership change signed with the node key of an
 * operator's validator home, sent to a member's API, which enacts it as a Raft configuration change.
 */
final class ValidatorCommands {
    private ValidatorCommands() {}

    /** What both commands take: the operator's home (its key signs) and the member to send the change to. */
    abstract static class Change extends OutputCommand {
        @Option(
                names = "--home",
                required = true,
                description = "A validator's home whose node key signs the change (it must be among the members'"
                        + " operators).")
        Path home;

        @Option(
                names = "--node",
                paramLabel = "URL",
                description =
                        "The API of a member to send the change to (default: the API of the validator in" + " --home).")
        String node;

        @Option(names = "--id", required = true, description = "The validator's id, e.g. n3.")
        String id;

        abstract MembershipClient.Outcome send(MembershipClient client, KeyPair operator)
                throws IOException, InterruptedException;

        @Override
        public Integer call() throws Exception {
            NodeHome h = NodeHome.at(home);
            KeyPair operator;
            String api;
            try {
                operator = h.key();
                api = node != null ? node : "http://" + h.settings().self().apiAddress();
            } catch (NoSuchFileException e) {
                throw new UserException(e.getFile() + " is missing: --home must be a validator's home");
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            MembershipClient.Outcome outcome;
            try {
                outcome = send(new MembershipClient(api), operator);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            } catch (IOException e) {
                throw new UserException("cannot reach the node at " + api + ": " + e.getMessage());
            }
            if (!outcome.enacted()) {
                throw new UserException("the change was refused (HTTP " + outcome.status() + "): " + outcome.message());
            }
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
            return print(out);
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
        MembershipClient.Outcome send(MembershipClient client, KeyPair operator)
                throws IOException, InterruptedException {
            return client.add(operator, id, raftAddress, apiAddress);
        }
    }

    @Command(
            name = "remove-validator",
            description = "Remove a validator from the running chain: it no longer counts for the quorum, and says so"
                    + " in its status and log.")
    static final class Remove extends Change {
        @Override
        MembershipClient.Outcome send(MembershipClient client, KeyPair operator)
                throws IOException, InterruptedException {
            return client.remove(operator, id);
        }
    }
}
