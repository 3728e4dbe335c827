package dev.jrun.runner.state;

import dev.jrun.host.HostInfo;
import dev.jrun.host.IoMessages;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.LinuxHost;
import dev.jrun.sys.Signals;
import dev.jrun.sys.SyscallException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A user's detached containers as the commands see them: by name, in their state folders. What
 * is done to a running one goes to its process through a pidfd opened and then checked against
 * the recorded start time, so a signal never reaches a later process that got the pid. None of
 * this needs the service: it records starts and exits, the rest works without it.
 *
 * <p>Runs in: the jrun commands (ps, state, logs, kill, stop, wait, rm, exec, ns).
 */
public final class Containers {
    /** docker's rule for names: they are folder names here, so no slash, no dot first. */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    /** A command's failure, said in one line that names the container and the fix. */
    public static final class Failure extends Exception {
        public Failure(String message) {
            super(message, null, false, false);
        }
    }

    private final StateDir dir;
    private final HostSyscalls host;

    public Containers(StateDir dir, HostSyscalls host) {
        this.dir = dir;
        this.host = host;
    }

    /** This user's: JRUN_STATE_DIR when set (tests, or a second service), else {@link StateDir#forUser}. */
    public static Containers forUser() throws Failure {
        try {
            String override = System.getenv("JRUN_STATE_DIR");
            StateDir d = override != null && !override.isEmpty() ? StateDir.at(Path.of(override))
                    : StateDir.forUser(HostInfo.effectiveUid());
            return new Containers(d, LinuxHost.INSTANCE);
        } catch (IOException e) {
            throw new Failure("the state folder " + IoMessages.of(e)
                    + " (set JRUN_STATE_DIR or XDG_RUNTIME_DIR to a directory of yours)");
        }
    }

    public StateDir dir() {
        return dir;
    }

    public static void checkName(String name) throws Failure {
        if (!NAME.matcher(name).matches()) {
            throw new Failure("'" + name + "' is not a container name: letters, digits, '_', '.' and '-', not first: '.', '_' or '-'"
                    + " (set the spec's name or pass --name)");
        }
    }

    /** Makes the folder of a new container; a name in use is an error that says how to free it. */
    public Path create(String name) throws Failure {
        checkName(name);
        Path d = dir.container(name);
        try {
            Files.createDirectory(d);
            return d;
        } catch (FileAlreadyExistsException e) {
            String status = "unknown";
            try {
                status = ContainerState.read(d).status();
            } catch (IOException ignored) {
                // a folder without a state: shown as such
            }
            throw new Failure("a container named " + name + " exists (" + status + "): remove it with 'jrun rm "
                    + (ContainerState.RUNNING.equals(status) ? "-f " : "") + name + "', or pass --name NAME");
        } catch (IOException e) {
            throw new Failure("creating " + IoMessages.of(e));
        }
    }

    public ContainerState get(String name) throws Failure {
        try {
            checkName(name);
            return ContainerState.read(dir.container(name));
        } catch (NoSuchFileException e) {
            throw new Failure("there is no container named " + name + " ('jrun ps -a' lists them)");
        } catch (IOException e) {
            throw new Failure(e.getMessage());
        }
    }

    /** Every container with a state, by name; an unreadable one is skipped. */
    public List<ContainerState> all() {
        List<ContainerState> out = new ArrayList<>();
        for (String n : dir.names()) {
            try {
                out.add(ContainerState.read(dir.container(n)));
            } catch (IOException ignored) {
                // removed meanwhile, or not jrun's
            }
        }
        return out;
    }

    /**
     * A pidfd of the container's init, or -1 when it is no longer running. Opened first and the
     * start time checked after: a pidfd names one process for good.
     */
    public int pidfd(ContainerState s) {
        if (s.pid() <= 0) return -1;
        int fd;
        try {
            fd = host.pidfdOpen(s.pid());
        } catch (SyscallException e) {
            return -1; // ESRCH: gone
        }
        if (!ContainerState.RUNNING.equals(s.status())) {
            host.close(fd);
            return -1;
        }
        return fd;
    }

    /** Sends {@code sig} to the container's init (which passes it to the process); false if it is not running. */
    public boolean signal(ContainerState s, int sig) throws Failure {
        int fd = pidfd(s);
        if (fd < 0) return false;
        try {
            host.pidfdSendSignal(fd, sig);
            return true;
        } catch (SyscallException e) {
            throw new Failure("sending " + Signals.name(sig) + " to container " + s.id() + " (pid " + s.pid() + "): "
                    + e.getMessage());
        } finally {
            host.close(fd);
        }
    }

    /** Waits up to {@code millis} (-1: for ever) for the init to exit; true once it has (or was not running). */
    public boolean awaitExit(ContainerState s, long millis) throws Failure {
        int fd = pidfd(s);
        if (fd < 0) return true;
        try {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            while (true) {
                long left = millis < 0 ? 1000 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                if (host.pollIn(fd, Math.min(left, 1000))) return true;
                if (millis >= 0 && System.nanoTime() >= deadline) return false;
            }
        } catch (SyscallException e) {
            throw new Failure("waiting for container " + s.id() + ": " + e.getMessage());
        } finally {
            host.close(fd);
        }
    }

    /**
     * The state once the service has recorded the exit (and cleaned up what it made for the
     * container): it does right after it reaps the init. Without a live service the exit code
     * stays unknown.
     */
    public ContainerState awaitRecorded(String name, long millis) throws Failure {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        ContainerState s = get(name);
        while (s.exitCode() == null && s.supervised() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            s = get(name);
        }
        return s;
    }

    /**
     * A SIGKILLed service leaves its socket: removed here once no service holds the lock (a live
     * one always does), by the commands that manage containers, so nothing of it stays.
     */
    public void reapStaleService() {
        Path socket = dir.serviceSocket();
        if (!Files.exists(socket)) return;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.root().resolve("service.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = ch.tryLock()) {
            if (lock != null) Files.deleteIfExists(socket);
        } catch (IOException | java.nio.channels.OverlappingFileLockException ignored) {
            // the service's own business, then
        }
    }

    /** Deletes the container's folder (its state, plan and log). */
    public void remove(String name) throws Failure {
        Path d = dir.container(name);
        try (var files = Files.list(d)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
            Files.deleteIfExists(d);
        } catch (NoSuchFileException gone) {
            // removed meanwhile
        } catch (IOException e) {
            throw new Failure("removing " + d + ": " + e.getMessage());
        }
    }
}
