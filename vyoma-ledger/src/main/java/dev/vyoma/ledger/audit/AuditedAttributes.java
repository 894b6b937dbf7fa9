package dev.vyoma.ledger.audit;

import dev.vyoma.sdl.spec.Attribute;
import java.util.List;

/** The attributes an auditor vouches for, sorted by key. */
public record AuditedAttributes(List<Attribute> attributes) {
    public AuditedAttributes {
        attributes = List.copyOf(attributes);
    }
}
