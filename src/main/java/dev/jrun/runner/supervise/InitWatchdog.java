package dev.jrun.runner.supervise;

import dev.jrun.ExitCodes;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.Linux;
import dev.jrun.sys.ProcStat;
import dev.jrun.sys.SyscallException;

/**
 * Waits for a container whose PID 1 is jrun's init, a JVM copy that keeps running Java after exec
 * and so, in theory, can still block (docs/design.md). The process is the init's first child; the
 * init only peeks at its exit (it stays a zombie until PID 1 exits). If it has been a zombie for a
 * second while the init neither exited nor reaped it, the init is stuck: the status is read from
 * the zombie's /proc/PID/stat and the init killed.
 */
final class InitWatchdog {
    static final long POLL_MS = 250;
    /** How long a zombie process (or an init in futex with no process) means a stuck init. */
    static final long STUCK_AFTER_NS = 1_000_000_000L;

    private final HostSyscalls host;
    private final Clock clock;

    InitWatchdog(HostSyscalls host, Clock clock) {
        this.host = host;
        this.clock = clock;
    }

    Outcome supervise(int init) throws SyscallException {
        int[] kids = host.children(init);
        int process = kids.length == 0 ? -1 : kids[0];
        ProcStat first = process > 0 ? host.stat(process) : null;
        int pidfd;
        try {
            pidfd = host.pidfdOpen(init);
        } catch (SyscallException e) {
            return exited(init); // pidfd_open is Linux 5.3+: wait plainly
        }
        try {
            long zombieSince = 0;
            long stuckSince = 0;
            while (true) {
                if (host.pollIn(pidfd, POLL_MS)) return exited(init);
                if (first == null) {
                    // Not expected: the init never reaps the process (ChildExecutor.initLoop). But
                    // should the process be gone and the init blocked, jrun must not wait forever.
                    if (!host.inFutex(init)) {
                        stuckSince = 0;
                    } else if (stuckSince == 0) {
                        stuckSince = clock.nanoTime();
                    } else if (clock.nanoTime() - stuckSince > STUCK_AFTER_NS) {
                        kill(init);
                        return new Outcome.StatusLost();
                    }
                    continue;
                }
                ProcStat now = host.stat(process);
                if (now == null || now.startTime() != first.startTime()) { // reaped (a later pid is another process)
                    first = null;
                    continue;
                }
                if (!now.zombie()) continue;
                if (zombieSince == 0) {
                    zombieSince = clock.nanoTime();
                } else if (clock.nanoTime() - zombieSince > STUCK_AFTER_NS) {
                    kill(init);
                    return new Outcome.Recovered(ExitCodes.ofWaitStatus(now.exitCode()));
                }
            }
        } finally {
            host.close(pidfd);
        }
    }

    private Outcome exited(int pid) throws SyscallException {
        return new Outcome.Exited(ExitCodes.ofWaitStatus(host.waitFor(pid)));
    }

    private void kill(int init) throws SyscallException {
        host.kill(init, Linux.SIGKILL); // takes the pid namespace, and the zombie, with it
        host.waitFor(init);
    }
}
