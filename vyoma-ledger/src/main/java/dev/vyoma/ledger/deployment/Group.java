package dev.vyoma.ledger.deployment;

import dev.vyoma.sdl.spec.GroupSpec;

/** A deployment group: its spec (what providers bid on) and state. */
public record Group(GroupId id, GroupState state, GroupSpec spec, long createdAt) {
    public Group with(GroupState newState) {
        return new Group(id, newState, spec, createdAt);
    }
}
