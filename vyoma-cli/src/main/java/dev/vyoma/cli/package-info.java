/**
 * The one {@code vyoma} command: option parsing with picocli, output as human tables or as JSON or YAML
 * for scripts ({@code -o}), and the exit codes users and scripts rely on (0 ok, 1 user error, 2 usage).
 * A user error is one line that says what to fix; {@code --debug} adds the stack trace. This package puts the
 * command tree together ({@link dev.vyoma.cli.Main}, {@link dev.vyoma.cli.VyomaCommand}); each command family has
 * its package, and what they share is in {@code common}.
 */
package dev.vyoma.cli;
