package dev.vyoma.cli.common;

import picocli.CommandLine.Mixin;

/** A command that talks to a node or reads the keyring ({@link ClientOptions}) and prints its result. */
public abstract class ClientCommand extends OutputCommand {
    @Mixin
    protected ClientOptions client;
}
