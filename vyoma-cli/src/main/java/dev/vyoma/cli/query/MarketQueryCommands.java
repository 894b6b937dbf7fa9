package dev.vyoma.cli.query;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.ClientCommand;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code vyoma query deployment|market|provider|escrow …}: the ledger's marketplace queries. */
final class MarketQueryCommands {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private MarketQueryCommands() {}

    /** Page options of the list commands. */
    static final class PageOptions {
        @Option(names = "--offset", description = "Skip this many (default: 0).", defaultValue = "0")
        int offset;

        @Option(names = "--limit", description = "At most this many, up to 1000 (default: 100).", defaultValue = "100")
        int limit;

        String query() {
            return "offset=" + offset + "&limit=" + limit;
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A read of one path of the node's API, printed as it comes. */
    abstract static class Read extends ClientCommand {
        /** Reads {@code path} and prints it; a missing entity is a one-line error naming {@code what}. */
        final int read(String path, String what) {
            JsonNode n;
            try {
                n = client.client().getJson(path).orElseThrow(() -> new UserException("no " + what));
            } catch (VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            return print(JSON.convertValue(n, Object.class));
        }
    }

    @Subcommands({
        DeploymentList.class,
        DeploymentGet.class,
        DepositGrantQueryCommands.Grants.class,
        DepositGrantQueryCommands.GrantGet.class
    })
    @Command(name = "deployment", description = "Deployments and deposit grants.")
    static final class Deployment extends Group {}

    @Command(name = "list", description = "An owner's deployments.")
    static final class DeploymentList extends Read {
        @Option(names = "--owner", required = true)
        String owner;

        @Option(names = "--state", description = "active or closed.")
        String state;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            String q = "/v1/deployments?owner=" + enc(owner) + (state == null ? "" : "&state=" + enc(state)) + "&"
                    + page.query();
            return read(q, "deployments");
        }
    }

    @Command(name = "get", description = "A deployment: vyoma query deployment get OWNER DSEQ.")
    static final class DeploymentGet extends Read {
        @Parameters(index = "0", paramLabel = "OWNER")
        String owner;

        @Parameters(index = "1", paramLabel = "DSEQ")
        String dseq;

        @Override
        public Integer call() {
            DeploymentId id = Args.deployment(owner, dseq);
            return read("/v1/deployments/" + id, "deployment " + id);
        }
    }

    @Subcommands({Order.class, Bid.class, Lease.class})
    @Command(name = "market", description = "Orders, bids and leases.")
    static final class Market extends Group {}

    @Subcommands({OrderList.class, OrderGet.class})
    @Command(name = "order", description = "Orders.")
    static final class Order extends Group {}

    @Command(name = "list", description = "Orders open for bids.")
    static final class OrderList extends Read {
        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            return read("/v1/orders?" + page.query(), "orders");
        }
    }

    @Command(name = "get", description = "An order: OWNER/DSEQ/GSEQ/OSEQ.")
    static final class OrderGet extends Read {
        @Parameters(paramLabel = "ORDER")
        String id;

        @Override
        public Integer call() {
            OrderId order = Args.order(id);
            return read("/v1/orders/" + order, "order " + order);
        }
    }

    @Subcommands({BidList.class, BidGet.class})
    @Command(name = "bid", description = "Bids.")
    static final class Bid extends Group {}

    @Command(name = "list", description = "Bids on an order (--order) or a provider's live bids (--provider).")
    static final class BidList extends Read {
        @Option(names = "--order")
        String order;

        @Option(names = "--provider")
        String provider;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            if ((order == null) == (provider == null)) {
                throw new UserException("give --order OWNER/DSEQ/GSEQ/OSEQ or --provider ADDRESS");
            }
            String q = order != null
                    ? "/v1/bids?order=" + Args.order(order)
                    : "/v1/bids?provider=" + enc(provider) + "&" + page.query();
            return read(q, "bids");
        }
    }

    @Command(name = "get", description = "A bid: OWNER/DSEQ/GSEQ/OSEQ/PROVIDER.")
    static final class BidGet extends Read {
        @Parameters(paramLabel = "BID")
        String id;

        @Override
        public Integer call() {
            BidId bid = Args.bid(id);
            return read("/v1/bids/" + bid, "bid " + bid);
        }
    }

    @Subcommands({LeaseList.class, LeaseGet.class})
    @Command(name = "lease", description = "Leases.")
    static final class Lease extends Group {}

    @Command(
            name = "list",
            description = "A tenant's leases (--owner, --state) or a provider's active leases (--provider).")
    static final class LeaseList extends Read {
        @Option(names = "--owner")
        String owner;

        @Option(names = "--provider")
        String provider;

        @Option(names = "--state", description = "active, insufficient_funds or closed (with --owner).")
        String state;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            if ((owner == null) == (provider == null)) {
                throw new UserException("give --owner ADDRESS or --provider ADDRESS");
            }
            String q = owner != null
                    ? "/v1/leases?owner=" + enc(owner) + (state == null ? "" : "&state=" + enc(state))
                    : "/v1/leases?provider=" + enc(provider);
            return read(q + "&" + page.query(), "leases");
        }
    }

    @Command(name = "get", description = "A lease: OWNER/DSEQ/GSEQ/OSEQ/PROVIDER.")
    static final class LeaseGet extends Read {
        @Parameters(paramLabel = "LEASE")
        String id;

        @Override
        public Integer call() {
            BidId lease = Args.bid(id);
            return read("/v1/leases/" + lease, "lease " + lease);
        }
    }

    @Subcommands({ProviderList.class, ProviderGet.class})
    @Command(name = "provider", description = "Providers.")
    static final class Provider extends Group {}

    @Command(
            name = "list",
            description = {
                "Providers, optionally only those with every --attr KEY=VALUE.",
                "With --stats URL (vyoma stats serve), each with its uptime over 24 hours, 7 and 30 days: the share",
                "of the stats service's status polls it answered (n/a: not polled in that window)."
            })
    static final class ProviderList extends Read {
        @Option(names = "--attr")
        List<String> attrs = new ArrayList<>();

        @Option(names = "--stats", paramLabel = "URL", description = "A stats service to read providers' uptime from.")
        String stats;

        @Mixin
        PageOptions page;

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder("/v1/providers?" + page.query());
            for (String a : attrs) {
                q.append("&attr=").append(enc(a));
            }
            if (stats == null) {
                return read(q.toString(), "providers");
            }
            dev.vyoma.client.ProviderUptimes uptimes;
            try {
                uptimes = dev.vyoma.client.ProviderUptimes.fetch(stats);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            JsonNode providers;
            try {
                providers = client.client().getJson(q.toString()).orElseThrow(() -> new UserException("no providers"));
            } catch (VyomaClient.NodeException e) {
                throw new UserException(e.getMessage());
            }
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            List<Object> items = new ArrayList<>();
            for (JsonNode p : providers.path("items")) {
                @SuppressWarnings("unchecked")
                java.util.Map<String, Object> item = JSON.convertValue(p, java.util.LinkedHashMap.class);
                dev.vyoma.client.ProviderUptimes.Uptime u;
                try {
                    u = uptimes.of(dev.vyoma.ledger.crypto.Address.parse(
                            p.path("owner").asString("")));
                } catch (IllegalArgumentException e) {
                    u = dev.vyoma.client.ProviderUptimes.Uptime.UNKNOWN;
                }
                item.put("uptime24h", shown(u.day()));
                item.put("uptime7d", shown(u.week()));
                item.put("uptime30d", shown(u.month()));
                items.add(item);
            }
            out.put("items", items);
            out.put("offset", providers.path("offset").asInt());
            out.put("more", providers.path("more").asBoolean());
            out.put("uptimeAsOf", uptimes.asOf());
            return print(out);
        }

        private static String shown(java.util.Optional<java.math.BigDecimal> pct) {
            return pct.map(v -> v.toPlainString() + "%").orElse("n/a");
        }
    }

    @Command(name = "get", description = "A provider by address.")
    static final class ProviderGet extends Read {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() {
            return read("/v1/providers/" + enc(address), "provider " + address);
        }
    }

    @Subcommands({EscrowGet.class})
    @Command(name = "escrow", description = "Escrow accounts.")
    static final class Escrow extends Group {}

    @Command(
            name = "get",
            description = "A deployment's escrow account: vyoma query escrow get OWNER DSEQ [--height H].")
    static final class EscrowGet extends Read {
        @Parameters(index = "0", paramLabel = "OWNER")
        String owner;

        @Parameters(index = "1", paramLabel = "DSEQ")
        String dseq;

        @Option(names = "--height", description = "Project the balance to this height (default: now).")
        Long height;

        @Override
        public Integer call() {
            String q = "/v1/escrow/" + enc(owner) + "/" + enc(dseq) + (height == null ? "" : "?height=" + height);
            return read(q, "escrow account " + owner + "/" + dseq);
        }
    }
}
