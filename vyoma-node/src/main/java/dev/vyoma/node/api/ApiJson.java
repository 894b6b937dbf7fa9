package dev.vyoma.node.api;

import dev.vyoma.ledger.Block;
import dev.vyoma.ledger.BlockResult;
import dev.vyoma.ledger.TxResult;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.codec.ByteRecord;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.market.BidId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.SignedTx;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;

/**
 * How ledger values look in the node's JSON: addresses in bech32, keys and signatures in hex, coins as
 * {@code {"denom", "amount"}} with the amount a string (as Cosmos writes them, safe for JavaScript),
 * decimals as plain strings, enums in lower case, and every event with its {@code type}.
 */
public final class ApiJson {
    private ApiJson() {}

    private static final JsonMapper MAPPER = build();

    /** The mapper for the node's API. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** Events as objects whose first field, {@code type}, names the event. */
    public static List<ObjectNode> events(List<Event> events) {
        List<ObjectNode> out = new ArrayList<>(events.size());
        for (Event e : events) {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("type", e.getClass().getSimpleName());
            n.setAll((ObjectNode) MAPPER.valueToTree(e));
            out.add(n);
        }
        return out;
    }

    private static JsonMapper build() {
        SimpleModule m = new SimpleModule("vyoma-ledger");
        m.addSerializer(Address.class, new ValueSerializer<Address>() {
            @Override
            public void serialize(Address value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(value.toString());
            }
        });
        m.addSerializer(ByteRecord.class, new ValueSerializer<ByteRecord>() {
            @Override
            public void serialize(ByteRecord value, JsonGenerator gen, SerializationContext ctxt) {
                byte[] b = new byte[value.byteLength()];
                value.copyBytes(b, 0);
                gen.writeString(HexFormat.of().formatHex(b));
            }
        });
        // Ids flat, as Akash writes them: owner, dseq, gseq, oseq, provider.
        m.addSerializer(DeploymentId.class, new ValueSerializer<DeploymentId>() {
            @Override
            public void serialize(DeploymentId v, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeStartObject();
                deploymentFields(v, gen);
                gen.writeEndObject();
            }
        });
        m.addSerializer(GroupId.class, new ValueSerializer<GroupId>() {
            @Override
            public void serialize(GroupId v, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeStartObject();
                deploymentFields(v.deployment(), gen);
                gen.writeNumberProperty("gseq", v.gseq());
                gen.writeEndObject();
            }
        });
        m.addSerializer(OrderId.class, new ValueSerializer<OrderId>() {
            @Override
            public void serialize(OrderId v, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeStartObject();
                orderFields(v, gen);
                gen.writeEndObject();
            }
        });
        m.addSerializer(BidId.class, new ValueSerializer<BidId>() {
            @Override
            public void serialize(BidId v, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeStartObject();
                orderFields(v.order(), gen);
                gen.writeStringProperty("provider", v.provider().toString());
                gen.writeEndObject();
            }
        });
        m.addSerializer(Coin.class, new ValueSerializer<Coin>() {
            @Override
            public void serialize(Coin value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeStartObject();
                gen.writeStringProperty("denom", value.denom());
                gen.writeStringProperty("amount", Long.toString(value.amount()));
                gen.writeEndObject();
            }
        });
        m.addSerializer(BigDecimal.class, new ValueSerializer<BigDecimal>() {
            @Override
            public void serialize(BigDecimal value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(value.stripTrailingZeros().toPlainString());
            }
        });
        m.addSerializer(Enum.class, new ValueSerializer<Enum>() {
            @Override
            public void serialize(Enum value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(value.name().toLowerCase(java.util.Locale.ROOT));
            }
        });
        return JsonMapper.builder().addModule(m).build();
    }

    private static void deploymentFields(DeploymentId d, JsonGenerator gen) {
        gen.writeStringProperty("owner", d.owner().toString());
        gen.writeNumberProperty("dseq", d.dseq());
    }

    private static void orderFields(OrderId o, JsonGenerator gen) {
        deploymentFields(o.group().deployment(), gen);
        gen.writeNumberProperty("gseq", o.group().gseq());
        gen.writeNumberProperty("oseq", o.oseq());
    }

    /** An error body: {@code {"error": {"code", "codespace", "name", "message"}}}. */
    public static Map<String, Object> error(ErrorCode code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (code != null) {
            e.put("codespace", code.codespace());
            e.put("code", code.code());
            e.put("name", code.name().toLowerCase(java.util.Locale.ROOT));
        }
        e.put("message", message);
        return Map.of("error", e);
    }

    /** A transaction's result with where it was included. */
    public static Map<String, Object> txResult(long height, int index, TxResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hash", r.txHash());
        out.put("height", height);
        out.put("index", index);
        out.put("ok", r.ok());
        if (r.code() != null) {
            out.put("codespace", r.code().codespace());
            out.put("code", r.code().code());
            out.put("name", r.code().name().toLowerCase(java.util.Locale.ROOT));
        }
        out.put("log", r.log());
        out.put("charged", r.charged());
        out.put("events", events(r.events()));
        return out;
    }

    /** A block: its header fields, and each transaction's hash and outcome. */
    public static Map<String, Object> block(Block block, BlockResult result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("height", block.height());
        out.put("time", Instant.ofEpochMilli(block.timeMillis()).toString());
        out.put("proposer", block.proposer());
        out.put("hash", result.blockHashHex());
        out.put("state", result.stateHex());
        List<Map<String, Object>> txs = new ArrayList<>();
        for (int i = 0; i < block.txs().size(); i++) {
            SignedTx tx = block.txs().get(i);
            TxResult r = result.txs().get(i);
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("hash", tx.hashHex());
            t.put("signer", tx.tx().signer().address());
            t.put("ok", r.ok());
            if (r.code() != null) {
                t.put("name", r.code().name().toLowerCase(java.util.Locale.ROOT));
            }
            t.put("log", r.log());
            txs.add(t);
        }
        out.put("txs", txs);
        out.put("events", events(result.events()));
        return out;
    }
}
