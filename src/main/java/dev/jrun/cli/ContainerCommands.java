package dev.jrun.cli;

import dev.jrun.ExitCodes;
import dev.jrun.plan.Json;
import dev.jrun.runner.RunOptions;
import dev.jrun.runner.state.ContainerState;
import dev.jrun.runner.state.Containers;
import dev.jrun.service.Service;
import dev.jrun.sys.Linux;
import dev.jrun.sys.Signals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands on detached containers, by name: ps, state, logs, kill, stop, wait, rm, and the
 * service they do not need (they read the state folders and signal the processes themselves).
 * Each failure is one line naming the container and what to do; 125 as a run's own failures.
 */
final class ContainerCommands {
    private ContainerCommands() {}

    /** A command body that may fail with a one-line reason. */
    abstract static class Base implements Callable<Integer> {
        abstract int run(Containers c) throws Containers.Failure, IOException;

        abstract String command();

        @Override
        public Integer call() {
            try {
                Containers c = Containers.forUser();
                c.reapStaleService();
                return run(c);
            } catch (Containers.Failure | IOException e) {
                System.err.println("jrun " + command() + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }

    static String describe(ContainerState s) {
        String status = s.status();
        if (!ContainerState.STOPPED.equals(status)) return status;
        if (s.exitCode() != null) return "stopped (" + s.exitCode() + ")";
        return s.supervised() ? "stopped" : "stopped (exit status unknown: its jrun service was killed)";
    }

    static String age(String created) {
        try {
            Duration d = Duration.between(Instant.parse(created), Instant.now());
            long s = Math.max(0, d.getSeconds());
            if (s < 120) return s + "s";
            if (s < 7200) return s / 60 + "m";
            if (s < 172800) return s / 3600 + "h";
            return s / 86400 + "d";
        } catch (RuntimeException e) {
            return "?";
        }
    }

    @Command(name = "ps", aliases = "list", mixinStandardHelpOptions = true,
            description = {"List the detached containers: name, pid, status, age, spec.",
                    "The status is the process's own, read now (never a stale record)."})
    static final class Ps extends Base {
        @Option(names = {"-a", "--all"}, description = "Also the stopped ones.")
        boolean all;

        @Option(names = "--json", description = "Print them as a JSON array of states (as `jrun state`).")
        boolean json;

        @Override
        String command() {
            return "ps";
        }

        @Override
        int run(Containers c) {
            List<ContainerState> shown = new ArrayList<>();
            for (ContainerState s : c.all()) if (all || !ContainerState.STOPPED.equals(s.status())) shown.add(s);
            if (json) {
                List<Object> out = new ArrayList<>();
                for (ContainerState s : shown) out.add(s.toJson());
                System.out.println(Json.write(out));
                return ExitCodes.OK;
            }
            System.out.printf("%-20s %-8s %-12s %-5s %s%n", "NAME", "PID", "STATUS", "AGE", "SPEC");
            for (ContainerState s : shown) {
                boolean running = ContainerState.RUNNING.equals(s.status());
                System.out.printf("%-20s %-8s %-12s %-5s %s%n", s.id(), running ? Integer.toString(s.pid()) : "-", describe(s),
                        age(s.created()), s.spec());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true, description = "Print a container's state as JSON (OCI-style).")
    static final class State extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        String command() {
            return "state";
        }

        @Override
        int run(Containers c) throws Containers.Failure {
            System.out.println(Json.write(c.get(name).toJson()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a container's output (stdout and stderr).")
    static final class Logs extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-f", "--follow"}, description = "Keep printing what it writes until it stops.")
        boolean follow;

        @Override
        String command() {
            return "logs";
        }

        @Override
        int run(Containers c) throws Containers.Failure, IOException {
            ContainerState s = c.get(name);
            Path log = c.dir().container(name).resolve(dev.jrun.runner.state.StateDir.LOG);
            try (InputStream in = Files.newInputStream(log)) {
                byte[] buf = new byte[65536];
                while (true) {
                    int n = in.read(buf);
                    if (n > 0) {
                        System.out.write(buf, 0, n);
                        continue;
                    }
                    System.out.flush();
                    if (!follow) return ExitCodes.OK;
                    if (!ContainerState.RUNNING.equals(c.get(name).status())) {
                        // one last read: what it wrote as it ended
                        while ((n = in.read(buf)) > 0) System.out.write(buf, 0, n);
                        System.out.flush();
                        return ExitCodes.OK;
                    }
                    c.awaitExit(s, 100);
                }
            } catch (NoSuchFileException e) {
                return ExitCodes.OK; // it has written nothing yet
            }
        }
    }

    static int signal(String name) throws Containers.Failure {
        int sig = Signals.number(name.toUpperCase());
        if (sig <= 0) throw new Containers.Failure("'" + name + "' is not a signal: use a name like TERM or KILL, or a number");
        return sig;
    }

    @Command(name = "kill", mixinStandardHelpOptions = true,
            description = "Send a signal (default TERM) to a container's init, which passes it to the process.")
    static final class Kill extends Base {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "SIGNAL", arity = "0..1", defaultValue = "TERM")
        String signal;

        @Override
        String command() {
            return "kill";
        }

        @Override
        int run(Containers c) throws Containers.Failure {
            int sig = signal(signal);
            ContainerState s = c.get(name);
            if (!c.signal(s, sig)) throw new Containers.Failure("container " + name + " is not running (" + describe(s) + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop a container: SIGTERM, then SIGKILL after the grace period. Prints its name.")
    static final class Stop extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-t", "--time"}, paramLabel = "SECONDS", defaultValue = "10", description = "Grace period (default 10).")
        long seconds;

        @Override
        String command() {
            return "stop";
        }

        @Override
        int run(Containers c) throws Containers.Failure {
            ContainerState s = c.get(name);
            if (c.signal(s, Linux.SIGTERM) && !c.awaitExit(s, Math.max(0, seconds) * 1000)) {
                c.signal(s, Linux.SIGKILL);
                c.awaitExit(s, -1);
            }
            c.awaitRecorded(name, 5000);
            System.out.println(name);
            return ExitCodes.OK;
        }
    }

    @Command(name = "wait", mixinStandardHelpOptions = true,
            description = {"Wait for a container to stop; print its exit status and exit with it.",
                    "125 when the status is unknown (its jrun service was killed meanwhile)."})
    static final class Wait extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        String command() {
            return "wait";
        }

        @Override
        int run(Containers c) throws Containers.Failure {
            c.awaitExit(c.get(name), -1);
            ContainerState s = c.awaitRecorded(name, 5000);
            if (s.exitCode() == null) {
                System.out.println("unknown");
                System.err.println("jrun wait: " + name + " stopped, but its exit status is unknown: the jrun service"
                        + " that supervised it was killed");
                return ExitCodes.FAILED;
            }
            System.out.println(s.exitCode());
            return s.exitCode();
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove a stopped container (its state and log); -f stops a running one first (SIGKILL).")
    static final class Rm extends Base {
        @Parameters(paramLabel = "NAME", arity = "1..*")
        List<String> names;

        @Option(names = {"-f", "--force"}, description = "Kill it first if it is running.")
        boolean force;

        @Override
        String command() {
            return "rm";
        }

        @Override
        int run(Containers c) throws Containers.Failure {
            for (String name : names) {
                ContainerState s = c.get(name);
                if (ContainerState.RUNNING.equals(s.status())) {
                    if (!force) throw new Containers.Failure("container " + name + " is running: 'jrun stop " + name + "' first, or rm -f");
                    c.signal(s, Linux.SIGKILL);
                    c.awaitExit(s, -1);
                }
                c.awaitRecorded(name, 5000); // the service cleans up what it made for it, then records the exit
                c.remove(name);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "service", hidden = true, description = "The per-user service that supervises detached containers (started by run -d).")
    static final class ServiceCmd extends Base {
        @Override
        String command() {
            return "service";
        }

        @Override
        public Integer call() {
            try {
                return Service.serve(Containers.forUser().dir(), RunOptions.fromEnvironment(System.getenv()));
            } catch (Containers.Failure | IOException e) {
                System.err.println("jrun service: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }

        @Override
        int run(Containers c) {
            throw new IllegalStateException();
        }
    }
}
