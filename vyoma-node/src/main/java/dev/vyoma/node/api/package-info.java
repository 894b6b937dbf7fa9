/**
 * The node's HTTP/JSON API (Javalin): transaction submission, queries, the Server-Sent Events stream of the
 * chain's events, the OpenAPI document, metrics, the limits on connections and subscribers, and the runtime of
 * a follower's forwarding of transactions to the leader over HTTP.
 */
package dev.vyoma.node.api;
