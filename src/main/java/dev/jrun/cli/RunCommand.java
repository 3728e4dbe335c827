package dev.jrun.cli;

import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanCache;
import dev.jrun.ExitCodes;
import dev.jrun.runner.RunOptions;
import dev.jrun.runner.Runner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the container a spec describes, in the foreground (or detached, with -d).",
                "Exits with the process's status (128+N if signal N killed it), or 125 if jrun failed before it ran."},
        footer = {"", "Examples:", "  jrun run specs/demo.yaml     (same as: jrun specs/demo.yaml)",
                "  jrun run -d --name web specs/web.json"})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", description = "The spec file (.yaml, .yml or .json).")
    Path spec;

    @Option(names = {"-d", "--detach"}, description = {"Start it detached, supervised by this user's jrun service, and print its name.",
            "Manage it with ps, logs, exec, kill, stop, wait and rm."})
    boolean detach;

    @Option(names = "--name", paramLabel = "NAME", description = "The detached container's name (default: the spec's name).")
    String name;

    @Override
    public Integer call() {
        if (detach) return DetachedRun.start(spec, name);
        if (name != null) {
            System.err.println("jrun run: --name names a detached container: add -d");
            return ExitCodes.USAGE;
        }
        return run(spec.toString());
    }

    /** Also called straight from {@link Main} without picocli, the cold-start fast path. */
    static int run(String spec) {
        long t0 = System.nanoTime();
        Runner.preloadAsync(); // JNA's load overlaps reading the spec (docs/design.md)
        Plan plan;
        try {
            plan = Pipeline.compileForRun(Path.of(spec), System.err, ExitCodes.FAILED);
        } catch (Pipeline.Failed f) {
            return f.exitCode;
        } catch (java.nio.file.InvalidPathException e) {
            System.err.println("jrun: " + spec + ": not a valid path");
            return ExitCodes.USAGE;
        }
        long t1 = System.nanoTime();
        int status = new Runner(RunOptions.fromEnvironment(System.getenv())).run(plan);
        long t2 = System.nanoTime();
        // bin/jrun asks for a hint when it found none (or a stale one) for this spec; left after the
        // run, since its file I/O would only delay the container
        PlanCache.leaveHint(System.getenv("JRUN_HINT_KEY"));
        if (System.getenv("JRUN_TIMING") != null) {
            // What a cold start spends where (bench/startup.sh prints it): JVM start until main,
            // spec to plan, and the runner (JNA, clone, setup, exec, wait). Measured before the
            // management classes load, which take longer than some of these.
            long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            long sinceMain = (System.nanoTime() - t0) / 1_000_000;
            System.err.println("jrun: timing: jvm-start " + (uptime - sinceMain) + " ms, spec-to-plan "
                    + (t1 - t0) / 1_000_000 + " ms, runner " + (t2 - t1) / 1_000_000 + " ms");
        }
        return status;
    }
}
