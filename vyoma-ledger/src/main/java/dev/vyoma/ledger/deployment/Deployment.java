package dev.vyoma.ledger.deployment;

import dev.vyoma.ledger.base.CloseReason;

/**
 * A deployment: its manifest version (hex SHA-256), state, the heights it was created and closed at
 * (0 while active) and why it closed (null while active).
 */
public record Deployment(
        DeploymentId id, DeploymentState state, String versionHex, long createdAt, long closedAt, CloseReason reason) {
    public Deployment closed(long height, CloseReason why) {
        return new Deployment(id, DeploymentState.CLOSED, versionHex, createdAt, height, why);
    }

    public Deployment withVersion(String hex) {
        return new Deployment(id, state, hex, createdAt, closedAt, reason);
    }
}
