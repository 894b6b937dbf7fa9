/**
 * What every command shares: the global options ({@code -o}, {@code --debug}) and a node client's options, the
 * bases of group, output and client commands, output as tables, JSON or YAML, strict parsing of arguments into
 * typed values, reading SDL files, and {@link dev.vyoma.cli.common.UserException}, the one-line error that says
 * what to fix. The command packages build on it; it knows none of them.
 */
package dev.vyoma.cli.common;
