package dev.jrun.cli;

import dev.jrun.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root command; {@code jrun SPEC} is shorthand for {@code jrun run SPEC} (see {@link Main}). */
@Command(name = "jrun", mixinStandardHelpOptions = true, versionProvider = JrunCommand.Version.class,
        description = "Run a Linux process in a container described by a YAML/JSON spec.",
        synopsisSubcommandLabel = "COMMAND",
        footer = {"", "Examples:",
                "  jrun specs/demo.yaml            run a container in the foreground",
                "  jrun lint --format github specs/",
                "  jrun plan --json specs/demo.yaml",
                "", "Exit codes: run: the process's status (128+N for signal N),",
                "  125 jrun failed before the process ran; lint: 1 findings; 2 usage or I/O error."})
public final class JrunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces for jrun's own failures.")
    void setDebug(boolean debug) {
        Main.debug = debug;
    }

    /**
     * What picocli prints for a ParameterException, without throwing one: the verifier would then
     * load picocli's exception classes from the jar whenever the AOT cache maps this class in, at
     * the start of every container run.
     */
    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        cl.getErr().println("missing a command or a spec file");
        cl.usage(cl.getErr());
        return spec.exitCodeOnInvalidInput();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jrun " + dev.jrun.Version.VERSION};
        }
    }

    /** A fresh instance of the subcommand {@code name} names (or aliases), or null. A switch, not lambdas: no indy on the cold path. */
    static Object subcommand(String name) {
        switch (name) {
            case "run": return new RunCommand();
            case "lint": return new LintCommand();
            case "plan": return new PlanCommand();
            case "schema": return new SchemaCommand();
            case "network": return new NetworkCommand();
            case "ps": case "list": return new ContainerCommands.Ps();
            case "state": return new ContainerCommands.State();
            case "logs": return new ContainerCommands.Logs();
            case "kill": return new ContainerCommands.Kill();
            case "stop": return new ContainerCommands.Stop();
            case "wait": return new ContainerCommands.Wait();
            case "rm": return new ContainerCommands.Rm();
            case "service": return new ContainerCommands.ServiceCmd();
            case "exec": return new ExecCommand();
            case "ns": return new NsCommand();
            case "train": return new TrainCommand();
            case "help": return new CommandLine.HelpCommand();
            default: return null;
        }
    }

    /** The root with the subcommand {@code first} names, or with all of them (help, options, none). */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new JrunCommand());
        Object named = first != null && !first.equals("help") ? subcommand(first) : null;
        if (named != null) {
            cl.addSubcommand(named);
        } else {
            for (String name : Main.SUBCOMMANDS) cl.addSubcommand(subcommand(name));
        }
        return cl;
    }

    /**
     * Parses and runs a command line with picocli; jrun's own failures exit 125 without a trace.
     * Only the subcommand the line names is given to picocli, which builds each one's model by
     * reflection before it parses anything; the root's usage, help and errors get them all.
     */
    static int execute(String[] args) {
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            Errors.report(ex);
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
