package dev.vyoma.cli.tx;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.SdlFiles;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.spec.Attribute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The marketplace's transactions: {@code vyoma tx deployment|market|provider|audit|escrow …}. */
final class MarketTxCommands {
    private MarketTxCommands() {}

    // ---- deployment ----

    @Subcommands({
        DeploymentCreate.class,
        DeploymentDeposit.class,
        DeploymentUpdate.class,
        DeploymentClose.class,
        DepositGrantTxCommands.Grant.class,
        DepositGrantTxCommands.Revoke.class
    })
    @Command(
            name = "deployment",
            description = "Create, fund, update and close deployments; grant others to fund yours.")
    static final class Deployment extends Group {}

    @Command(
            name = "create",
            description = "Post an SDL file as a deployment: vyoma tx deployment create FILE --deposit 5000000uusd"
                    + " [--depositor GRANTER].")
    static final class DeploymentCreate extends SignedTxCommand {
        @Parameters(paramLabel = "FILE", description = "The SDL file; - reads standard input.")
        String file;

        @Option(names = "--deposit", required = true, description = "Escrow deposit, e.g. 5000000uusd.")
        String deposit;

        @Option(
                names = "--dseq",
                description = "The deployment's sequence number (default: the chain's height, as Akash does).")
        Long dseq;

        @Option(
                names = "--depositor",
                paramLabel = "GRANTER",
                description = "Draw the deposit from GRANTER's deposit grant to you (vyoma tx deployment grant)"
                        + " instead of your balance; what is left comes back to GRANTER.")
        String depositor;

        @Override
        protected Message prepare() {
            SdlDocument doc =
                    SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
            Coin amount = Args.coin(deposit, "--deposit");
            Address granter = depositor == null ? null : Args.address(depositor, "--depositor");
            return key -> {
                long seq =
                        dseq != null ? dseq : options.client.client().status().height();
                DeploymentId id = new DeploymentId(key.address(), seq);
                String version = doc.manifestVersion().hex();
                Msg msg = granter == null || granter.equals(key.address())
                        ? new Msg.CreateDeployment(id, doc.groups(), version, amount)
                        : new Msg.CreateDeploymentFromGrant(id, doc.groups(), version, amount, granter);
                spec.commandLine().getErr().println("vyoma: deployment " + key.address() + "/" + seq);
                return msg;
            };
        }
    }

    @Command(
            name = "deposit",
            description = "Add funds to a deployment's escrow: vyoma tx deployment deposit DSEQ AMOUNT"
                    + " [--depositor GRANTER].")
    static final class DeploymentDeposit extends SignedTxCommand {
        @Parameters(index = "0", paramLabel = "DSEQ")
        String dseq;

        @Parameters(index = "1", paramLabel = "AMOUNT")
        String amount;

        @Option(names = "--owner", description = "The deployment's owner, when paying for someone else's.")
        String owner;

        @Option(
                names = "--depositor",
                paramLabel = "GRANTER",
                description = "Draw the amount from GRANTER's deposit grant to you instead of your balance.")
        String depositor;

        @Override
        protected Message prepare() {
            Address granter = depositor == null ? null : Args.address(depositor, "--depositor");
            if (granter != null && owner != null) {
                throw new UserException("a deposit grant funds only the grantee's own deployments: drop --owner");
            }
            return key -> {
                Address o = owner == null ? key.address() : Args.address(owner, "--owner");
                DeploymentId id = new DeploymentId(o, Args.number(dseq, "DSEQ"));
                Coin coin = Args.coin(amount, "AMOUNT");
                return granter == null || granter.equals(key.address())
                        ? new Msg.DepositDeployment(key.address(), id, coin)
                        : new Msg.DepositDeploymentFromGrant(id, granter, coin);
            };
        }
    }

    @Command(
            name = "update",
            description = "Point a deployment at a new version of its SDL: vyoma tx deployment update DSEQ FILE.")
    static final class DeploymentUpdate extends SignedTxCommand {
        @Parameters(index = "0", paramLabel = "DSEQ")
        String dseq;

        @Parameters(index = "1", paramLabel = "FILE")
        String file;

        @Override
        protected Message prepare() {
            SdlDocument doc =
                    SdlFiles.requireValid(file, System.in, spec.commandLine().getErr());
            return key -> new Msg.UpdateDeployment(
                    new DeploymentId(key.address(), Args.number(dseq, "DSEQ")),
                    doc.manifestVersion().hex());
        }
    }

    @Command(name = "close", description = "Close a deployment: its leases end and the escrow is refunded.")
    static final class DeploymentClose extends SignedTxCommand {
        @Parameters(paramLabel = "DSEQ")
        String dseq;

        @Override
        protected Message prepare() {
            return key -> new Msg.CloseDeployment(new DeploymentId(key.address(), Args.number(dseq, "DSEQ")));
        }
    }

    // ---- market ----

    @Subcommands({Bid.class, Lease.class})
    @Command(name = "market", description = "Bids and leases.")
    static final class Market extends Group {}

    @Subcommands({BidCreate.class, BidClose.class})
    @Command(name = "bid", description = "Bid on orders.")
    static final class Bid extends Group {}

    @Command(
            name = "create",
            description =
                    "Bid on an order as the provider --from: vyoma tx market bid create OWNER/DSEQ/GSEQ/OSEQ --price 12.5uusd.")
    static final class BidCreate extends SignedTxCommand {
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
        protected Message prepare() {
            OrderId id = Args.order(order);
            return key -> new Msg.CreateBid(
                    id, key.address(), Args.decCoin(price, "--price"), Args.coin(deposit, "--deposit"));
        }
    }

    @Command(name = "close", description = "Withdraw a bid (or end its lease) as the provider.")
    static final class BidClose extends SignedTxCommand {
        @Parameters(paramLabel = "ORDER", description = "OWNER/DSEQ/GSEQ/OSEQ of the order the bid is on.")
        String order;

        @Option(
                names = "--reason",
                description = "Provider close reason, 10000-19999 (default: ${DEFAULT-VALUE}, unspecified).",
                defaultValue = "10002")
        int reason;

        @Override
        protected Message prepare() {
            OrderId id = Args.order(order);
            return key -> new Msg.CloseBid(new BidId(id, key.address()), reason);
        }
    }

    @Subcommands({LeaseCreate.class, LeaseClose.class})
    @Command(name = "lease", description = "Take a bid, or end a lease.")
    static final class Lease extends Group {}

    @Command(
            name = "create",
            description = "Take a bid as the tenant: vyoma tx market lease create OWNER/DSEQ/GSEQ/OSEQ/PROVIDER.")
    static final class LeaseCreate extends SignedTxCommand {
        @Parameters(paramLabel = "BID")
        String bid;

        @Override
        protected Message prepare() {
            BidId id = Args.bid(bid);
            return key -> new Msg.CreateLease(id);
        }
    }

    @Command(name = "close", description = "End a lease as its tenant.")
    static final class LeaseClose extends SignedTxCommand {
        @Parameters(paramLabel = "LEASE")
        String lease;

        @Override
        protected Message prepare() {
            BidId id = Args.bid(lease);
            return key -> new Msg.CloseLease(id);
        }
    }

    // ---- provider, audit, escrow ----

    @Subcommands({ProviderCreate.class, ProviderUpdate.class})
    @Command(name = "provider", description = "Register or update a provider.")
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
    static final class ProviderCreate extends SignedTxCommand {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        protected Message prepare() {
            return key -> provider(file, key.address(), false);
        }
    }

    @Command(name = "update", description = "Update the --from provider from provider.yaml.")
    static final class ProviderUpdate extends SignedTxCommand {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        protected Message prepare() {
            return key -> provider(file, key.address(), true);
        }
    }

    @Subcommands({Attr.class})
    @Command(name = "audit", description = "Auditors' signatures on provider attributes.")
    static final class Audit extends Group {}

    @Subcommands({AttrSign.class})
    @Command(name = "attr", description = "Provider attributes.")
    static final class Attr extends Group {}

    @Command(
            name = "sign",
            description =
                    "Sign a provider's attributes as the auditor --from: vyoma tx audit attr sign PROVIDER --attr region=eu.")
    static final class AttrSign extends SignedTxCommand {
        @Parameters(paramLabel = "PROVIDER")
        String provider;

        @Option(names = "--attr", required = true, description = "KEY=VALUE (repeatable).")
        List<String> attrs;

        @Override
        protected Message prepare() {
            List<Attribute> attributes = new ArrayList<>();
            for (String a : attrs) {
                int eq = a.indexOf('=');
                if (eq <= 0) {
                    throw new UserException("--attr is KEY=VALUE, got " + a);
                }
                attributes.add(new Attribute(a.substring(0, eq), a.substring(eq + 1)));
            }
            Address p = Args.address(provider, "PROVIDER");
            return key -> new Msg.SignProviderAttributes(key.address(), p, attributes);
        }
    }

    @Subcommands({Withdraw.class})
    @Command(name = "escrow", description = "Provider withdrawals.")
    static final class Escrow extends Group {}

    @Command(
            name = "withdraw",
            description = "Withdraw what a lease has earned, as its provider: vyoma tx escrow withdraw LEASE.")
    static final class Withdraw extends SignedTxCommand {
        @Parameters(paramLabel = "LEASE", description = "OWNER/DSEQ/GSEQ/OSEQ/PROVIDER.")
        String lease;

        @Override
        protected Message prepare() {
            BidId id = Args.bid(lease);
            return key -> new Msg.WithdrawLease(id);
        }
    }

    // ---- cert ----

    @Subcommands({CertCreate.class, CertRevoke.class})
    @Command(name = "cert", description = "Client certificates for mutual TLS with providers.")
    static final class Cert extends Group {}

    @Command(
            name = "create",
            description = "Make a key and a self-signed certificate for the --from account, keep them under"
                    + " --home/certs (mode 600), and publish the certificate.")
    static final class CertCreate extends SignedTxCommand {
        @Override
        protected Message prepare() {
            return key -> {
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
                return msg;
            };
        }
    }

    @Command(name = "revoke", description = "Revoke one of the --from account's certificates by serial.")
    static final class CertRevoke extends SignedTxCommand {
        @Parameters(paramLabel = "SERIAL")
        String serial;

        @Override
        protected Message prepare() {
            return key -> new Msg.RevokeCertificate(new dev.vyoma.ledger.cert.CertificateId(key.address(), serial));
        }
    }
}
