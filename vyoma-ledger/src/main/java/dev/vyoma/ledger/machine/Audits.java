package dev.vyoma.ledger.machine;

import dev.vyoma.ledger.audit.AuditKey;
import dev.vyoma.ledger.audit.AuditedAttributes;
import dev.vyoma.ledger.base.ErrorCode;
import dev.vyoma.ledger.base.Rejected;
import dev.vyoma.ledger.event.Event;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.Attribute;
import java.util.List;
import java.util.TreeMap;

/** Auditors sign and withdraw provider attributes. */
public final class Audits {
    public static final int MAX_ATTRIBUTES = 64;

    private Audits() {}

    /** Handles the audit module's messages. */
    public static void handle(Context ctx, Msg m) {
        switch (m) {
            case Msg.SignProviderAttributes s -> {
                Rejected.unless(!s.attributes().isEmpty(), ErrorCode.INVALID_REQUEST, "sign at least one attribute");
                AuditKey key = new AuditKey(s.provider(), s.auditor());
                TreeMap<String, String> merged = new TreeMap<>();
                ctx.state()
                        .audits
                        .find(key)
                        .ifPresent(a -> a.attributes().forEach(x -> merged.put(x.key(), x.value())));
                s.attributes().forEach(x -> merged.put(x.key(), x.value()));
                Rejected.unless(
                        merged.size() <= MAX_ATTRIBUTES,
                        ErrorCode.INVALID_REQUEST,
                        () -> "at most " + MAX_ATTRIBUTES + " attributes per auditor");
                List<Attribute> attrs = merged.entrySet().stream()
                        .map(e -> new Attribute(e.getKey(), e.getValue()))
                        .toList();
                ctx.state().audits.put(key, new AuditedAttributes(attrs));
                ctx.emit(new Event.ProviderAttributesSigned(s.provider(), s.auditor()));
            }
            case Msg.DeleteProviderAttributes d -> {
                AuditKey key = new AuditKey(d.provider(), d.auditor());
                AuditedAttributes current = ctx.state().audits.get(key);
                Rejected.unless(
                        current != null,
                        ErrorCode.AUDIT_NOT_FOUND,
                        () -> d.auditor() + " has signed nothing for " + d.provider());
                if (d.keys().isEmpty()) {
                    ctx.state().audits.remove(key);
                } else {
                    TreeMap<String, String> left = new TreeMap<>();
                    current.attributes().forEach(x -> left.put(x.key(), x.value()));
                    for (String k : d.keys()) {
                        Rejected.unless(
                                left.remove(k) != null,
                                ErrorCode.AUDIT_ATTRIBUTE_NOT_FOUND,
                                () -> "attribute " + k + " was not signed");
                    }
                    if (left.isEmpty()) {
                        ctx.state().audits.remove(key);
                    } else {
                        ctx.state()
                                .audits
                                .put(
                                        key,
                                        new AuditedAttributes(left.entrySet().stream()
                                                .map(e -> new Attribute(e.getKey(), e.getValue()))
                                                .toList()));
                    }
                }
                ctx.emit(new Event.ProviderAttributesDeleted(d.provider(), d.auditor()));
            }
            default -> throw new IllegalArgumentException("not an audit message: " + m.kind());
        }
    }
}
