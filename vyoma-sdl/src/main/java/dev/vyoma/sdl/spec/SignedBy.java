package dev.vyoma.sdl.spec;

import java.util.List;

/**
 * Auditors whose signature a provider's attributes must carry. Each list is {@code null} when the SDL
 * does not mention it and may be empty when the SDL gives an empty list: Akash keeps the difference in
 * the group spec's JSON, so we do too.
 */
public record SignedBy(List<String> allOf, List<String> anyOf) {
    /** Neither list given. */
    public static final SignedBy NONE = new SignedBy(null, null);

    public SignedBy {
        allOf = allOf == null ? null : List.copyOf(allOf);
        anyOf = anyOf == null ? null : List.copyOf(anyOf);
    }

    /** Whether any auditor is required at all. */
    public boolean required() {
        return (allOf != null && !allOf.isEmpty()) || (anyOf != null && !anyOf.isEmpty());
    }
}
