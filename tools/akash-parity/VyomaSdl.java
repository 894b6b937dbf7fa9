import dev.vyoma.sdl.Sdl;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlError;
import dev.vyoma.sdl.SdlResult;
import dev.vyoma.sdl.manifest.AkashJson;
import dev.vyoma.sdl.json.JsonWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads SDL files with vyoma-sdl and prints one JSON line per file, in the same shape as akash-ts.mjs:
 * {"file", "ok", "version", "error", "warnings", "groups", "manifest"}.
 *
 * <p>Run from the repository root:
 * {@code java -cp vyoma-sdl/target/classes:<snakeyaml-engine jar> tools/akash-parity/VyomaSdl.java FILE...}
 */
public final class VyomaSdl {
    private VyomaSdl() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: java -cp <classes>:<snakeyaml-engine jar> VyomaSdl.java FILE...");
            System.exit(2);
        }
        StringBuilder out = new StringBuilder();
        for (String file : args) {
            out.append(JsonWriter.compact(read(file))).append('\n');
            if (out.length() > 1 << 16) {
                System.out.print(out);
                out.setLength(0);
            }
        }
        System.out.print(out);
        System.out.flush();
    }

    private static Map<String, Object> read(String file) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("file", file);
        try {
            SdlResult result = Sdl.parse(Path.of(file));
            line.put("ok", result.isValid());
            if (result.isValid()) {
                SdlDocument doc = result.document();
                line.put("version", doc.manifestVersion().hex());
                putWarnings(line, result.warnings());
                List<Object> groups = AkashJson.groupSpecs(doc.groups());
                List<Object> manifest = AkashJson.manifest(doc.manifest());
                line.put("groups", groups);
                line.put("manifest", manifest);
                // The streamed text (what the CLI and the provider send) must equal the tree's text.
                if (!AkashJson.groupSpecsJson(doc.groups()).equals(JsonWriter.compact(groups))
                        || !AkashJson.manifestJson(doc.manifest()).equals(JsonWriter.compact(manifest))
                        || !AkashJson.manifestCanonicalJson(doc.manifest()).equals(JsonWriter.canonical(manifest))) {
                    line.put("jsonMismatch", true);
                }
            } else {
                line.put("error", String.join("; ", result.errors().stream().map(SdlError::format).toList()));
                putWarnings(line, result.warnings());
            }
        } catch (Exception | StackOverflowError e) {
            line.put("ok", false);
            line.put("error", "exception: " + e);
        }
        return line;
    }

    private static void putWarnings(Map<String, Object> line, List<SdlError> warnings) {
        if (!warnings.isEmpty()) {
            line.put("warnings", warnings.stream().map(SdlError::format).toList());
        }
    }
}
