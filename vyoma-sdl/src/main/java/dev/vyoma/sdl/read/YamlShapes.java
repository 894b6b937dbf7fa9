package dev.vyoma.sdl.read;

import dev.vyoma.sdl.read.SdlInput.Text;
import dev.vyoma.sdl.spec.GoStrings;
import dev.vyoma.sdl.yaml.YMapping;
import dev.vyoma.sdl.yaml.YNode;
import dev.vyoma.sdl.yaml.YScalar;
import dev.vyoma.sdl.yaml.YSequence;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;

/**
 * The generic shapes of the SDL's YAML as Akash's Go decoder reads them: mappings of names to entries (sorted by
 * Go's string order, the paths of entries that failed kept), lists, text and lists of text, quantities from a
 * scalar's literal text, and memory and storage sizes; a shape that does not fit is a problem at its location.
 */
final class YamlShapes {
    private final Problems problems;
    /** Paths of named entries (services.web, profiles.compute.big) that failed to decode. */
    private final Set<String> failed = new HashSet<>();

    YamlShapes(Problems problems) {
        this.problems = problems;
    }

    /** The paths of named entries that failed to decode so far. */
    Set<String> failed() {
        return failed;
    }

    /** A mapping of names to values decoded by {@code item}; sorted by Go's string order. */
    <T> Map<String, T> mapOf(YNode node, Loc loc, String what, BiFunction<String, Loc, Decoder<T>> item) {
        Map<String, T> out = new TreeMap<>(GoStrings.ORDER);
        if (node == null) {
            return out;
        }
        Fields fields = Fields.of(node, loc, problems);
        if (fields == null) {
            return out;
        }
        for (YMapping.Entry e : fields.entries()) {
            String name = e.key().value();
            Loc at = loc.key(name, e.value());
            T value = item.apply(name, at).decode(e.value());
            if (value != null) {
                out.put(name, value);
            } else {
                failed.add(at.path());
            }
        }
        return out;
    }

    /** Decodes one value. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(YNode node);
    }

    List<YNode> listOf(YNode node, Loc loc, String example) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return List.of();
        }
        if (node instanceof YSequence seq) {
            return seq.items();
        }
        problems.error(loc, "must be a list (" + example + "), got " + node.describe());
        return List.of();
    }

    Text text(YNode node, Loc loc) {
        if (node == null) {
            return new Text("", loc);
        }
        String v = Scalars.string(node, loc, problems);
        return v == null ? null : new Text(v, loc);
    }

    List<Text> textList(YNode node, Loc loc) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return null;
        }
        if (!(node instanceof YSequence seq)) {
            problems.error(loc, "must be a list of text values, got " + node.describe());
            return null;
        }
        List<Text> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YNode item = seq.items().get(i);
            Text t = text(item, loc.index(i, item));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** Parses a quantity from the scalar's literal text, as Akash's custom decoders do; null node is 0. */
    static Long quantity(YNode node, Loc loc, Problems problems, ToLongFunction<String> parse) {
        if (node == null || node instanceof YScalar s && s.isNull()) {
            return 0L;
        }
        if (!(node instanceof YScalar s)) {
            problems.error(loc, "must be a single value, got " + node.describe());
            return null;
        }
        try {
            return parse.applyAsLong(s.value());
        } catch (IllegalArgumentException e) {
            problems.error(loc, e.getMessage());
            return null;
        }
    }

    /**
     * A memory or storage size. Akash's Go parser takes case-sensitive suffixes ({@code Gi}, {@code G});
     * Akash Console also takes {@code gi}, {@code GB} and the like, and many published templates use them.
     * We read those as Console does, with a warning, so the templates deploy as they do on Akash.
     */
    static Long size(YNode node, Loc loc, Problems problems, String example) {
        Problems probe = new Problems(problems.source());
        Long bytes = quantity(node, loc, probe, t -> Quantities.bytes(t, Quantities.SIZE_SUFFIXES, example));
        if (bytes != null) {
            return bytes;
        }
        String text = node instanceof YScalar s ? s.value() : "";
        long console = Quantities.consoleBytes(text);
        if (console >= 0) {
            problems.warning(
                    loc,
                    "\"" + text + "\" is read as Akash Console reads it (" + console
                            + " bytes); Akash's CLI rejects it: write sizes with case-sensitive suffixes such as Gi (1024³) or G (1000³)");
            return console;
        }
        problems.addAll(probe);
        return null;
    }
}
