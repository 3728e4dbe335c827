package dev.jrun.lint;

import dev.jrun.ExitCodes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@code jrun lint} does once picocli has parsed its options: lint, print, and say how to
 * exit. Exit codes: {@value #CLEAN} clean, {@value #FINDINGS} errors (or warnings with
 * {@code strict}), {@value #USAGE} a named path missing or unreadable.
 */
public final class Lint {
    public static final int CLEAN = ExitCodes.OK;
    public static final int FINDINGS = ExitCodes.FINDINGS;
    public static final int USAGE = ExitCodes.USAGE;

    /** What {@code jrun lint} lints when no path is named. */
    public static final Path DEFAULT_PATH = Path.of("specs");

    /**
     * @param paths  files and directories; empty means {@link #DEFAULT_PATH}
     * @param strict warnings fail the lint too
     * @param timing print files/s (after JVM start) on {@code err}; also on with -Djrun.timing=true
     */
    public record Options(List<Path> paths, Format format, boolean strict, boolean timing) {
        public Options {
            paths = List.copyOf(paths);
        }
    }

    private Lint() {}

    /** Findings go to {@code out} in the chosen format; the summary and problems go to {@code err}. */
    public static int run(Options o, PrintStream out, PrintStream err) {
        long start = System.nanoTime();
        Report report;
        if (o.paths().isEmpty() && !Files.isDirectory(DEFAULT_PATH)) {
            err.println("jrun lint: no " + DEFAULT_PATH + "/ directory here to lint by default; name the spec files or directories");
            return USAGE;
        }
        try {
            report = Linter.lintPaths(o.paths().isEmpty() ? List.of(DEFAULT_PATH) : o.paths());
        } catch (LintException e) {
            err.println("jrun lint: " + e.getMessage());
            return USAGE;
        }
        o.format().write(report, out);
        out.flush();
        err.println(report.summary());
        if (o.timing() || Boolean.getBoolean("jrun.timing")) {
            double ms = (System.nanoTime() - start) / 1e6;
            int n = report.files().size();
            err.println(String.format(Locale.ROOT, "jrun lint: %d files in %.1f ms (%.0f files/s), JVM up %d ms",
                    n, ms, n / (ms / 1000), java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()));
        }
        boolean fails = report.errors() > 0 || (o.strict() && report.warnings() > 0);
        return fails ? FINDINGS : CLEAN;
    }
}
