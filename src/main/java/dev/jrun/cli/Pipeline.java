package dev.jrun.cli;

import dev.jrun.lint.Linter;
import dev.jrun.host.HostInfo;
import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanCache;
import dev.jrun.plan.PlanException;
import dev.jrun.plan.PlanOptions;
import dev.jrun.plan.Planner;
import dev.jrun.plan.Step;
import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.SpecCache;
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
     */
    static Plan compile(Path file, PrintStream err, int failureCode) throws Failed {
        return compile(SpecLoader.load(file), HostInfo.current(), err, failureCode, PlanOptions.FOREGROUND);
    }

    /** As {@link #compile(Path, PrintStream, int)}, for a run as {@code options} says (detached). */
    static Plan compile(Path file, PrintStream err, int failureCode, PlanOptions options) throws Failed {
        return compile(SpecLoader.load(file), HostInfo.current(), err, failureCode, options);
    }

    /**
     * The run path: a plan compiled before from exactly these bytes, on this host, by this build,
     * comes from the {@link PlanCache}; anything else is compiled (and then cached).
     */
    static Plan compileForRun(Path file, PrintStream err, int failureCode) throws Failed {
        List<Diagnostic> problems = new ArrayList<>();
        byte[] bytes = SpecLoader.readBytes(file, problems);
        if (bytes == null) {
            problems.forEach(err::println);
            throw new Failed(failureCode, true);
        }
        HostInfo host = HostInfo.current();
        byte[] source = PlanCache.source(file, bytes, host, BuildId.of());
        PlanCache cache = PlanCache.standard();
        List<Step> steps = cache.get(source);
        if (steps != null) return new Plan(null, steps);
        Plan plan = compile(SpecLoader.loadCached(file, bytes, SpecCache.standard()), host, err, failureCode, PlanOptions.FOREGROUND);
        cache.put(source, plan.steps());
        return plan;
    }

    private static Plan compile(SpecLoader.Result r, HostInfo host, PrintStream err, int failureCode, PlanOptions options)
            throws Failed {
        List<Diagnostic> all = new ArrayList<>(r.diagnostics());
        if (r.spec() != null) all.addAll(Linter.check(r));
        for (Diagnostic d : all) err.println(d);
        if (r.spec() == null || all.stream().anyMatch(Diagnostic::isError)) {
            throw new Failed(failureCode, all.stream().anyMatch(d -> d.ruleId().equals("io")));
        }
        try {
            return Planner.compile(r.spec(), p -> r.tree().locate(p), host, options);
        } catch (PlanException e) {
            err.println(e.at() + ": error: " + e.getMessage() + " [plan]");
            throw new Failed(failureCode, false);
        }
    }
}
