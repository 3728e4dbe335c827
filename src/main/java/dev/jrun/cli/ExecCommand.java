package dev.jrun.cli;

import dev.jrun.ExitCodes;
import dev.jrun.plan.ExecPlanner;
import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanCodec;
import dev.jrun.plan.PlanException;
import dev.jrun.plan.PlanPrinter;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunOptions;
import dev.jrun.runner.Runner;
import dev.jrun.runner.state.ContainerState;
import dev.jrun.runner.state.Containers;
import dev.jrun.runner.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command in a running detached container: its namespaces (setns), its root and cwd,",
                "and the hardening its process got (capabilities, no_new_privs, seccomp, rlimits).",
                "Exits with the command's status (128+N for signal N), or 125 if jrun failed."},
        footer = {"", "Examples:", "  jrun exec web -- hostname", "  jrun exec -t -e TERM=xterm web -- /bin/sh",
                "  jrun exec --plan web -- ls     (print the plan, run nothing)"})
final class ExecCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The container.")
    String name;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "0..*", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Option(names = {"-t", "--tty"}, description = "Give the command jrun's terminal (when jrun has one).")
    boolean tty;

    @Option(names = {"-e", "--env"}, paramLabel = "K=V", description = "Set an environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "UID[:GID]", description = "Run as this user (numeric, mapped in the container).")
    String user;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory inside the container.")
    String workdir;

    @Option(names = "--plan", description = "Print the exec's plan instead of running it.")
    boolean plan;

    @Override
    public Integer call() {
        Plan p;
        try {
            p = compile();
        } catch (Containers.Failure e) {
            System.err.println("jrun exec: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (PlanException e) {
            System.err.println("jrun exec: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        if (plan) {
            System.out.print(PlanPrinter.text(p));
            return ExitCodes.OK;
        }
        return new Runner(RunOptions.fromEnvironment(System.getenv())).run(p);
    }

    private Plan compile() throws Containers.Failure, PlanException {
        Containers c = Containers.forUser();
        ContainerState s = c.get(name);
        if (!ContainerState.RUNNING.equals(s.status())) {
            throw new Containers.Failure("container " + name + " is not running (" + ContainerCommands.describe(s) + ")");
        }
        if (command.isEmpty()) throw new Containers.Failure("name the command to run in " + name + ": jrun exec " + name + " -- CMD");
        List<Step> steps;
        try {
            byte[] bytes = Files.readAllBytes(c.dir().container(name).resolve(StateDir.PLAN));
            steps = PlanCodec.decode(bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new Containers.Failure("container " + name + "'s plan: " + e.getMessage());
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (String kv : env) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new Containers.Failure("-e " + kv + ": expected NAME=VALUE");
            vars.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Long uid = null;
        Long gid = null;
        if (user != null) {
            String[] ug = user.split(":", 2);
            try {
                uid = Long.parseLong(ug[0]);
                gid = ug.length > 1 ? Long.parseLong(ug[1]) : null;
                if (uid < 0 || (gid != null && gid < 0)) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new Containers.Failure("-u " + user + ": expected numeric UID or UID:GID (the container's ids)");
            }
        }
        return ExecPlanner.compile(name, s.pid(), s.initStart(), steps,
                new ExecPlanner.Options(List.copyOf(command), vars, uid, gid, workdir, tty));
    }
}
