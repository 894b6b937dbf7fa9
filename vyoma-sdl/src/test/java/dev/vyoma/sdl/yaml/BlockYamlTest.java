package dev.vyoma.sdl.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyoma.testkit.Fixtures;
import dev.vyoma.testkit.Seeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block-style subset reader against SnakeYAML Engine: wherever the subset reader gives a tree, it must be
 * the tree SnakeYAML gives (values, quoting, positions, weights), and SnakeYAML must accept the text. Checked on
 * every conformance input, every example, the awesome-akash templates when {@code -Dvyoma.awesome=DIR} names a
 * checkout, hand-written edge cases, and mutations of all of these.
 */
class BlockYamlTest {
    private static final YamlReader READER = new YamlReader(64, 100_000);

    /** Asserts the two readers agree on {@code text}; returns whether the subset reader read it. */
    static boolean agree(String text) {
        Optional<YNode> subset = READER.readSubset(text);
        if (subset.isEmpty()) {
            return false;
        }
        Optional<YNode> engine;
        try {
            engine = READER.readWithEngine(text);
        } catch (YamlException e) {
            throw new AssertionError("the subset reader read a text SnakeYAML rejects (" + e.mark() + " "
                    + e.getMessage() + "):\n" + text);
        }
        if (!engine.equals(subset)) {
            throw new AssertionError("the readers differ on:\n" + text + "\nsubset: " + subset + "\nengine: " + engine);
        }
        return true;
    }

    private static List<Path> corpus() {
        List<Path> files = new ArrayList<>();
        addYaml(files, Fixtures.akashSdl());
        addYaml(files, Fixtures.repositoryRoot().resolve("examples"));
        String awesome = System.getProperty("vyoma.awesome");
        if (awesome != null && !awesome.isBlank()) {
            addYaml(files, Path.of(awesome));
        }
        return files;
    }

    private static void addYaml(List<Path> files, Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !p.toString().contains("/.git/"))
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(Path file) {
        try {
            String t = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return t.startsWith("\uFEFF") ? t.substring(1) : t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void agreesOnEveryCorpusFile() {
        List<Path> files = corpus();
        int read = 0;
        for (Path file : files) {
            try {
                if (agree(text(file))) {
                    read++;
                }
            } catch (AssertionError e) {
                fail(file + ": " + e.getMessage());
            }
        }
        // The subset exists for speed: it must cover most real files, or the fast path is not taken.
        assertThat(read)
                .as("files read by the subset reader of %d", files.size())
                .isGreaterThan(files.size() * 3 / 4);
    }

    @Test
    void readsEverySdlExample() {
        for (Path file : corpus()) {
            Path examples = Fixtures.repositoryRoot().resolve("examples");
            // examples/kubernetes and examples/scenarios hold other YAML (Kubernetes manifests, scenarios).
            if (file.startsWith(examples)
                    && !file.startsWith(examples.resolve("kubernetes"))
                    && !file.startsWith(examples.resolve("scenarios"))) {
                assertThat(agree(text(file)))
                        .as("%s is read by the subset reader", file)
                        .isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a: 1\nb: two words  # c\nc: 'it''s'\nd: \"q\\\"\\n\\t\"\n",
                "---\na:\n- x\n-\n- y: 1\n  z:\nb: ~\n",
                "--- # doc\na:\n  - - x\n    - y\n  -   k: v\n      l: [a, 'b', \"c d\" , e f]\n  - []\nb: {}\n",
                "a: |\n  one\n   two\n\n  three\nb: >\n  one\n  two\n\n  three\n   more\n  four\nc: x\n",
                "a: |-\n  one\n\n\nb: |+\n  one\n\n\nc: >-\n  folded\n  text\n\nd: >+\n  k\n\n",
                "a: |\n\n    deep\n    text\nb: |  # comment\n  x\nc: |\nd: >\n",
                "a: |+\n  x\n\n  \nb: >\n  x\n\n  y\n",
                "x:\n  a: |\n      indented\n        more\n      back\n  b: 2\n",
                "s:\n  - |\n    in list\n  - >-\n    folded\n    in list\n  - last\n",
                "a:\n  b:\n    c:\n      d: deep\n  e: back\n# trailing comment\n",
                "key with spaces: v\n'quoted key': v\n\"dq key\": v\n-neg: -1\nurl: http://x:80/a#b\n",
                "a: x # c\n  # indented comment\nb: y\n",
                "a:\n\n\n  b: 1\n\n",
                "a: end without newline",
                "a:",
                "a:\n-",
                "é: ünïcödé ✓\n",
                "a: 1\r\nb:\r\n  - x\r\n  - |\r\n    one\r\n\r\n    two\r\nc: >-\r\n  f\r\n  g\r\n",
                "a : 1\nb  :\n  c :  d\n",
            })
    void readsEdgeCasesAsSnakeYamlDoes(String text) {
        assertThat(agree(text)).as("read by the subset reader:\n%s", text).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a: &x 1\nb: *x\n",
                "a: !!str 1\n",
                "<<: {a: 1}\n",
                "a: 1\n---\nb: 2\n",
                "%YAML 1.2\n---\na: 1\n",
                "a: 1\n...\n",
                "a:\tb\n",
                "a: b\rc: d\r",
                "a: b\r\nc: d\r",
                "a: multi\n  line\n",
                "a: 'multi\n  line'\n",
                "a: \"\\x41\"\n",
                "a: |2\n   x\n",
                "a: |\n  no line break at the end",
                "a: |#\n  x\n",
                "a: {b: 1}\n",
                "a: [[1]]\n",
                "a: [a, ]\n",
                "? a\n: b\n",
                "- a\n- b\n",
                "plain\n",
                "",
                "# only a comment\n",
                "a: b: c\n",
                "a: - b\n",
                "a: 1\n  b: 2\n",
                "a:\n    b: 1\n  c: 2\n",
                "a: \"x\" y\n",
                "a: @x\n",
                "a: 😀\n",
            })
    void leavesTheRestToSnakeYaml(String text) {
        assertThat(READER.readSubset(text)).as("outside the subset:\n%s", text).isEmpty();
    }

    @Test
    void leavesDeepOrLargeTextsToSnakeYaml() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            deep.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        deep.append("  ".repeat(10)).append("v: 1\n");
        YamlReader shallow = new YamlReader(5, 100_000);
        assertThat(shallow.readSubset(deep.toString())).isEmpty();
        assertThat(new YamlReader(64, 100_000).readSubset(deep.toString())).isPresent();
        YamlReader small = new YamlReader(64, 10);
        assertThat(small.readSubset("a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")).isEmpty();
    }

    /**
     * Mutations of real files: deleting, inserting or duplicating characters and lines, changing indentation.
     * Most mutants are invalid or outside the subset; every one the subset reader reads must agree.
     */
    @Test
    void agreesOnMutatedFiles() {
        long seed = Seeds.seed("BlockYamlTest.agreesOnMutatedFiles");
        SplittableRandom random = Seeds.random(seed);
        List<String> texts = corpus().stream().map(BlockYamlTest::text).toList();
        int mutants = Integer.getInteger("vyoma.mutants", 20_000);
        int read = 0;
        for (int i = 0; i < mutants; i++) {
            String text = mutate(texts.get(random.nextInt(texts.size())), random);
            try {
                if (agree(text)) {
                    read++;
                }
            } catch (AssertionError e) {
                fail(Seeds.replay("BlockYamlTest.agreesOnMutatedFiles", seed) + "\n" + e.getMessage());
            }
        }
        assertThat(read).as("mutants read by the subset reader").isGreaterThan(mutants / 10);
    }

    private static final String[] PIECES = {
        " ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "'", "\"", "|", ">", "|-", ">-", "|+", "[", "]", "{", "}",
        ",", "\\", "\\n", "\r\n", "~", "---", "...", "&a", "*a", "!", "?", "%", "@", "\t", "\r", "é", "x", "0", "<<",
    };

    static String mutate(String text, SplittableRandom random) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = b.isEmpty() ? 0 : random.nextInt(b.length() + 1);
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (at < b.length()) {
                        b.deleteCharAt(at);
                    }
                }
                case 1 -> b.insert(at, PIECES[random.nextInt(PIECES.length)]);
                case 2 -> {
                    // Indent or outdent one line.
                    int start = b.lastIndexOf("\n", Math.max(0, at - 1)) + 1;
                    if (random.nextBoolean()) {
                        b.insert(start, random.nextBoolean() ? " " : "  ");
                    } else if (start < b.length() && b.charAt(start) == ' ') {
                        b.deleteCharAt(start);
                    }
                }
                case 3 -> {
                    // Duplicate a line.
                    int start = b.lastIndexOf("\n", Math.max(0, at - 1)) + 1;
                    int end = b.indexOf("\n", start);
                    end = end < 0 ? b.length() : end + 1;
                    b.insert(start, b.substring(start, end));
                }
                case 4 -> {
                    // Delete a line.
                    int start = b.lastIndexOf("\n", Math.max(0, at - 1)) + 1;
                    int end = b.indexOf("\n", start);
                    b.delete(start, end < 0 ? b.length() : end + 1);
                }
                default -> {
                    // Cut the text short.
                    b.setLength(at);
                }
            }
        }
        return b.toString();
    }
}
