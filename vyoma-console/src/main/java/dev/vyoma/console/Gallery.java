package dev.vyoma.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The template gallery: {@code examples/templates/} of the repository, bundled into the console, or a directory of
 * the same shape. {@code gallery.txt} lists the templates in the order shown; each is a folder with {@code
 * deploy.yaml} (the SDL), {@code README.md} (a {@code # Title} line, then a short description) and {@code icon.svg}.
 */
final class Gallery {
    /** One template. */
    record Template(String name, String title, String description, String sdl, String iconSvg) {}

    /** Templates at most, and bytes of one file at most. */
    static final int MAX_TEMPLATES = 64;

    static final int MAX_FILE_BYTES = 256 * 1024;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final String BUNDLED = "/dev/vyoma/console/templates/";

    private final List<Template> templates;

    private Gallery(List<Template> templates) {
        this.templates = List.copyOf(templates);
    }

    /** The templates bundled with the console. */
    static Gallery bundled() {
        return load(file -> {
            try (InputStream in = Gallery.class.getResourceAsStream(BUNDLED + file)) {
                return in == null ? null : in.readNBytes(MAX_FILE_BYTES + 1);
            }
        });
    }

    /** The templates in {@code dir}. */
    static Gallery of(Path dir) {
        return load(file -> {
            Path p = dir.resolve(file).normalize();
            if (!p.startsWith(dir.normalize()) || !Files.isRegularFile(p)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(p)) {
                return in.readNBytes(MAX_FILE_BYTES + 1);
            }
        });
    }

    private interface Files2 {
        byte[] read(String file) throws IOException;
    }

    private static Gallery load(Files2 files) {
        try {
            String index = text(files, "gallery.txt");
            List<Template> out = new ArrayList<>();
            for (String line : index.lines().map(String::strip).toList()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (!NAME.matcher(line).matches() || out.size() == MAX_TEMPLATES) {
                    throw new IllegalStateException("gallery.txt: bad template name or too many: " + line);
                }
                String readme = text(files, line + "/README.md");
                String title = readme.lines()
                        .findFirst()
                        .orElse(line)
                        .replaceFirst("^#\\s*", "")
                        .strip();
                String description = readme.lines()
                        .skip(1)
                        .map(String::strip)
                        .reduce("", (a, b) -> (a + " " + b))
                        .strip();
                out.add(new Template(
                        line, title, description, text(files, line + "/deploy.yaml"), text(files, line + "/icon.svg")));
            }
            return new Gallery(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the templates: " + e.getMessage(), e);
        }
    }

    private static String text(Files2 files, String name) throws IOException {
        byte[] b = files.read(name);
        if (b == null) {
            throw new IllegalStateException("the template gallery has no " + name);
        }
        if (b.length > MAX_FILE_BYTES) {
            throw new IllegalStateException(name + " is over " + MAX_FILE_BYTES + " bytes");
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    List<Template> templates() {
        return templates;
    }

    /** The template named {@code name}. */
    Optional<Template> find(String name) {
        return templates.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
