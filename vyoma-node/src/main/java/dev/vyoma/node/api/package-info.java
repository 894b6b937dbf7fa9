/**
 * The node's HTTP/JSON API (Javalin): transaction submission, queries, the Server-Sent Events stream of the
 * chain's events, metrics, the limits on connections and subscribers, and the runtime of a follower's
 * forwarding of transactions to the leader over HTTP. Every route is declared once, with its description, in a
 * {@code RouteTable}; the server's routes and the OpenAPI document ({@code /openapi.json}) are both made from it.
 */
package dev.vyoma.node.api;
