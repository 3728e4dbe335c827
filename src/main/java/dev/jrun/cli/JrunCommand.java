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
        subcommands = {RunCommand.class, LintCommand.class, PlanCommand.class, SchemaCommand.class, NetworkCommand.class,
                ContainerCommands.Ps.class, ContainerCommands.State.class, ContainerCommands.Logs.class,
                ContainerCommands.Kill.class, ContainerCommands.Stop.class, ContainerCommands.Wait.class,
                ContainerCommands.Rm.class, ContainerCommands.ServiceCmd.class, ExecCommand.class, NsCommand.class,
                TrainCommand.class, CommandLine.HelpCommand.class},
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

    /** Parses and runs a command line with picocli; jrun's own failures exit 125 without a trace. */
    static int execute(String[] args) {
        CommandLine cl = new CommandLine(new JrunCommand());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            Errors.report(ex);
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
