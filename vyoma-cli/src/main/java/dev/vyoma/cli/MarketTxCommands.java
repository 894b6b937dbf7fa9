package dev.vyoma.cli;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.Attribute;
import dev.vyoma.sdl.spec.DecCoin;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The marketplace's transactions: {@code vyoma tx deployment|market|provider|audit|escrow …}. */
final class MarketTxCommands {
    private MarketTxCommands() {}

    /** A command group that only lists its subcommands. */
    abstract static class Group implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return Main.USAGE;
        }
    }

    static Coin coin(String text, String what) {
        try {
            return Coin.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(what + ": " + e.getMessage());
        }
    }

    static DecCoin decCoin(String text, String what) {
        int i = 0;
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        try {
            return new DecCoin(text.substring(i), new BigDecimal(text.substring(0, i)));
        } catch (RuntimeException e) {
            throw new UserException(what + " is an amount and a denom, e.g. 12.5uusd; got " + text);
        }
    }

    static Address address(String text, String what) {
        try {
            return Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(what + ": " + e.getMessage());
        }
    }

    /** A deployment's sequence number, in its one canonical spelling (the ledger's parser). */
    static long number(String text, String what) {
        try {
            return dev.vyoma.ledger.WholeNumber.parse(text, what, 1, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** {@code OWNER/DSEQ/GSEQ/OSEQ}, parsed by the ledger's own parser. */
    static OrderId order(String text) {
        try {
            return OrderId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** {@code OWNER/DSEQ/GSEQ/OSEQ/PROVIDER}, parsed by the ledger's own parser. */
    static BidId bid(String text) {
        try {
            return BidId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** {@code OWNER} and {@code DSEQ} given apart, parsed by the ledger's own parser. */
    static DeploymentId deployment(String owner, String dseq) {
        try {
            return DeploymentId.parse(owner, dseq);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    // ---- deployment ----

    @Command(
            name = "deployment",
            description = "Create, fund, update and close deployments.",
            subcommands = {
                DeploymentCreate.class,
                DeploymentDeposit.class,
                DeploymentUpdate.class,
                DeploymentClose.class
            })
    static final class Deployment extends Group {}

    @Command(
            name = "create",
            description = "Post an SDL file as a deployment: vyoma tx deployment create FILE --deposit 5000000uusd.")
    static final class DeploymentCreate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "FILE", description = "The SDL file; - reads standard input.")
        String file;

        @Option(names = "--deposit", required = true, description = "Escrow deposit, e.g. 5000000uusd.")
        String deposit;

        @Option(
                names = "--dseq",
                description = "The deployment's sequence number (default: the chain's height, as Akash does).")
        Long dseq;

        @Override
        public Integer call() {
            SdlDocument doc =
                    SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
            Coin amount = coin(deposit, "--deposit");
            KeyPair key = options.client.unlock(options.from);
            long seq = dseq != null ? dseq : options.client.client().status().height();
            Msg msg = new Msg.CreateDeployment(
                    new DeploymentId(key.address(), seq),
                    doc.groups(),
                    doc.manifestVersion().hex(),
                    amount);
            spec.commandLine().getErr().println("vyoma: deployment " + key.address() + "/" + seq);
            return TxCommand.send(spec, options, key, List.of(msg));
        }
    }

    @Command(
            name = "deposit",
            description = "Add funds to a deployment's escrow: vyoma tx deployment deposit DSEQ AMOUNT.")
    static final class DeploymentDeposit implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(index = "0", paramLabel = "DSEQ")
        String dseq;

        @Parameters(index = "1", paramLabel = "AMOUNT")
        String amount;

        @Option(names = "--owner", description = "The deployment's owner, when paying for someone else's.")
        String owner;

        @Override
        public Integer call() {
            KeyPair key = options.client.unlock(options.from);
            Address o = owner == null ? key.address() : address(owner, "--owner");
            Msg msg = new Msg.DepositDeployment(
                    key.address(), new DeploymentId(o, number(dseq, "DSEQ")), coin(amount, "AMOUNT"));
            return TxCommand.send(spec, options, key, List.of(msg));
        }
    }

    @Command(
            name = "update",
            description = "Point a deployment at a new version of its SDL: vyoma tx deployment update DSEQ FILE.")
    static final class DeploymentUpdate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(index = "0", paramLabel = "DSEQ")
        String dseq;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        public Integer call() {
            SdlDocument doc =
                    SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
            KeyPair key = options.client.unlock(options.from);
            Msg msg = new Msg.UpdateDeployment(
                    new DeploymentId(key.address(), number(dseq, "DSEQ")),
                    doc.manifestVersion().hex());
            return TxCommand.send(spec, options, key, List.of(msg));
        }
    }

    @Command(name = "close", description = "Close a deployment: its leases end and the escrow is refunded.")
    static final class DeploymentClose implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "DSEQ")
        String dseq;

        @Override
        public Integer call() {
            KeyPair key = options.client.unlock(options.from);
            Msg msg = new Msg.CloseDeployment(new DeploymentId(key.address(), number(dseq, "DSEQ")));
            return TxCommand.send(spec, options, key, List.of(msg));
        }
    }

    // ---- market ----

    @Command(
            name = "market",
            description = "Bids and leases.",
            subcommands = {Bid.class, Lease.class})
    static final class Market extends Group {}

    @Command(
            name = "bid",
            description = "Bid on orders.",
            subcommands = {BidCreate.class, BidClose.class})
    static final class Bid extends Group {}

    @Command(
            name = "create",
            description =
                    "Bid on an order as the provider --from: vyoma tx market bid create OWNER/DSEQ/GSEQ/OSEQ --price 12.5uusd.")
    static final class BidCreate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "ORDER")
        String order;

        @Option(names = "--price", required = true, description = "Price per block, e.g. 12.5uusd.")
        String price;

        @Option(
                names = "--deposit",
                description = "Bid deposit (default: ${DEFAULT-VALUE}).",
                defaultValue = "500000uvyo")
        String deposit;

        @Override
        public Integer call() {
            OrderId id = order(order);
            KeyPair key = options.client.unlock(options.from);
            Msg msg = new Msg.CreateBid(id, key.address(), decCoin(price, "--price"), coin(deposit, "--deposit"));
            return TxCommand.send(spec, options, key, List.of(msg));
        }
    }

    @Command(name = "close", description = "Withdraw a bid (or end its lease) as the provider.")
    static final class BidClose implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "ORDER", description = "OWNER/DSEQ/GSEQ/OSEQ of the order the bid is on.")
        String order;

        @Option(
                names = "--reason",
                description = "Provider close reason, 10000-19999 (default: ${DEFAULT-VALUE}, unspecified).",
                defaultValue = "10002")
        int reason;

        @Override
        public Integer call() {
            OrderId id = order(order);
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(spec, options, key, List.of(new Msg.CloseBid(new BidId(id, key.address()), reason)));
        }
    }

    @Command(
            name = "lease",
            description = "Take a bid, or end a lease.",
            subcommands = {LeaseCreate.class, LeaseClose.class})
    static final class Lease extends Group {}

    @Command(
            name = "create",
            description = "Take a bid as the tenant: vyoma tx market lease create OWNER/DSEQ/GSEQ/OSEQ/PROVIDER.")
    static final class LeaseCreate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "BID")
        String bid;

        @Override
        public Integer call() {
            BidId id = bid(bid);
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(spec, options, key, List.of(new Msg.CreateLease(id)));
        }
    }

    @Command(name = "close", description = "End a lease as its tenant.")
    static final class LeaseClose implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "LEASE")
        String lease;

        @Override
        public Integer call() {
            BidId id = bid(lease);
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(spec, options, key, List.of(new Msg.CloseLease(id)));
        }
    }

    // ---- provider, audit, escrow ----

    @Command(
            name = "provider",
            description = "Register or update a provider.",
            subcommands = {ProviderCreate.class, ProviderUpdate.class})
    static final class Provider extends Group {}

    /** Reads provider.yaml as Akash writes it: host, attributes (key/value list), info (email, website). */
    static Msg provider(Path file, Address owner, boolean update) {
        Object tree;
        try {
            tree = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UserException(
                    file + " is not YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(tree instanceof Map<?, ?> m) || !(m.get("host") instanceof String host) || host.isBlank()) {
            throw new UserException(file + ": needs host: https://…:8443 (and attributes, info)");
        }
        List<Attribute> attributes = new ArrayList<>();
        if (m.get("attributes") instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> a) || a.get("key") == null || a.get("value") == null) {
                    throw new UserException(file + ": each attribute is {key: …, value: …}");
                }
                attributes.add(
                        new Attribute(a.get("key").toString(), a.get("value").toString()));
            }
        } else if (m.get("attributes") != null) {
            throw new UserException(file + ": attributes is a list of {key, value}");
        }
        String email = "";
        String website = "";
        if (m.get("info") instanceof Map<?, ?> info) {
            email = info.get("email") == null ? "" : info.get("email").toString();
            website = info.get("website") == null ? "" : info.get("website").toString();
        }
        return update
                ? new Msg.UpdateProvider(owner, host, attributes, email, website)
                : new Msg.CreateProvider(owner, host, attributes, email, website);
    }

    @Command(name = "create", description = "Register the --from account as a provider from provider.yaml.")
    static final class ProviderCreate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(spec, options, key, List.of(provider(file, key.address(), false)));
        }
    }

    @Command(name = "update", description = "Update the --from provider from provider.yaml.")
    static final class ProviderUpdate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(spec, options, key, List.of(provider(file, key.address(), true)));
        }
    }

    @Command(
            name = "audit",
            description = "Auditors' signatures on provider attributes.",
            subcommands = {Attr.class})
    static final class Audit extends Group {}

    @Command(
            name = "attr",
            description = "Provider attributes.",
            subcommands = {AttrSign.class})
    static final class Attr extends Group {}

    @Command(
            name = "sign",
            description =
                    "Sign a provider's attributes as the auditor --from: vyoma tx audit attr sign PROVIDER --attr region=eu.")
    static final class AttrSign implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "PROVIDER")
        String provider;

        @Option(names = "--attr", required = true, description = "KEY=VALUE (repeatable).")
        List<String> attrs;

        @Override
        public Integer call() {
            List<Attribute> attributes = new ArrayList<>();
            for (String a : attrs) {
                int eq = a.indexOf('=');
                if (eq <= 0) {
                    throw new UserException("--attr is KEY=VALUE, got " + a);
                }
                attributes.add(new Attribute(a.substring(0, eq), a.substring(eq + 1)));
            }
            Address p = address(provider, "PROVIDER");
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(
                    spec, options, key, List.of(new Msg.SignProviderAttributes(key.address(), p, attributes)));
        }
    }

    @Command(
            name = "escrow",
            description = "Provider withdrawals.",
            subcommands = {Withdraw.class})
    static final class Escrow extends Group {}

    @Command(
            name = "withdraw",
            description = "Withdraw what a lease has earned, as its provider: vyoma tx escrow withdraw LEASE.")
    static final class Withdraw implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "LEASE", description = "OWNER/DSEQ/GSEQ/OSEQ/PROVIDER.")
        String lease;

        @Override
        public Integer call() {
            BidId id = bid(lease);
            KeyPair key = options.client.unlock(options.from);
            return TxCommand.send(spec, options, key, List.of(new Msg.WithdrawLease(id)));
        }
    }

    // ---- cert ----

    @Command(
            name = "cert",
            description = "Client certificates for mutual TLS with providers.",
            subcommands = {CertCreate.class, CertRevoke.class})
    static final class Cert extends Group {}

    @Command(
            name = "create",
            description = "Make a key and a self-signed certificate for the --from account, keep them under"
                    + " --home/certs (mode 600), and publish the certificate.")
    static final class CertCreate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Override
        public Integer call() {
            KeyPair key = options.client.unlock(options.from);
            dev.vyoma.client.TlsCertificate cert = dev.vyoma.client.TlsCertificate.create(key.address());
            Path dir = options.client.home().resolve("certs");
            Path file = dir.resolve(key.address() + "-" + cert.serial() + ".pem");
            try {
                dev.vyoma.client.SecretFiles.write(file, cert.certPem() + cert.privateKeyPem());
            } catch (IOException e) {
                throw new UserException("cannot write " + file + ": " + e.getMessage());
            }
            spec.commandLine().getErr().println("vyoma: certificate " + cert.serial() + " and its key in " + file);
            Msg msg = new Msg.CreateCertificate(key.address(), cert.certPem(), cert.publicKeyPem());
            return TxCommand.send(spec, options, key, List.of(msg));
        }
    }

    @Command(name = "revoke", description = "Revoke one of the --from account's certificates by serial.")
    static final class CertRevoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        TxCommand.TxOptions options;

        @Parameters(paramLabel = "SERIAL")
        String serial;

        @Override
        public Integer call() {
            KeyPair key = options.client.unlock(options.from);
            Msg msg = new Msg.RevokeCertificate(new dev.vyoma.ledger.cert.CertificateId(key.address(), serial));
            return TxCommand.send(spec, options, key, List.of(msg));
        }
    }
}
