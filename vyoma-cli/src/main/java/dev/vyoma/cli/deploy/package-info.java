/**
 * {@code vyoma deploy …}: from an SDL file to running services in one command, and the commands that
 * follow a deployment (list, status, logs, events, shell, update, close).
 */
package dev.vyoma.cli.deploy;
