package dev.vyoma.cli;

import dev.vyoma.cli.bench.BenchCommand;
import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.cli.console.ConsoleCommand;
import dev.vyoma.cli.deploy.DeployCommand;
import dev.vyoma.cli.devnet.DevnetCommand;
import dev.vyoma.cli.inference.InferenceCommand;
import dev.vyoma.cli.keys.KeysCommand;
import dev.vyoma.cli.node.NodeCommand;
import dev.vyoma.cli.provider.ProviderCommand;
import dev.vyoma.cli.query.QueryCommand;
import dev.vyoma.cli.sdl.SdlCommand;
import dev.vyoma.cli.sim.SimCommand;
import dev.vyoma.cli.stats.StatsCommand;
import dev.vyoma.cli.tx.TxCommand;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;

/** The root {@code vyoma} command. */
@Subcommands({
    SdlCommand.class,
    NodeCommand.class,
    KeysCommand.class,
    TxCommand.class,
    QueryCommand.class,
    BenchCommand.class,
    ProviderCommand.class,
    DeployCommand.class,
    DevnetCommand.class,
    ConsoleCommand.class,
    StatsCommand.class,
    InferenceCommand.class,
    SimCommand.class,
    CompletionCommand.class,
    HelpCommand.class
})
@Command(
        name = "vyoma",
        mixinStandardHelpOptions = true,
        // Every subcommand takes --help (and -h), so "Run 'vyoma deploy --help' for usage" works.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VyomaCommand.Version.class,
        description = {"Vyoma: an open marketplace for cloud and GPU compute, compatible with Akash SDL.", ""},
        footer = {"", "Exit codes: 0 ok, 1 user error (the message says what to fix), 2 usage error."})
public final class VyomaCommand extends Group {
    @Mixin(name = GlobalOptions.MIXIN)
    GlobalOptions global;

    /** {@code vyoma --version}: the build's version and the Java running it. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vyoma " + version() + " (Java " + Runtime.version() + ")"};
        }

        static String version() {
            Properties p = new Properties();
            try (InputStream in = VyomaCommand.class.getResourceAsStream("/vyoma-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                return "unknown";
            }
            return p.getProperty("version", "unknown");
        }
    }
}
