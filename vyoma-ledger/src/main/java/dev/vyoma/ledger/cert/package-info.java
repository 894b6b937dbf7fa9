/** Certificates tenants and providers publish for mutual TLS, and their revocation. */
package dev.vyoma.ledger.cert;
