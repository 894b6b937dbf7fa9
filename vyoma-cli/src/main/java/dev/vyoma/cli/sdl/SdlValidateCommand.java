package dev.vyoma.cli.sdl;

import dev.vyoma.cli.common.GlobalOptions;
import dev.vyoma.cli.common.Out;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.SdlFiles;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.sdl.SdlDocument;
import dev.vyoma.sdl.SdlError;
import dev.vyoma.sdl.SdlResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vyoma sdl validate FILE...}: a result per file, every error with its position. */
@Command(
        name = "validate",
        description = {
            "Check SDL files as Akash would, reporting every error with file:line:column and field path.",
            "Exits with 1 when any file is invalid (or, with --strict, has warnings)."
        })
public final class SdlValidateCommand extends OutputCommand {
    @Option(
            names = "--strict",
            description = "Treat warnings (fields Akash ignores, sizes only Akash Console reads) as errors.")
    boolean strict;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "SDL files; - reads standard input.")
    List<String> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> results = new ArrayList<>();
        Out.Table table = new Out.Table("FILE", "RESULT", "SDL", "GROUPS", "SERVICES", "VERSION");
        List<String> details = new ArrayList<>();
        boolean failed = false;
        for (String file : files) {
            SdlResult result;
            try {
                result = SdlFiles.parse(file, System.in);
            } catch (UserException e) {
                failed = true;
                table.row(file, "unreadable");
                details.add(e.getMessage());
                results.add(Map.of("file", file, "valid", false, "errors", List.of(Map.of("message", e.getMessage()))));
                continue;
            }
            boolean ok = result.isValid() && !(strict && !result.warnings().isEmpty());
            failed |= !ok;
            if (result instanceof SdlResult.Valid v) {
                SdlDocument d = v.document();
                table.row(
                        file,
                        ok
                                ? (d.warnings().isEmpty()
                                        ? "valid"
                                        : "valid, " + warnings(d.warnings().size()))
                                : "warnings",
                        d.sdlVersion().text(),
                        d.groups().size(),
                        d.serviceCount(),
                        d.manifestVersion().hex().substring(0, 16));
            } else {
                table.row(
                        file, "invalid: " + SdlFiles.errorCount(result.errors().size()));
            }
            result.errors().forEach(e -> details.add(e.format()));
            result.warnings().forEach(w -> details.add("warning: " + w.format()));
            results.add(json(file, result));
        }
        if (GlobalOptions.of(spec).output.tabular()) {
            table.print(out, GlobalOptions.of(spec).output);
            if (!details.isEmpty()) {
                out.println();
                details.forEach(out::println);
            }
            out.flush();
        } else {
            Out.tree(out, GlobalOptions.of(spec).output, results);
        }
        return failed ? 1 : 0;
    }

    private static String warnings(int n) {
        return n == 1 ? "1 warning" : n + " warnings";
    }

    private static Map<String, Object> json(String file, SdlResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("valid", result.isValid());
        if (result instanceof SdlResult.Valid v) {
            SdlDocument d = v.document();
            m.put("sdlVersion", d.sdlVersion().text());
            m.put("version", d.manifestVersion().hex());
            m.put("groups", d.groups().size());
            m.put("services", d.serviceCount());
        }
        m.put("errors", problems(result.errors()));
        m.put("warnings", problems(result.warnings()));
        return m;
    }

    private static List<Object> problems(List<SdlError> errors) {
        List<Object> out = new ArrayList<>();
        for (SdlError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", e.line());
            m.put("column", e.column());
            m.put("path", e.path());
            m.put("message", e.message());
            out.add(m);
        }
        return out;
    }
}
