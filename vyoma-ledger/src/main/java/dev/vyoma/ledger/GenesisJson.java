package dev.vyoma.ledger;

import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.machine.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The genesis document as JSON: chain id, genesis time in milliseconds, parameters (fees per message
 * kind, denominations, minimum deposits, limits) and funded accounts with coins such as
 * {@code "5000000uusd"}. Parameters left out take {@link Params#defaults()}. Errors name the field.
 */
public final class GenesisJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GenesisJson() {}

    /** Reads a genesis document; an {@link IllegalArgumentException} says what is wrong and where. */
    public static Genesis parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("genesis is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("genesis must be a JSON object with chain_id, params and accounts");
        }
        String chainId = text(root, "chain_id", null);
        long time = number(root, "genesis_time_ms", 0);
        Params params = params(root.path("params"));
        List<Genesis.Allocation> accounts = new ArrayList<>();
        JsonNode list = root.path("accounts");
        if (!list.isMissingNode() && !list.isArray()) {
            throw new IllegalArgumentException("accounts must be a list");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            String where = "accounts[" + i + "]";
            Address address;
            try {
                address = Address.parse(text(a, "address", where));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ".address: " + e.getMessage());
            }
            List<Coin> coins = new ArrayList<>();
            for (JsonNode c : a.path("coins")) {
                try {
                    coins.add(Coin.parse(c.asString()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ".coins: " + e.getMessage());
                }
            }
            accounts.add(new Genesis.Allocation(address, coins));
        }
        return new Genesis(chainId, time, params, accounts);
    }

    /** Writes a genesis document that {@link #parse} reads back to an equal one. */
    public static String write(Genesis g) {
        ObjectNode root = JSON.createObjectNode();
        root.put("chain_id", g.chainId());
        root.put("genesis_time_ms", g.genesisTimeMillis());
        Params p = g.params();
        ObjectNode params = root.putObject("params");
        params.put("fee_denom", p.feeDenom());
        params.put("deposit_denom", p.depositDenom());
        params.put("bid_deposit_denom", p.bidDepositDenom());
        params.put("default_fee", p.defaultFee());
        ObjectNode fees = params.putObject("fees");
        p.fees().forEach(f -> fees.put(f.kind(), f.amount()));
        params.put("min_deployment_deposit", p.minDeploymentDeposit());
        params.put("min_bid_deposit", p.minBidDeposit());
        params.put("max_bids_per_order", p.maxBidsPerOrder());
        params.put("max_tx_bytes", p.maxTxBytes());
        params.put("max_msgs_per_tx", p.maxMsgsPerTx());
        params.put("max_txs_per_block", p.maxTxsPerBlock());
        var accounts = root.putArray("accounts");
        for (Genesis.Allocation a : g.accounts()) {
            ObjectNode o = accounts.addObject();
            o.put("address", a.address().toString());
            var coins = o.putArray("coins");
            a.coins().forEach(c -> coins.add(c.toString()));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static Params params(JsonNode n) {
        Params d = Params.defaults();
        if (n.isMissingNode()) {
            return d;
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("params must be an object");
        }
        Map<String, Long> fees = new LinkedHashMap<>();
        d.fees().forEach(f -> fees.put(f.kind(), f.amount()));
        JsonNode f = n.path("fees");
        if (!f.isMissingNode()) {
            for (var e : f.properties()) {
                if (!e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
                    throw new IllegalArgumentException("params.fees." + e.getKey() + " must be a whole number ≥ 0");
                }
                fees.put(e.getKey(), e.getValue().asLong());
            }
        }
        List<Params.MsgFee> feeList = new ArrayList<>();
        fees.forEach((k, v) -> feeList.add(new Params.MsgFee(k, v)));
        return new Params(
                text(n, "fee_denom", "params", d.feeDenom()),
                text(n, "deposit_denom", "params", d.depositDenom()),
                text(n, "bid_deposit_denom", "params", d.bidDepositDenom()),
                number(n, "default_fee", d.defaultFee()),
                feeList,
                number(n, "min_deployment_deposit", d.minDeploymentDeposit()),
                number(n, "min_bid_deposit", d.minBidDeposit()),
                (int) number(n, "max_bids_per_order", d.maxBidsPerOrder()),
                (int) number(n, "max_tx_bytes", d.maxTxBytes()),
                (int) number(n, "max_msgs_per_tx", d.maxMsgsPerTx()),
                (int) number(n, "max_txs_per_block", d.maxTxsPerBlock()));
    }

    private static String text(JsonNode n, String field, String where) {
        return text(n, field, where, null);
    }

    private static String text(JsonNode n, String field, String where, String dflt) {
        JsonNode v = n.path(field);
        String path = where == null ? field : where + "." + field;
        if (v.isMissingNode() || v.isNull()) {
            if (dflt != null) {
                return dflt;
            }
            throw new IllegalArgumentException(path + " is missing");
        }
        if (!v.isString()) {
            throw new IllegalArgumentException(path + " must be text");
        }
        return v.asString();
    }

    private static long number(JsonNode n, String field, long dflt) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be a whole number ≥ 0");
        }
        return v.asLong();
    }
}
