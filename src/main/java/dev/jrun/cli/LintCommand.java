package dev.jrun.cli;

import dev.jrun.lint.Format;
import dev.jrun.lint.Lint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lint", mixinStandardHelpOptions = true,
        description = {"Check specs against the schema and the semantic rules.",
                "Findings print as FILE:LINE:COL: error|warning: message [rule-id].",
                "Exit 0 clean, 1 findings (warnings only with --strict), 2 usage or I/O error."},
        footer = {"", "Examples:", "  jrun lint                       (lints specs/)",
                "  jrun lint --format sarif specs/ > jrun.sarif",
                "  jrun lint --format github --strict specs/web.yaml"})
final class LintCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Spec files or directories (searched recursively). Default: specs/")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json, sarif or github (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--strict", description = "Warnings fail the lint too.")
    boolean strict;

    @Option(names = "--timing", hidden = true, description = "Print files/s after JVM start (bench/lint.sh).")
    boolean timing;

    @Override
    public Integer call() {
        Format f = Format.byId(format);
        if (f == null) {
            System.err.println("jrun lint: unknown --format " + format + ": use text, json, sarif or github");
            return Lint.USAGE;
        }
        return Lint.run(new Lint.Options(paths, f, strict, timing), System.out, System.err);
    }
}
