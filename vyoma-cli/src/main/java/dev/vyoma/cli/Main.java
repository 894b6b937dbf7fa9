package dev.vyoma.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vyoma.cli.common.UserException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Entry point: runs the command and turns every outcome into an exit code and at most one error line. */
public final class Main {
    /** Exit code for a problem the user can fix. */
    public static final int USER_ERROR = 1;
    /** Exit code for a malformed command line. */
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true, UTF_8), new PrintWriter(System.err, true, UTF_8));
        if (code != 0 || otherThreadsKeepTheJvmAlive()) {
            System.exit(code);
        }
        // Success with nothing left running: returning ends the JVM with status 0 and runs the same shutdown
        // hooks. System.exit would first look for a System.Logger (to log the exit), which makes the JVM
        // search every jar on the class path, vyoma.jar (36,000 entries) included, for a logging service.
    }

    /** Whether a thread other than this one would keep the JVM running after {@code main} returns. */
    private static boolean otherThreadsKeepTheJvmAlive() {
        Thread self = Thread.currentThread();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t != self && t.isAlive() && !t.isDaemon()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code vyoma args}, writing to the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        try {
            return execute(args, out, err, debug);
        } catch (RuntimeException e) {
            err.println("vyoma: internal error: " + e + (debug ? "" : " (run again with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return USER_ERROR;
        }
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err, boolean debug) {
        CommandLine cli = CommandTree.forArgs(args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ParameterException e, String[] a) -> {
            err.println("vyoma: " + e.getMessage());
            CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
            err.println("Run '" + spec.qualifiedName() + " --help' for usage.");
            err.flush();
            return USAGE;
        });
        cli.setExecutionExceptionHandler((Exception e, CommandLine c, CommandLine.ParseResult r) -> {
            if (e instanceof UserException) {
                err.println("vyoma: " + e.getMessage());
            } else {
                err.println(
                        "vyoma: internal error: " + e + (debug ? "" : " (run again with --debug for the stack trace)"));
            }
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return USER_ERROR;
        });
        return cli.execute(args);
    }
}
