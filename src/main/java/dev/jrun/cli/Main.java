package dev.jrun.cli;

import dev.jrun.ExitCodes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Entry point. {@code jrun SPEC} and {@code jrun run SPEC} skip picocli entirely: it builds its
 * command models by reflection before it parses anything, which costs every cold start
 * (docs/design.md, "Cold start"), and a container start is the path users feel.
 */
public final class Main {
    static boolean debug;
    /**
     * The subcommands, in the order {@code jrun --help} lists them; JrunCommand builds each (CliTest
     * checks that its table, their names and their aliases agree).
     */
    static final String[] SUBCOMMANDS = {"run", "lint", "plan", "schema", "network", "ps", "state", "logs", "kill", "stop",
        "wait", "rm", "service", "exec", "ns", "train", "help"};
    /** The subcommands and their aliases; bin/jrun repeats them to tell a command from a spec (LauncherTest checks they agree). */
    static final Set<String> COMMANDS = commands("list");

    private static Set<String> commands(String... aliases) {
        Set<String> all = new HashSet<>(Arrays.asList(SUBCOMMANDS));
        all.addAll(Arrays.asList(aliases));
        return Set.copyOf(all);
    }

    private Main() {}

    public static void main(String[] args) {
        int code = execute(args);
        System.out.flush();
        System.err.flush();
        // Not System.exit: since JDK 21 it asks the System.Logger framework whether to log the
        // exit, which starts it (a ServiceLoader scan of the jar and the JDK image, ~14 ms of a
        // cold run). jrun registers no shutdown hooks, and halt still runs the JVM's own exit work.
        Runtime.getRuntime().halt(code);
    }

    static int execute(String[] args) {
        try {
            return dispatch(args);
        } catch (Throwable t) {
            // Never a stack trace for users: one line, and exit 125 like a failed run.
            Errors.report(t);
            return ExitCodes.FAILED;
        }
    }

    private static int dispatch(String[] args) {
        if (args.length == 1 && !args[0].startsWith("-") && !COMMANDS.contains(args[0])) {
            return RunCommand.run(args[0]);
        }
        if (args.length == 2 && args[0].equals("run") && !args[1].startsWith("-")) {
            return RunCommand.run(args[1]);
        }
        if (args.length > 0 && !args[0].startsWith("-") && !COMMANDS.contains(args[0])) {
            String[] withRun = new String[args.length + 1];
            withRun[0] = "run";
            System.arraycopy(args, 0, withRun, 1, args.length);
            args = withRun;
        }
        return JrunCommand.execute(args); // picocli only here: Main itself must not link any of it
    }
}
