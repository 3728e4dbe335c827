package dev.jrun.runner.supervise;

import dev.jrun.ExitCodes;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunnerException;
import dev.jrun.runner.child.ChildExecutor;
import dev.jrun.runner.child.ChildProgram;
import dev.jrun.runner.child.FaultInjection;
import dev.jrun.runner.child.ProgramBuilder;
import dev.jrun.runner.parent.ParentSteps;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.LibcSyscalls;
import dev.jrun.sys.Linux;
import dev.jrun.sys.Pty;
import dev.jrun.sys.SyscallException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a plan in the supervising process (docs/design.md has the stages and the sync protocol):
 * the private dir, then attempts — build and rehearse the child program, clone, the parent's
 * steps, SYNC_GO, the exec watchdog, then supervision until the container ends — and the retry
 * policy over them. Everything it starts is gone when it returns or throws: the child killed and
 * reaped, its fds closed, the private dir deleted.
 */
public final class Supervisor {
    /**
     * Attempts per run. A child found stuck in futex costs one more fork, so up to 10 (at the
     * stress bench's ~3 % stall rate under heavy GC churn, three in a row did happen once in 5,000);
     * a child that just makes no progress costs the whole stall timeout, so at most 3 of those.
     */
    static final int MAX_ATTEMPTS = 10;
    static final int MAX_TIMEOUTS = 3;

    /** What readies a child program before its fork; the real one rehearses it ({@code Rehearsal}). */
    public interface Preparation {
        void prepare(ChildProgram program);
    }

    /** What the supervisor prints for --debug-ish environment switches (RunOptions). */
    public record Debug(boolean program, boolean timing) {
        public static final Debug NONE = new Debug(false, false);
    }

    /**
     * This JVM's argv area, {start, length}, from /proc/self/stat (proc(5) fields 48 and 49): the
     * init, a copy of this JVM, overwrites it so that the container's /proc/1/cmdline does not
     * show jrun's command line.
     */
    private static final long[] ARG_AREA = argArea();

    private static long[] argArea() {
        dev.jrun.sys.ProcStat me = dev.jrun.sys.ProcStat.self();
        if (me == null || me.argEnd() <= me.argStart() || me.argEnd() - me.argStart() >= (1 << 20)) return new long[] {0, 0};
        return new long[] {me.argStart(), me.argEnd() - me.argStart()};
    }

    private final HostSyscalls host;
    private final Clock clock;
    private final long stallTimeoutMillis;
    private final Path tempBase;
    private final RunnerStats stats;
    private final SignalForwarder forwarder;
    private final FaultInjection faults;
    private final Preparation preparation;
    private final Debug debug;
    private final ExecWatchdog execWatchdog;
    private final InitWatchdog initWatchdog;

    public Supervisor(HostSyscalls host, Clock clock, long stallTimeoutMillis, Path tempBase, RunnerStats stats,
            SignalForwarder forwarder, FaultInjection faults, Preparation preparation, Debug debug) {
        this.host = host;
        this.clock = clock;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.tempBase = tempBase;
        this.stats = stats;
        this.forwarder = forwarder;
        this.faults = faults;
        this.preparation = preparation;
        this.debug = debug;
        this.execWatchdog = new ExecWatchdog(host, clock);
        this.initWatchdog = new InitWatchdog(host, clock);
    }

    /**
     * A detached container's side of the run: its stdin (/dev/null) and log, which the child dups
     * to 0-2, and who hears of its start (the service, which records the pid in state.json).
     */
    public record Detached(int stdinFd, int logFd, Started started) {}

    /** Told the container's pid once its process (or its static init) has exec'd. */
    @FunctionalInterface
    public interface Started {
        void started(int pid);
    }

    /** The process's exit status (128+N if signal N killed it). */
    public int run(Plan plan) throws RunnerException {
        return run(plan, null);
    }

    /** As {@link #run(Plan)}; {@code detached} non-null for a container the service supervises. */
    public int run(Plan plan, Detached detached) throws RunnerException {
        stats.run();
        Path dir = null;
        ParentSteps.Run steps = null;
        try {
            dir = privateDir(plan);
            steps = ParentSteps.beforeClone(host, plan);
            int stalls = 0;
            int timeouts = 0;
            for (int attempt = 1; attempt <= MAX_ATTEMPTS && timeouts < MAX_TIMEOUTS; attempt++) {
                Outcome o = attempt(plan, dir, steps, detached);
                if (o instanceof Outcome.Exited e) {
                    stats.stallsRecovered(stalls);
                    return e.code();
                }
                if (o instanceof Outcome.Recovered r) {
                    stats.stallsRecovered(stalls);
                    stats.initHangRecovered();
                    return r.code();
                }
                if (o instanceof Outcome.StatusLost) {
                    stats.unrecovered();
                    throw new RunnerException(plan, -1, "the container's init stopped responding after the process had"
                            + " exited, and the process's exit status is lost", 0, null);
                }
                stalls++;
                if (o instanceof Outcome.TimedOut) timeouts++;
                // A fork that caught a safepoint in progress: give the VM a moment to finish it.
                clock.sleepMillis(Math.min(20, 2L * attempt));
            }
            stats.unrecovered();
            throw new RunnerException(plan, -1, "the container's setup stalled before exec " + stalls
                    + " times (" + timeouts + " of them timed out after " + stallTimeoutMillis + " ms)", 0,
                    timeouts > 0 ? "raise JRUN_STALL_TIMEOUT_MS if the setup is legitimately slow" : null);
        } finally {
            if (steps != null) steps.close(); // the lease, the published ports
            PrivateDir.deleteTree(dir);
        }
    }

    /** The PrivateDir step, before the first clone; null when the plan has none. */
    private Path privateDir(Plan plan) throws RunnerException {
        for (int i = 0; i < plan.steps().size(); i++) {
            if (!(plan.steps().get(i) instanceof Step.PrivateDir d)) continue;
            Path base = tempBase != null ? tempBase : Path.of(System.getProperty("java.io.tmpdir"));
            try {
                return PrivateDir.create(base, d.owner());
            } catch (IOException | UnsupportedOperationException e) {
                throw new RunnerException(plan, i, "create a private directory in " + base + ": " + e.getMessage(), 0, null);
            }
        }
        return null;
    }

    /** One clone, and the container's life if it gets past exec. */
    private Outcome attempt(Plan plan, Path dir, ParentSteps.Run steps, Detached detached) throws RunnerException {
        SyncChannel sync = SyncChannel.open(host, plan);
        ParentSteps.Attempt made = new ParentSteps.Attempt();
        boolean withInit = supervise(plan).init();
        int pid = -1;
        int started = -1;
        ChildProgram program = null;
        TerminalRelay tty = null;
        try {
            Pty pty = wantsTerminal(plan) ? Pty.open() : null;
            if (pty != null) tty = new TerminalRelay(host, pty);
            FaultInjection.Where stall = faults.startAttempt();
            long t0 = System.nanoTime();
            program = ProgramBuilder.build(plan, new ProgramBuilder.Setup(sync.childSyncFd(), sync.childStatusFd(),
                    pty == null ? -1 : pty.slave, dir, stall, ProgramBuilder.statfs(plan, host), ARG_AREA[0], ARG_AREA[1],
                    steps.address(), detached == null ? -1 : detached.stdinFd(), detached == null ? -1 : detached.logFd(),
                    steps.joinPidfd(), steps.joinRootFd()));
            if (debug.program()) System.err.print(program);
            long t1 = System.nanoTime();
            if (debug.timing()) System.err.printf("jrun: timing: build the child program (%d ops) %.1f ms%n", program.size(), (t1 - t0) / 1e6);
            preparation.prepare(program);
            if (debug.timing()) System.err.printf("jrun: timing: rehearsal %.1f ms%n", (System.nanoTime() - t1) / 1e6);
            t1 = System.nanoTime();
            int[] own = enterJoined(plan, steps.joinedNamespaces());
            long r = host.clone(cloneFlags(plan));
            if (r == 0) {
                // In the child: never let a copy of the JVM return into jrun's code.
                try {
                    ChildExecutor.run(LibcSyscalls.INSTANCE, program);
                } catch (Throwable t) {
                    // nothing can be reported from here but the exit status
                }
                LibcSyscalls.INSTANCE.exitGroup(ExitCodes.FAILED);
            }
            leaveJoined(steps.joinedNamespaces(), own);
            sync.closeChildEnds();
            if (r < 0) throw cloneFailure(plan, (int) -r);
            pid = (int) r;
            started = pid;
            forwarder.add(pid, withInit);
            ParentSteps.afterClone(host, plan, pid, dir, steps, made);
            sync.go();
            ExecWatchdog.Result awaited = execWatchdog.await(sync.statusFd(), pid, stallTimeoutMillis);
            if (awaited != ExecWatchdog.Result.READY) {
                host.kill(pid, Linux.SIGKILL);
                reap(pid);
                pid = -1;
                return awaited == ExecWatchdog.Result.STUCK ? new Outcome.Stuck() : new Outcome.TimedOut();
            }
            SyncChannel.ExecFailed failed = sync.execStatus();
            if (failed != null) {
                reap(pid);
                pid = -1;
                throw new RunnerException(plan, program.stepOf(failed.op()), program.describe(failed.op()), failed.errno(), null);
            }
            if (debug.timing()) System.err.printf("jrun: timing: clone to exec %.1f ms%n", (System.nanoTime() - t1) / 1e6);
            faults.pastExec(stall);
            PrivateDir.deleteTree(dir); // nothing refers to it by path now: a SIGKILL of jrun can leave none
            if (tty != null) tty.start();
            if (detached != null) {
                steps.detachedStarted(pid);
                detached.started().started(pid);
            }
            Outcome o = withInit ? initWatchdog.supervise(pid) : new Outcome.Exited(ExitCodes.ofWaitStatus(host.waitFor(pid)));
            pid = -1; // reaped, by waitFor or by the watchdog
            return o;
        } catch (SyscallException e) {
            throw new RunnerException(plan, -1, e.what, e.errno, null);
        } finally {
            if (pid > 0) { // an exception between clone and wait: leave nothing behind
                host.kill(pid, Linux.SIGKILL);
                reap(pid);
            }
            if (started > 0) forwarder.remove(started);
            made.close(); // the child is gone: what was made for it (its veth, its slirp helper)
            if (tty != null) tty.close();
            sync.close();
            if (program != null) program.close();
        }
    }

    /**
     * JoinNamespaces: this thread setns(2)es into each joined namespace just for the clone, which
     * copies the thread's namespaces. Not a fresh thread, as NetNs uses: the child's death signal
     * belongs to the thread that cloned it, so the cloning thread must live as long as the child.
     * Returns fds of the thread's own namespaces, to come back to; null when nothing is joined.
     */
    private int[] enterJoined(Plan plan, List<int[]> joined) throws RunnerException {
        if (joined.isEmpty()) return null;
        int[] own = new int[joined.size()];
        java.util.Arrays.fill(own, -1);
        int i = 0;
        try {
            for (; i < joined.size(); i++) {
                int type = joined.get(i)[0];
                own[i] = host.open("/proc/thread-self/ns/" + namespaceOf(type).procName, Linux.O_RDONLY);
                host.setns(joined.get(i)[1], type);
            }
            return own;
        } catch (SyscallException e) {
            leaveJoined(joined.subList(0, i), own);
            if (own[i] >= 0) host.close(own[i]);
            int at = 0;
            while (at < plan.steps().size() && !(plan.steps().get(at) instanceof Step.JoinNamespaces)) at++;
            throw new RunnerException(plan, at < plan.steps().size() ? at : -1,
                    "setns into the " + namespaceOf(joined.get(i)[0]).specName() + " namespace", e.errno, null);
        }
    }

    /**
     * Back to the thread's own namespaces. Rootless, coming back to the host's may be refused
     * (EPERM: no CAP_SYS_ADMIN over the host's user namespace); the thread then stays where the
     * child is, which is harmless: it only supervises this one container, and a joined network is
     * mode none, so no later parent step of the run needs the host's.
     */
    private void leaveJoined(List<int[]> joined, int[] own) {
        if (own == null) return;
        for (int i = 0; i < joined.size(); i++) {
            if (own[i] < 0) continue;
            try {
                host.setns(own[i], joined.get(i)[0]);
            } catch (SyscallException ignored) {
                // see above
            }
            host.close(own[i]);
            own[i] = -1;
        }
    }

    private static Namespace namespaceOf(int cloneFlag) {
        for (Namespace n : Namespace.values()) if (n.cloneFlag == cloneFlag) return n;
        throw new IllegalArgumentException("not a namespace type: 0x" + Integer.toHexString(cloneFlag));
    }

    private void reap(int pid) {
        try {
            host.waitFor(pid);
        } catch (SyscallException ignored) {
            // ECHILD: already reaped
        }
    }

    private static Step.Supervise supervise(Plan plan) {
        for (Step s : plan.steps()) if (s instanceof Step.Supervise x) return x;
        throw new IllegalStateException("a plan without a supervise step");
    }

    private static long cloneFlags(Plan plan) {
        long flags = Linux.SIGCHLD;
        for (Step s : plan.steps()) {
            if (s instanceof Step.CreateNamespaces c) for (Namespace n : c.namespaces()) flags |= n.cloneFlag;
        }
        return flags;
    }

    private static RunnerException cloneFailure(Plan plan, int errno) {
        for (int i = 0; i < plan.steps().size(); i++) {
            if (plan.steps().get(i) instanceof Step.CreateNamespaces c) {
                StringBuilder names = new StringBuilder();
                for (Namespace n : c.namespaces()) names.append(names.length() == 0 ? "" : ", ").append(n.specName());
                return new RunnerException(plan, i, "clone with namespaces " + names, errno, null);
            }
        }
        return new RunnerException(plan, -1, "clone", errno, null);
    }

    /** A terminal for the process only when the spec asks for one and jrun has one to give. */
    private static boolean wantsTerminal(Plan plan) {
        for (Step s : plan.steps()) if (s instanceof Step.Exec e) return e.terminal() && Pty.isTerminal(0);
        return false;
    }
}
