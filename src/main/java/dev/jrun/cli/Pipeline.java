package dev.jrun.cli;

import dev.jrun.lint.Linter;
import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanException;
import dev.jrun.plan.Planner;
import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.SpecLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** spec → checks → plan, shared by {@code run}, {@code plan} and {@code train}. */
final class Pipeline {
    private Pipeline() {}

    /** Thrown after the reasons were printed; carries the exit code. */
    static final class Failed extends Exception {
        final int exitCode;
        /** The spec file could not be read at all (exit 2 for plan, like lint). */
        final boolean io;

        Failed(int exitCode, boolean io) {
            super(null, null, false, false);
            this.exitCode = exitCode;
            this.io = io;
        }
    }

    /**
     * Loads, checks and compiles a spec; prints its findings to {@code err}. Warnings are shown but
     * don't stop it; any error does.
     *
     * @param cached skip schema validation for a spec whose digest already passed (the run path)
     */
    static Plan compile(Path file, boolean cached, PrintStream err, int failureCode) throws Failed {
        SpecLoader.Result r = cached ? SpecLoader.loadCached(file) : SpecLoader.load(file);
        List<Diagnostic> all = new ArrayList<>(r.diagnostics());
        if (r.spec() != null) all.addAll(Linter.check(r));
        for (Diagnostic d : all) err.println(d);
        if (r.spec() == null || all.stream().anyMatch(Diagnostic::isError)) {
            throw new Failed(failureCode, all.stream().anyMatch(d -> d.ruleId().equals("io")));
        }
        try {
            return Planner.compile(r.spec(), p -> r.tree().locate(p), HostFacts.read());
        } catch (PlanException e) {
            err.println(e.at() + ": error: " + e.getMessage() + " [plan]");
            throw new Failed(failureCode, false);
        }
    }
}
