package dev.vyoma.provider.runtime;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the process runtime runs an image: the first entry whose glob matches the image name ({@code nginx*},
 * {@code python:3*}) gives the built-in static web server, a command, or a Java main class on the provider's
 * own class path (with its arguments); the service's own {@code command}/{@code args} from the SDL then come
 * after it, as a container's entrypoint and command would. An image no entry matches cannot run on this
 * provider, and its lease's status says so.
 */
public final class ImageTable {
    /**
     * One way to run images matching {@code glob}: {@code builtin} ("static-web"), a {@code command}, or
     * {@code javaMain} (a class with a {@code main} method on the provider's class path, such as the inference
     * worker) started in a JVM of its own with {@code command} as its arguments. The built-in and java entries run
     * this provider's code: they get the service's args, never its env (see {@link ProcessRuntime}).
     */
    public record Entry(String glob, String builtin, List<String> command, String javaMain, List<String> env) {
        /**
         * Variables a JVM reads as its own options or libraries: never passed to a {@code java} entry, whose JVM runs
         * this provider's classes, however the entry is written.
         */
        private static final java.util.regex.Pattern JVM_READS =
                java.util.regex.Pattern.compile("(JAVA|_JAVA|JDK_|LD_|CLASSPATH|JAVA_HOME).*");

        private static final java.util.regex.Pattern ENV_NAME = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

        public Entry {
            command = command == null ? List.of() : List.copyOf(command);
            env = env == null ? List.of() : List.copyOf(env);
            int kinds = (builtin != null ? 1 : 0) + (javaMain != null ? 1 : 0);
            if (kinds > 1 || (kinds == 0 && command.isEmpty()) || (builtin != null && !command.isEmpty())) {
                throw new IllegalArgumentException("image " + glob + ": give one of builtin, command or java");
            }
            if (builtin != null && !builtin.equals("static-web")) {
                throw new IllegalArgumentException(
                        "image " + glob + ": the only builtin is static-web, got " + builtin);
            }
            if (javaMain != null && !javaMain.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
                throw new IllegalArgumentException("image " + glob
                        + ": java is a class name such as dev.vyoma.inference.worker.WorkerMain, got " + javaMain);
            }
            if (!env.isEmpty() && javaMain == null) {
                throw new IllegalArgumentException("image " + glob
                        + ": env names the tenant variables a java entry receives; a command gets the SDL's env");
            }
            for (String name : env) {
                if (!ENV_NAME.matcher(name).matches() || JVM_READS.matcher(name).matches()) {
                    throw new IllegalArgumentException("image " + glob + ": env " + name
                            + " is not a variable a tenant may pass to a JVM (upper-case letters, digits, _; none "
                            + "the JVM reads itself, such as JAVA_TOOL_OPTIONS or LD_PRELOAD)");
                }
            }
        }

        /** A built-in or a command, as before Java entries existed. */
        public Entry(String glob, String builtin, List<String> command) {
            this(glob, builtin, command, null, List.of());
        }

        /** A built-in, a command or a Java main class that receives none of the tenant's variables. */
        public Entry(String glob, String builtin, List<String> command, String javaMain) {
            this(glob, builtin, command, javaMain, List.of());
        }
    }

    private record Compiled(Entry entry, PathMatcher matcher) {}

    private final List<Compiled> entries = new ArrayList<>();

    public ImageTable(List<Entry> entries) {
        for (Entry e : entries) {
            this.entries.add(new Compiled(
                    e,
                    FileSystems.getDefault().getPathMatcher("glob:" + e.glob().replace('/', '_'))));
        }
    }

    /** The table the examples need: nginx and httpd images as the built-in static web server. */
    public static ImageTable defaults() {
        return new ImageTable(
                List.of(new Entry("nginx*", "static-web", null), new Entry("httpd*", "static-web", null)));
    }

    /** How to run {@code image}, if this provider can. */
    public Optional<Entry> resolve(String image) {
        Path name = Path.of(image.replace('/', '_'));
        for (Compiled c : entries) {
            if (c.matcher().matches(name)) {
                return Optional.of(c.entry());
            }
        }
        return Optional.empty();
    }
}
