package dev.vyoma.cli.common;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The subcommands of a group command, in the order its usage lists them. Used instead of picocli's
 * {@code @Command(subcommands = ...)}, which builds every command's model before any runs: {@code dev.vyoma.cli.CommandTree} builds
 * only the groups a command line passes through.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Subcommands {
    Class<?>[] value();
}
