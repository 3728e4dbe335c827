package dev.jrun.runner.supervise;

import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.SyscallException;

/**
 * Waits for the child's EXEC_OK/EXEC_FAILED. A forked JVM copy can block for good on a safepoint
 * or lock begun at the instant of the fork (docs/design.md): the child program never calls
 * futex(2), so a child (or its init's first child) found asleep in futex is stuck and given up at
 * once; one that makes no progress at all is given up after the stall timeout.
 */
final class ExecWatchdog {
    enum Result { READY, STUCK, TIMED_OUT }

    /** The first look comes soon (most children exec within milliseconds); then every 20 ms. */
    static final long FIRST_SLICE_MS = 5;
    static final long SLICE_MS = 20;

    private final HostSyscalls host;
    private final Clock clock;

    ExecWatchdog(HostSyscalls host, Clock clock) {
        this.host = host;
        this.clock = clock;
    }

    Result await(int statusFd, int pid, long timeoutMillis) throws SyscallException {
        long deadline = clock.nanoTime() + timeoutMillis * 1_000_000L;
        long slice = FIRST_SLICE_MS;
        while (true) {
            long left = (deadline - clock.nanoTime()) / 1_000_000L;
            if (left <= 0) return Result.TIMED_OUT;
            if (host.pollIn(statusFd, Math.min(left, slice))) return Result.READY;
            if (stuckInFutex(pid)) return Result.STUCK;
            slice = SLICE_MS;
        }
    }

    /** {@code pid} or one of its children (the init's process, past FORK_PROCESS) asleep in futex. */
    private boolean stuckInFutex(int pid) {
        if (host.inFutex(pid)) return true;
        for (int c : host.children(pid)) {
            if (host.inFutex(c)) return true;
        }
        return false;
    }
}
