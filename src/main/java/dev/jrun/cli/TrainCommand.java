package dev.jrun.cli;

import dev.jrun.lint.Format;
import dev.jrun.lint.Lint;
import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanPrinter;
import dev.jrun.runner.RunOptions;
import dev.jrun.runner.Runner;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Exercises lint, plan and run once, so that {@code make build} can record JDK 25's AOT cache
 * from the classes the real commands use (JRUN_AOT_TRAIN in bin/jrun).
 */
@Command(name = "train", hidden = true, description = "Exercise every command once (AOT cache training).")
final class TrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC")
    Path spec;

    /** A command line of each command, parsed (not run) for the cache. */
    private static final String[][] TRAINING_LINES = {
        {"run", "-d", "--name", "x", "s.yaml"}, {"lint", "--format", "json", "specs/"}, {"plan", "--json", "s.yaml"},
        {"schema"}, {"network", "connect", "x", "--bridge", "b"}, {"ps", "-a", "--json"}, {"state", "x"},
        {"logs", "-f", "x"}, {"kill", "x", "TERM"}, {"stop", "-t", "1", "x"}, {"wait", "x"}, {"rm", "-f", "x"},
        {"exec", "-e", "K=V", "x", "--", "/bin/true"}, {"ns", "x", "--json"}, {"ns", "persist", "x", "/d"},
    };

    @Override
    public Integer call() throws Exception {
        PrintStream devNull = new PrintStream(OutputStream.nullOutputStream());
        Path dir = spec.toAbsolutePath().getParent();
        Lint.run(new Lint.Options(List.of(dir), Format.byId("text"), false, false), devNull, devNull);
        for (String f : List.of("json", "sarif", "github")) {
            Lint.run(new Lint.Options(List.of(spec), Format.byId(f), false, false), devNull, devNull);
        }
        // picocli's models of every command, the whole tree and one alone, as the CLI builds them.
        picocli.CommandLine all = JrunCommand.commandLine(null);
        all.usage(devNull);
        for (String[] line : TRAINING_LINES) {
            all.parseArgs(line);
            JrunCommand.commandLine(line[0]).parseArgs(line);
        }
        Plan plan = Pipeline.compile(spec, devNull, 1);
        Pipeline.compileForRun(spec, devNull, 1); // a plan-cache miss, then
        Pipeline.compileForRun(spec, devNull, 1); // a hit
        devNull.print(PlanPrinter.text(plan));
        devNull.print(PlanPrinter.json(plan));
        // A real container when this kernel allows one, started the way RunCommand starts one;
        // training still succeeds when the kernel refuses.
        Runner.preloadAsync();
        new Runner(RunOptions.fromEnvironment(System.getenv())).run(plan);
        return 0;
    }
}
