import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.json.JsonWriter;
import dev.vyoma.sdl.manifest.Manifest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times vyoma-sdl the way bench.mjs times the TS SDK, so that both sides are measured with the same
 * statistic: the files are read once; WARMUP rounds over all of them (in the json mode, which runs all of
 * the parse mode), then ROUNDS measured rounds of each mode, alternating; the wall time per file of each round (median and min) and the process's CPU time (all
 * threads, JIT and GC included) per file over all measured rounds, in ms. With --json FILE it writes
 * {@code {"files": n, "modes": {mode: {median, min, cpuMean}}}}. The CPU figure is what a busy machine
 * does not inflate: waiting for a core costs wall time, not CPU time.
 *
 * <p>Modes: {@code parse} ({@code Sdl.parse}: YAML, validation, group specs, manifest, version hash;
 * as JMH's parseAll) and {@code json} (the same, then the group specs and the manifest as compact JSON;
 * as parseAndJson).
 *
 * <pre>{@code
 * java -cp vyoma-sdl/target/classes:<snakeyaml-engine jar> tools/akash-parity/VyomaBench.java \
 *     --list FILE [--warmup 100] [--rounds 50] [--json OUT]
 * }</pre>
 */
public final class VyomaBench {
    /** The class that writes Akash's JSON: in package manifest, or json in builds before it moved there. */
    private static final Class<?> AKASH_JSON = akashJson();

    /** Group specs and manifest to JSON text: streamed where vyoma-sdl has it, else through the tree. */
    private static final MethodHandle GROUPS_JSON = toText("groupSpecs", List.class);

    private static final MethodHandle MANIFEST_JSON = toText("manifest", Manifest.class);

    private VyomaBench() {}

    private static Class<?> akashJson() {
        try {
            return Class.forName("dev.vyoma.sdl.manifest.AkashJson");
        } catch (ClassNotFoundException e) {
            try {
                return Class.forName("dev.vyoma.sdl.json.AkashJson");
            } catch (ClassNotFoundException e2) {
                throw new IllegalStateException("no AkashJson on the class path", e2);
            }
        }
    }

    private static MethodHandle toText(String name, Class<?> argument) {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            return lookup.findStatic(AKASH_JSON, name + "Json", MethodType.methodType(String.class, argument));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            try {
                MethodHandle tree = lookup.findStatic(AKASH_JSON, name, MethodType.methodType(
                        AKASH_JSON.getMethod(name, argument).getReturnType(), argument));
                MethodHandle compact = lookup.findStatic(
                        JsonWriter.class, "compact", MethodType.methodType(String.class, Object.class));
                return MethodHandles.filterReturnValue(
                        tree.asType(tree.type().changeReturnType(Object.class)), compact);
            } catch (ReflectiveOperationException e2) {
                throw new IllegalStateException(e2);
            }
        }
    }

    public static void main(String[] args) throws Throwable {
        String list = null;
        String json = null;
        int warmup = 100;
        int rounds = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--list" -> list = args[++i];
                case "--json" -> json = args[++i];
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (list == null) {
            throw new IllegalArgumentException("usage: VyomaBench.java --list FILE [--warmup N] [--rounds N] [--json OUT]");
        }
        Path listFile = Path.of(list).toAbsolutePath();
        List<byte[]> inputs = new ArrayList<>();
        for (String line : Files.readAllLines(listFile)) {
            String p = line.strip();
            if (!p.isEmpty() && !p.startsWith("#")) {
                inputs.add(Files.readAllBytes(listFile.resolveSibling(p)));
            }
        }
        byte[][] files = inputs.toArray(new byte[0][]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // Warm both modes up first (json runs all of parse), then measure them in alternating rounds, so
        // that neither is measured while the JIT is still busy with the other.
        for (int r = 0; r < warmup; r++) {
            round(files, true);
        }
        StringBuilder out = new StringBuilder("{\"files\":" + files.length + ",\"modes\":{");
        double[][] wall = new double[2][rounds];
        long[] cpu = new long[2];
        for (int r = 0; r < rounds; r++) {
            for (int m = 0; m < 2; m++) {
                // The process CPU clock ticks in steps of up to 10 ms, about one round: summed over all rounds.
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                round(files, m == 1);
                wall[m][r] = (System.nanoTime() - t0) / 1e6 / files.length;
                cpu[m] += os.getProcessCpuTime() - c0;
            }
        }
        for (int m = 0; m < 2; m++) {
            String mode = m == 0 ? "parse" : "json";
            double cpuMean = cpu[m] / 1e6 / files.length / rounds;
            Arrays.sort(wall[m]);
            System.out.printf(
                    "%-6s median %.4f  min %.4f ms/file; CPU mean %.4f ms/file (%d files, %d+%d rounds)%n",
                    mode, wall[m][rounds / 2], wall[m][0], cpuMean, files.length, warmup, rounds);
            out.append(m == 1 ? "," : "")
                    .append(String.format(
                            "\"%s\":{\"median\":%s,\"min\":%s,\"cpuMean\":%s}",
                            mode, wall[m][rounds / 2], wall[m][0], cpuMean));
        }
        if (json != null) {
            Files.writeString(Path.of(json), out.append("}}\n"));
        }
    }

    private static void round(byte[][] files, boolean withJson) throws Throwable {
        long sink = 0;
        for (byte[] file : files) {
            SdlDocument doc = Sdl.parse(file, "bench.yaml").document();
            sink += doc.manifestVersion().hashCode();
            if (withJson) {
                sink += ((String) GROUPS_JSON.invokeExact(doc.groups())).length();
                sink += ((String) MANIFEST_JSON.invokeExact(doc.manifest())).length();
            }
        }
        if (sink == 42) {
            System.out.print(""); // keeps the work observable
        }
    }
}
