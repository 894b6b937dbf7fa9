package dev.vyoma.cli.sdl;

import dev.vyoma.cli.common.Subcommands;
import picocli.CommandLine.Command;

/** {@code vyoma sdl}: work with Akash SDL files. */
@Subcommands({SdlValidateCommand.class, SdlGroupsCommand.class, SdlManifestCommand.class, SdlVersionCommand.class})
@Command(
        name = "sdl",
        description = "Validate Akash SDL files and show what they deploy: group specs, manifest, version hash.")
public final class SdlCommand {}
