/**
 * Changes to the set of validators while the chain runs: a {@link dev.vyoma.node.membership.MembershipChange}
 * signed by an operator's key, bound to the chain and to the configuration it changes (so it is enacted at most
 * once), and {@link dev.vyoma.node.membership.Validators}, which checks it and enacts it as a Raft configuration
 * change on the running group; {@link dev.vyoma.node.membership.HostPort} is a member's address as its settings
 * spell it, where it listens and where its peers reach it.
 */
package dev.vyoma.node.membership;
