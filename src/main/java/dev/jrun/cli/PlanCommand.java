package dev.jrun.cli;

import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanOptions;
import dev.jrun.plan.PlanPrinter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Print the compiled, ordered plan of a spec without running anything.",
                "Each step shows the operation, its operands and the spec line it came from."},
        footer = {"", "Examples:", "  jrun plan specs/demo.yaml", "  jrun plan --json specs/demo.yaml | jq '.steps[].kind'"})
final class PlanCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", description = "The spec file (.yaml, .yml or .json).")
    Path spec;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Option(names = {"-d", "--detach"}, description = "The plan of `jrun run -d`: a static init as PID 1, output to the log.")
    boolean detach;

    @Override
    public Integer call() {
        Plan plan;
        try {
            plan = Pipeline.compile(spec, System.err, 1, detach ? DetachedRun.options() : PlanOptions.FOREGROUND);
        } catch (Pipeline.Failed f) {
            return f.io ? 2 : f.exitCode;
        }
        System.out.print(json ? PlanPrinter.json(plan) : PlanPrinter.text(plan));
        return 0;
    }
}
