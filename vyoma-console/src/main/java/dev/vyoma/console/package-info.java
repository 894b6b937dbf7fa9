/**
 * The browser console that {@code vyoma console} serves on loopback: pages rendered on the server from precompiled
 * templates, talking only to this process, which holds the keys and speaks to the chain and the providers.
 */
package dev.vyoma.console;
