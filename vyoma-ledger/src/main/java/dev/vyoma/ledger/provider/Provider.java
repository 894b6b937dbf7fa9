package dev.vyoma.ledger.provider;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.sdl.spec.Attribute;
import java.util.List;

/** A registered provider: gateway URI, self-declared attributes (sorted by key), and contact information. */
public record Provider(Address owner, String hostUri, List<Attribute> attributes, String email, String website) {
    public Provider {
        attributes = List.copyOf(attributes);
    }
}
