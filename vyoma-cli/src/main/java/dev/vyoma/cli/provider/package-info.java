/**
 * {@code vyoma provider …}: run the provider daemon and read a provider's capacity from its gateway.
 */
package dev.vyoma.cli.provider;
