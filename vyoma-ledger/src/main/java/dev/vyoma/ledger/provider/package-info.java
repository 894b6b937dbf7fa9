/** Providers: who they are (owner address), where their gateway is (host URI), and the attributes they declare. */
package dev.vyoma.ledger.provider;
