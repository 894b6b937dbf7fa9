/**
 * The limits every Vyoma HTTP server (the node's API, the provider's gateway, the inference gateway, the stats
 * dashboard) holds its clients to, on Jetty's connectors: open connections counted by remote address and in all, each
 * over-cap connection answered with a clear status and closed ({@link dev.vyoma.http.ClientConnections}), and a
 * request head that arrives too slowly closed ({@link dev.vyoma.http.SlowHeads}). Each server names its own values.
 */
package dev.vyoma.http;
