package dev.jrun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The root command; {@code jrun SPEC} is shorthand for {@code jrun run SPEC} (see {@link Main}). */
@Command(name = "jrun", mixinStandardHelpOptions = true, versionProvider = JrunCommand.Version.class,
        description = "Run a Linux process in a container described by a YAML/JSON spec.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {RunCommand.class, LintCommand.class, PlanCommand.class, SchemaCommand.class,
                TrainCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  jrun specs/demo.yaml            run a container in the foreground",
                "  jrun lint --format github specs/",
                "  jrun plan --json specs/demo.yaml",
                "", "Exit codes: run: the process's status (128+N for signal N),",
                "  125 jrun failed before the process ran; lint: 1 findings; 2 usage or I/O error."})
public final class JrunCommand implements Runnable {
    public static final String VERSION = "0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces for jrun's own failures.")
    void setDebug(boolean debug) {
        Main.debug = debug;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing a command or a spec file");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jrun " + VERSION};
        }
    }
}
