package dev.jrun.runner;

import dev.jrun.ExitCodes;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Planner;
import dev.jrun.runner.child.FaultInjection;
import dev.jrun.runner.child.Rehearsal;
import dev.jrun.runner.supervise.Clock;
import dev.jrun.runner.supervise.RunnerStats;
import dev.jrun.runner.supervise.SignalForwarder;
import dev.jrun.runner.supervise.Supervisor;
import dev.jrun.sys.LinuxHost;

/**
 * Runs plans on this machine: the façade over {@code supervise/} (the supervising process),
 * {@code parent/} (its steps on the child's pid) and {@code child/} (the program the forked child
 * runs). docs/design.md has the stages, the sync protocol and the numbers behind them.
 */
public final class Runner {
    private final RunOptions options;
    private final RunnerStats stats;
    private final Supervisor supervisor;

    public Runner(RunOptions options) {
        this(options, new RunnerStats(), FaultInjection.NONE);
    }

    /** With shared counters (the stress bench) and, in tests only, injected faults. */
    public Runner(RunOptions options, RunnerStats stats, FaultInjection faults) {
        this(options, stats, faults, SignalForwarder.process(), true);
    }

    private final boolean foreground;

    private Runner(RunOptions options, RunnerStats stats, FaultInjection faults, SignalForwarder forwarder, boolean foreground) {
        this.options = options;
        this.stats = stats;
        this.foreground = foreground;
        this.supervisor = new Supervisor(LinuxHost.INSTANCE, Clock.SYSTEM, options.stallTimeoutMillis(), options.tempBase(),
                stats, forwarder, faults, Rehearsal::rehearse,
                new Supervisor.Debug(options.debugProgram(), options.debugTiming()));
    }

    /**
     * The service's runner: its containers are nobody's foreground, so no signal jrun's service
     * receives is passed to them (a SIGTERM to the service ends the service, not the containers).
     */
    public static Runner forService(RunOptions options) {
        return new Runner(options, new RunnerStats(), FaultInjection.NONE, SignalForwarder.unconnected(), false);
    }

    /** Runs a detached plan until its container ends: the exit status. */
    public int runDetached(Plan plan, Supervisor.Detached detached) throws RunnerException {
        Rehearsal.warmUp();
        return supervisor.run(plan, detached);
    }

    /**
     * Starts loading JNA and warming the child's path on a background thread, so that it overlaps
     * whatever the caller does next (reading and checking the spec): JNA's load is the largest
     * piece of a cold run (docs/design.md). {@link #execute} waits for it.
     */
    public static void preloadAsync() {
        // A class, not a lambda: a lambda the AOT cache did not record is spun at run time (ms).
        Thread t = new Thread(new Preload(), "jrun-preload");
        t.setDaemon(true);
        t.start();
    }

    private static final class Preload implements Runnable {
        @Override
        public void run() {
            prepareJvm(false);
        }
    }

    /** JNA loaded, the syscall methods warmed, the signal handlers in place: once per JVM. */
    private static void prepareJvm(boolean timing) {
        long t = System.nanoTime();
        Rehearsal.warmUp();
        long warmed = System.nanoTime();
        SignalForwarder.installHandlers(Planner.FORWARDED_SIGNALS);
        if (timing) {
            System.err.printf("jrun: timing: prepare JVM: JNA and warm-up %.1f ms, signal handlers %.1f ms%n",
                    (warmed - t) / 1e6, (System.nanoTime() - warmed) / 1e6);
        }
    }

    public RunnerStats stats() {
        return stats;
    }

    /**
     * Runs the plan and returns the process's exit status, or 125 after printing one line to
     * stderr when jrun itself failed.
     */
    public int run(Plan plan) {
        try {
            return execute(plan);
        } catch (RunnerException e) {
            System.err.println("jrun: " + e.getMessage());
            return ExitCodes.FAILED;
        } finally {
            if (options.debugStats()) System.err.println("jrun: stats: " + stats.snapshot());
        }
    }

    /** Runs the plan: the process's exit status, 128+N if signal N killed it. */
    public int execute(Plan plan) throws RunnerException {
        prepareJvm(options.debugTiming());
        return supervisor.run(plan);
    }
}
