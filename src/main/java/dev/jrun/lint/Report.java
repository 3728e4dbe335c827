package dev.jrun.lint;

import dev.jrun.spec.Diagnostic;
import java.nio.file.Path;
import java.util.List;

/** The outcome of linting some files: which were read, and every finding, in output order. */
public record Report(List<Path> files, List<Diagnostic> diagnostics) {
    public long errors() {
        return diagnostics.stream().filter(Diagnostic::isError).count();
    }

    public long warnings() {
        return diagnostics.size() - errors();
    }

    /** "2 errors, 1 warning in 3 files", or "no findings in 3 files". */
    public String summary() {
        String findings = errors() == 0 && warnings() == 0 ? "no findings"
                : errors() == 0 ? count(warnings(), "warning")
                : warnings() == 0 ? count(errors(), "error")
                : count(errors(), "error") + ", " + count(warnings(), "warning");
        return findings + " in " + count(files.size(), "file");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
