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
    public record Entry(String glob, String builtin, List<String> command, String javaMain) {
        public Entry {
            command = command == null ? List.of() : List.copyOf(command);
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
        }

        /** A built-in or a command, as before Java entries existed. */
        public Entry(String glob, String builtin, List<String> command) {
            this(glob, builtin, command, null);
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
