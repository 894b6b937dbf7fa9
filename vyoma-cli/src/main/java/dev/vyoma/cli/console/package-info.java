/** {@code vyoma console}: the browser console, served by this process on loopback. */
package dev.vyoma.cli.console;
