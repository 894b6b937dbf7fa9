package dev.vyoma.benchmarks;

import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.manifest.AkashJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Reading Akash SDL files: one operation reads one file of a corpus loaded once as bytes, cycling
 * through the corpus, so the score is the average time per file (microseconds).
 *
 * <ul>
 *   <li>{@link #parseAll}: {@link Sdl#parse(byte[], String)}, which parses the YAML, validates, builds
 *       the group specs and the manifest and hashes the manifest version.
 *   <li>{@link #parseAndJson}: the same, then the group specs and the manifest as compact JSON text
 *       ({@link AkashJson#groupSpecsJson}, {@link AkashJson#manifestJson}).
 * </ul>
 *
 * <p>The corpus is, in order of precedence: {@code -p corpus=DIR}, the system property
 * {@code vyoma.sdl.inputs}, or {@code <root>/../shared/conformance/akash-sdl/input}, where {@code <root>}
 * is the repository root (found from the working directory or the jar). Every file under it whose name
 * matches {@code -p files=GLOBS} is read: file-name globs separated by {@code ;} (JMH splits {@code -p}
 * values at commas), default {@code *.yaml;deploy*.yml}, or the system property {@code vyoma.sdl.files}
 * (where {@code deploy*.{yaml,yml}} also works). Only files that parse as valid SDL are kept.
 *
 * <p>To time the same files as the TypeScript harness ({@code tools/akash-parity/bench.mjs}): the system
 * property {@code vyoma.sdl.list=FILE} writes the kept paths to FILE, one a line; {@code -p list=FILE}
 * (or {@code -Dvyoma.sdl.only=FILE}) reads exactly the files listed in FILE (absolute, or relative to
 * FILE's directory) instead of walking a directory.
 *
 * <p>On a machine shared with other work the wall-clock score also counts time spent waiting for a
 * core; {@code -prof 'dev.vyoma.benchmarks.SdlParseBenchmark$CpuTime'} adds {@code cpu.time.norm}, the
 * CPU time of the whole benchmark process (JIT and GC threads included) per operation, which such
 * waiting does not inflate ({@code tools/akash-parity/bench.mjs} reports the same for node).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Thread)
public class SdlParseBenchmark {
    static final String DEFAULT_FILES = "*.yaml;deploy*.yml";

    /** Corpus directory; empty means the system property {@code vyoma.sdl.inputs} or the default. */
    @Param({""})
    public String corpus;

    /** File-name globs separated by {@code ;}; empty means {@code vyoma.sdl.files} or {@value #DEFAULT_FILES}. */
    @Param({""})
    public String files;

    /**
     * A file listing the SDL paths to read, one a line (as {@code vyoma.sdl.list} or
     * {@code bench.mjs --write-list} write them); empty means the system property
     * {@code vyoma.sdl.only}, else walk the corpus directory.
     */
    @Param({""})
    public String list;

    private byte[][] inputs;
    private String[] names;
    private int next;

    @Setup(Level.Trial)
    public void load() throws IOException {
        String only = firstNonBlank(list, System.getProperty("vyoma.sdl.only"), null);
        Path dir;
        String globs;
        List<Path> candidates;
        if (only != null) {
            Path listFile = Path.of(only).toAbsolutePath();
            candidates = Files.readAllLines(listFile).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> listFile.resolveSibling(line).normalize())
                    .toList();
            dir = commonParent(candidates);
            globs = "listed in " + listFile;
        } else {
            dir = corpusDir(corpus);
            globs = firstNonBlank(files, System.getProperty("vyoma.sdl.files"), DEFAULT_FILES);
            candidates = listFiles(dir, globs);
        }
        List<byte[]> keptBytes = new ArrayList<>();
        List<String> keptNames = new ArrayList<>();
        List<String> keptPaths = new ArrayList<>();
        long totalBytes = 0;
        for (Path file : candidates) {
            byte[] bytes = Files.readAllBytes(file);
            String name = dir.relativize(file).toString();
            if (Sdl.parse(bytes, name).isValid()) {
                keptBytes.add(bytes);
                keptNames.add(name);
                keptPaths.add(file.toString());
                totalBytes += bytes.length;
            }
        }
        if (keptBytes.isEmpty()) {
            throw new IllegalStateException("no valid SDL file matching " + globs + " under " + dir);
        }
        inputs = keptBytes.toArray(new byte[0][]);
        names = keptNames.toArray(new String[0]);
        next = 0;
        System.out.printf(
                "%nSDL corpus %s (%s): %d files, %d valid and kept, %d skipped as invalid; %d bytes kept,"
                        + " %d bytes per file on average%n",
                dir,
                globs,
                candidates.size(),
                inputs.length,
                candidates.size() - inputs.length,
                totalBytes,
                totalBytes / inputs.length);
        String keptList = System.getProperty("vyoma.sdl.list");
        if (keptList != null && !keptList.isBlank()) {
            Files.write(Path.of(keptList), keptPaths);
            System.out.println("kept files listed in " + Path.of(keptList).toAbsolutePath());
        }
    }

    /** Parse, validate, group specs, manifest and manifest version of one file. */
    @Benchmark
    public SdlDocument parseAll() {
        int i = cursor();
        SdlResult result = Sdl.parse(inputs[i], names[i]);
        return result.document(); // throws if the file stopped being valid
    }

    /** As {@link #parseAll}, then the group specs and the manifest as compact JSON. */
    @Benchmark
    public void parseAndJson(Blackhole bh) {
        int i = cursor();
        SdlDocument doc = Sdl.parse(inputs[i], names[i]).document();
        bh.consume(AkashJson.groupSpecsJson(doc.groups()));
        bh.consume(AkashJson.manifestJson(doc.manifest()));
        bh.consume(doc.manifestVersion());
    }

    private int cursor() {
        int i = next;
        next = i + 1 == inputs.length ? 0 : i + 1;
        return i;
    }

    private static Path commonParent(List<Path> paths) {
        Path common = null;
        for (Path p : paths) {
            Path parent = p.getParent();
            if (common == null) {
                common = parent;
            } else {
                while (common != null && parent != null && !parent.startsWith(common)) {
                    common = common.getParent();
                }
            }
        }
        return common == null ? Path.of("").toAbsolutePath() : common;
    }

    static List<Path> listFiles(Path dir, String globs) throws IOException {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : splitGlobs(globs)) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        Path name = p.getFileName();
                        return name != null && matchers.stream().anyMatch(m -> m.matches(name));
                    })
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Splits at {@code ;} and at {@code ,} outside braces, so {@code deploy*.{yaml,yml}} stays one glob. */
    static List<String> splitGlobs(String globs) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < globs.length(); i++) {
            char c = globs.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
            if (c == ';' || (c == ',' && depth == 0)) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out.stream().map(String::strip).filter(g -> !g.isEmpty()).toList();
    }

    static Path corpusDir(String param) {
        String given = firstNonBlank(param, System.getProperty("vyoma.sdl.inputs"), null);
        Path root = repositoryRoot();
        Path dir;
        if (given != null) {
            Path p = Path.of(given);
            if (!p.isAbsolute() && !Files.isDirectory(p) && root != null) {
                p = root.resolve(p);
            }
            dir = p;
        } else if (root != null) {
            dir = root.resolve("../shared/conformance/akash-sdl/input");
        } else {
            throw new IllegalStateException("cannot find the repository root (a directory with"
                    + " ../shared/conformance next to it); set -p corpus=DIR or -Dvyoma.sdl.inputs=DIR");
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("SDL corpus directory not found: " + dir);
        }
        return dir;
    }

    /**
     * The repository root: the working directory or one of its parents, else the directory two levels
     * above this jar (benchmarks/target), whose parent holds {@code shared/conformance}.
     */
    static Path repositoryRoot() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            var source = SdlParseBenchmark.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                starts.add(Path.of(source.getLocation().toURI()).toAbsolutePath());
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // fall back on the working directory alone
        }
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                Path parent = d.getParent();
                if (parent != null && Files.isDirectory(parent.resolve("shared/conformance"))) {
                    return d;
                }
            }
        }
        return null;
    }

    private static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return fallback;
    }

    /**
     * A JMH profiler: the process's CPU time (all threads, from {@code OperatingSystemMXBean}) per
     * operation of each measured iteration, as {@code cpu.time.norm} in µs/op.
     */
    public static final class CpuTime implements InternalProfiler {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private long startNanos;

        @Override
        public String getDescription() {
            return "process CPU time per operation";
        }

        @Override
        public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
            startNanos = os.getProcessCpuTime();
        }

        @Override
        public Collection<? extends Result> afterIteration(
                BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
            long cpuNanos = os.getProcessCpuTime() - startNanos;
            long ops = result.getMetadata().getAllOps();
            double perOp = ops == 0 ? Double.NaN : cpuNanos / 1000.0 / ops;
            return List.of(new ScalarResult("cpu.time.norm", perOp, "us/op", AggregationPolicy.AVG));
        }
    }
}
