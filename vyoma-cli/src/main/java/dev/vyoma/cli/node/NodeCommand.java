package dev.vyoma.cli.node;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.ledger.Genesis;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.machine.Params;
import dev.vyoma.node.Governance;
import dev.vyoma.node.NodeHome;
import dev.vyoma.node.NodeMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vyoma node init|start|testnet|add-validator|remove-validator|approve-change|submit-change}: set up, run and
 * change validators.
 */
@Subcommands({
    NodeCommand.Init.class,
    NodeCommand.Start.class,
    NodeCommand.Testnet.class,
    ValidatorCommands.Add.class,
    ValidatorCommands.Remove.class,
    ValidatorCommands.Approve.class,
    ValidatorCommands.Submit.class
})
@Command(name = "node", description = "Set up and run a validator node.")
public final class NodeCommand extends Group {
    /** Genesis options shared by init and testnet. */
    static final class GenesisOptions {
        @Option(
                names = "--chain-id",
                description = "The chain id (default: ${DEFAULT-VALUE}).",
                defaultValue = "vyoma-local-1")
        String chainId;

        @Option(
                names = "--fund",
                paramLabel = "ADDRESS=COINS",
                description = "Fund an account in genesis, e.g. vyoma1…=1000000000uusd,1000000000uvyo (repeatable).")
        List<String> fund = new ArrayList<>();

        Genesis genesis() {
            List<Genesis.Allocation> accounts = new ArrayList<>();
            for (String f : fund) {
                int eq = f.indexOf('=');
                if (eq < 0) {
                    throw new UserException("--fund takes ADDRESS=COINS, got " + f);
                }
                Address address;
                try {
                    address = Address.parse(f.substring(0, eq));
                } catch (IllegalArgumentException e) {
                    throw new UserException("--fund " + f + ": " + e.getMessage());
                }
                List<Coin> coins = new ArrayList<>();
                for (String c : f.substring(eq + 1).split(",", -1)) {
                    try {
                        coins.add(Coin.parse(c.trim()));
                    } catch (IllegalArgumentException e) {
                        throw new UserException("--fund " + f + ": " + e.getMessage());
                    }
                }
                accounts.add(new Genesis.Allocation(address, coins));
            }
            try {
                return new Genesis(chainId, System.currentTimeMillis(), Params.defaults(), accounts);
            } catch (IllegalArgumentException e) {
                throw new UserException("genesis: " + e.getMessage());
            }
        }
    }

    @Command(name = "init", description = "Write a node's home: config, genesis and a new validator key.")
    static final class Init extends OutputCommand {
        @Option(names = "--home", required = true, description = "The node's home directory.")
        Path home;

        @Option(
                names = "--moniker",
                description = "A name for this validator (default: ${DEFAULT-VALUE}).",
                defaultValue = "validator")
        String moniker;

        @Option(
                names = "--raft-address",
                description = "host:port for consensus (default: ${DEFAULT-VALUE}).",
                defaultValue = "127.0.0.1:26656")
        String raftAddress;

        @Option(
                names = "--api-address",
                description = "host:port of the HTTP API (default: ${DEFAULT-VALUE}).",
                defaultValue = "127.0.0.1:1317")
        String apiAddress;

        @Option(
                names = "--raft-listen",
                paramLabel = "HOST:PORT",
                description = "Where consensus listens, if not on every interface at the --raft-address port.")
        String raftListen;

        @Option(
                names = "--api-listen",
                paramLabel = "HOST:PORT",
                description = "Where the API listens, if not at --api-address (e.g. 0.0.0.0:1317).")
        String apiListen;

        @Option(
                names = "--block-interval",
                description = "Time between blocks (default: ${DEFAULT-VALUE}).",
                defaultValue = "6s")
        String blockInterval;

        @Option(
                names = "--node-id",
                description = "This validator's id in the group (default: ${DEFAULT-VALUE}).",
                defaultValue = "n0")
        String nodeId;

        @Option(
                names = "--join",
                description = "Start outside the group and wait to be added (vyoma node add-validator), instead of"
                        + " founding a chain; use with --genesis.")
        boolean join;

        @Option(
                names = "--genesis",
                paramLabel = "FILE",
                description = "The chain's genesis.json (copied from a member) instead of a new one.")
        Path genesisFile;

        @Option(
                names = "--operator",
                paramLabel = "PUBKEY",
                description = "Another operator's public key (64 hex) whose signed membership changes this node enacts"
                        + " (repeatable; this node's own key is always one).")
        List<String> operators = new ArrayList<>();

        @Option(
                names = "--operator-threshold",
                paramLabel = "N",
                description = "How many distinct operators must approve a membership change, 1 to the number of"
                        + " operators (default: a majority of them). A node joining a chain takes the chain's.")
        Integer operatorThreshold;

        @Mixin
        GenesisOptions genesis;

        private Genesis chosenGenesis() {
            if (genesisFile == null) {
                if (join) {
                    throw new UserException("--join needs --genesis: the chain's genesis.json, copied from a member");
                }
                return genesis.genesis();
            }
            if (!genesis.fund.isEmpty()) {
                throw new UserException("--fund makes a new genesis; it does not go with --genesis");
            }
            try {
                return dev.vyoma.ledger.GenesisJson.parse(java.nio.file.Files.readString(genesisFile));
            } catch (IOException e) {
                throw new UserException("cannot read " + genesisFile + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserException(genesisFile + ": " + e.getMessage());
            }
        }

        @Override
        public Integer call() {
            long interval = Args.millis(blockInterval);
            Genesis chain = chosenGenesis();
            KeyPair key = NodeHome.newKey();
            // The node's own key is an operator; it counts toward the threshold given.
            List<String> allOperators = new ArrayList<>(operators);
            String own = java.util.HexFormat.of().formatHex(key.publicKey().bytes());
            if (!allOperators.contains(own)) {
                allOperators.add(own);
            }
            if (operatorThreshold != null && (operatorThreshold < 1 || operatorThreshold > allOperators.size())) {
                throw new UserException("--operator-threshold must be 1 to the number of operators ("
                        + allOperators.size() + ": this node's key and " + operators.size() + " --operator), got "
                        + operatorThreshold);
            }
            NodeHome.Settings settings;
            try {
                settings = new NodeHome.Settings(
                        nodeId,
                        moniker,
                        List.of(new NodeHome.Member(nodeId, raftAddress, apiAddress)),
                        interval,
                        NodeHome.DEFAULT_MAX_TXS_PER_BLOCK,
                        1_000,
                        new NodeHome.Listen(
                                java.util.Optional.ofNullable(raftListen)
                                        .map(a -> dev.vyoma.node.membership.HostPort.parse(a, "--raft-listen", true)),
                                java.util.Optional.ofNullable(apiListen)
                                        .map(a -> dev.vyoma.node.membership.HostPort.parse(a, "--api-listen", true))),
                        new Governance(
                                allOperators,
                                operatorThreshold == null
                                        ? java.util.OptionalInt.empty()
                                        : java.util.OptionalInt.of(operatorThreshold),
                                join,
                                dev.vyoma.node.chain.Node.Membership.DEFAULT_LOG_SEGMENT_BYTES));
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            try {
                NodeHome.init(home, settings, chain, key);
            } catch (FileAlreadyExistsException e) {
                throw new UserException(e.getMessage());
            } catch (IOException e) {
                throw new UserException("cannot write " + home + ": " + e.getMessage());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("home", home.toString());
            out.put("chainId", chain.chainId());
            out.put("nodeId", nodeId);
            out.put("validator", key.address().toString());
            out.put("operatorKey", own);
            out.put(
                    "operatorThreshold",
                    operatorThreshold != null ? operatorThreshold : Governance.majority(allOperators.size()));
            out.put("api", "http://" + apiAddress);
            out.put(
                    "next",
                    "vyoma node start --home " + home
                            + (join
                                    ? "; then, from a member: vyoma node add-validator --home MEMBER_HOME --id "
                                            + nodeId + " --raft-address " + raftAddress + " --api-address " + apiAddress
                                            + " (with --out FILE, then vyoma node approve-change FILE by other"
                                            + " operators, where the chain needs more than one approval)"
                                    : ""));
            return print(out);
        }
    }

    @Command(name = "start", description = "Run the node in --home until it is stopped (SIGTERM or Ctrl-C).")
    static final class Start extends OutputCommand {
        @Option(names = "--home", required = true, description = "The node's home directory (see vyoma node init).")
        Path home;

        @Option(
                names = "--init",
                description = "If --home holds no node yet, make it a one-validator devnet first: chain vyoma-local-1,"
                        + " 1 s blocks, API on 127.0.0.1:1317, and a funded key named dev in its test keyring.")
        boolean init;

        @Override
        public Integer call() throws Exception {
            if (init && !java.nio.file.Files.exists(NodeHome.at(home).configFile())) {
                devnetHome();
            }
            try {
                NodeMain.run(NodeHome.at(home));
            } catch (NoSuchFileException e) {
                throw new UserException(e.getFile() + " is missing; run vyoma node init --home " + home + " first");
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            return 0;
        }

        private void devnetHome() throws IOException {
            dev.vyoma.client.Keyring ring = dev.vyoma.client.Keyring.open(home, dev.vyoma.client.Keyring.Backend.TEST);
            dev.vyoma.client.Keyring.Entry dev = ring.add("dev", null);
            Genesis genesis = new Genesis(
                    "vyoma-local-1",
                    System.currentTimeMillis(),
                    Params.defaults(),
                    List.of(new Genesis.Allocation(
                            dev.address(),
                            List.of(new Coin("uusd", 1_000_000_000_000L), new Coin("uvyo", 1_000_000_000_000L)))));
            NodeHome.Settings settings = new NodeHome.Settings(
                    "n0",
                    "devnet",
                    List.of(new NodeHome.Member("n0", "127.0.0.1:26656", "127.0.0.1:1317")),
                    1_000,
                    NodeHome.DEFAULT_MAX_TXS_PER_BLOCK,
                    1_000);
            NodeHome.init(home, settings, genesis, NodeHome.newKey());
            PrintWriter err = spec.commandLine().getErr();
            err.println("vyoma: wrote a devnet node in " + home + "; key dev (" + dev.address()
                    + ") holds 1,000,000 usd and vyo.");
            err.println("vyoma: try: vyoma query bank balances " + dev.address());
            err.println("vyoma:      vyoma tx bank send ADDRESS 1000000uusd --from dev --keyring-backend test --home "
                    + home);
            err.flush();
        }
    }

    @Command(
            name = "testnet",
            description = "Write the homes of a network of validators on this machine (node0, node1, …).")
    static final class Testnet extends OutputCommand {
        @Option(names = "--validators", description = "How many (default: ${DEFAULT-VALUE}).", defaultValue = "3")
        int validators;

        @Option(names = "--output-dir", required = true, description = "Directory for the homes (node0, node1, …).")
        Path output;

        @Option(
                names = "--base-port",
                description =
                        "Validator i uses port BASE+i for consensus and BASE+100+i for its API (default: ${DEFAULT-VALUE}).",
                defaultValue = "26656")
        int basePort;

        @Option(
                names = "--block-interval",
                description = "Time between blocks (default: ${DEFAULT-VALUE}).",
                defaultValue = "1s")
        String blockInterval;

        @Option(
                names = "--hosts",
                split = ",",
                paramLabel = "HOST",
                description = "Where the others reach each validator, one host (name or IP) per validator in order, for"
                        + " a network on several machines (default: 127.0.0.1 for all).")
        List<String> hosts = new ArrayList<>();

        @Option(
                names = "--listen-host",
                paramLabel = "HOST",
                description = "Each validator listens on this host (e.g. 0.0.0.0: every interface) at its ports,"
                        + " instead of on its own host.")
        String listenHost;

        @Mixin
        GenesisOptions genesis;

        @Override
        public Integer call() {
            if (!hosts.isEmpty() && hosts.size() != validators) {
                throw new UserException("--hosts lists " + hosts.size() + " hosts for " + validators
                        + " validators; give one per validator");
            }
            if (validators < 1 || validators > 9) {
                throw new UserException("--validators must be 1 to 9, got " + validators);
            }
            if (basePort < 1024 || basePort + 100 + validators > 65535) {
                throw new UserException("--base-port must leave room for the ports above it, got " + basePort);
            }
            List<Integer> raft = new ArrayList<>();
            List<Integer> api = new ArrayList<>();
            for (int i = 0; i < validators; i++) {
                raft.add(basePort + i);
                api.add(basePort + 100 + i);
            }
            List<String> where = hosts.isEmpty() ? java.util.Collections.nCopies(validators, "127.0.0.1") : hosts;
            List<NodeHome> homes;
            try {
                homes = NodeHome.testnet(
                        output,
                        where,
                        java.util.Optional.ofNullable(listenHost),
                        raft,
                        api,
                        genesis.genesis(),
                        Args.millis(blockInterval),
                        1_000);
            } catch (FileAlreadyExistsException e) {
                throw new UserException(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            } catch (IOException e) {
                throw new UserException("cannot write " + output + ": " + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < homes.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("node", "n" + i);
                row.put("home", homes.get(i).dir().toString());
                NodeHome.Member self;
                try {
                    self = homes.get(i).settings().self();
                } catch (IOException e) {
                    throw new UserException("cannot read " + homes.get(i).configFile() + ": " + e.getMessage());
                }
                row.put("raft", self.raftAddress());
                row.put("api", "http://" + self.apiAddress());
                row.put("start", "vyoma node start --home " + homes.get(i).dir());
                rows.add(row);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("chainId", genesis.chainId);
            result.put("operatorThreshold", Governance.majority(validators));
            result.put("validators", rows);
            Out.records(out, GlobalOptions.of(spec).output, result);
            return 0;
        }
    }
}
