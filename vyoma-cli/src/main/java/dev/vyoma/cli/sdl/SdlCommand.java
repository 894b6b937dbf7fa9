package dev.vyoma.cli.sdl;

import picocli.CommandLine.Command;

/** {@code vyoma sdl}: work with Akash SDL files. */
@Command(
        name = "sdl",
        description = "Validate Akash SDL files and show what they deploy: group specs, manifest, version hash.",
        subcommands = {
            SdlValidateCommand.class,
            SdlGroupsCommand.class,
            SdlManifestCommand.class,
            SdlVersionCommand.class
        })
public final class SdlCommand {}
