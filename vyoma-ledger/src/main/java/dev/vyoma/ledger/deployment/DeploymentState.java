package dev.vyoma.ledger.deployment;

/** Lifecycle of a deployment. */
public enum DeploymentState {
    ACTIVE,
    CLOSED
}
