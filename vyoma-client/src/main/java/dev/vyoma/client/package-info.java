/** The Java SDK of Vyoma: a keyring for account keys and a typed client of a node's API. */
package dev.vyoma.client;
