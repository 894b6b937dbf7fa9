/**
 * {@code vyoma keys …}: the client's keyring: add, list, show, export, import and delete keys.
 */
package dev.vyoma.cli.keys;
