package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jrun.plan.Plan;
import dev.jrun.runner.child.FaultInjection;
import dev.jrun.runner.supervise.RunnerStats;
import dev.jrun.runner.supervise.SignalForwarder;
import dev.jrun.sys.LinuxHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner inside this JVM (as the stress bench uses it): watchdog, retries, no leaks. Root only. */
@Tag("container")
class RunnerTest {
    @TempDir Path tmp;
    Path rootfs;
    List<String> mountsBefore;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Jrun.isRoot(), "needs root (rootless runs are covered through the CLI in ContainerTest)");
        rootfs = Path.of(System.getProperty("jrun.repo", "."), "build/rootfs");
        assumeTrue(Files.isExecutable(rootfs.resolve("bin/busybox")), "no test rootfs: run make rootfs");
        mountsBefore = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        // This JVM also ran the child loop over a recording fake (ChildProgramTest): one real run
        // first lets the parent's rehearsal settle the call sites on the real class again.
        runner(2000, FaultInjection.NONE).execute(plan("true"));
    }

    private Runner runner(long stallTimeoutMillis, FaultInjection faults) {
        return new Runner(RunOptions.defaults().withStallTimeout(stallTimeoutMillis).withTempBase(tmp), new RunnerStats(), faults);
    }

    private static RunnerStats.Snapshot stats(Runner r) {
        return r.stats().snapshot();
    }

    private static int firstChild(int pid) {
        int[] c = LinuxHost.INSTANCE.children(pid);
        return c.length == 0 ? -1 : c[0];
    }

    @AfterEach
    void nothingLeft() throws Exception {
        if (mountsBefore == null) return;
        assertEquals(mountsBefore, Files.readAllLines(Path.of("/proc/self/mountinfo")));
        assertEquals(List.of(), children(), "a container child outlived its run");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "temp dirs left behind");
        }
        assertTrue(SignalForwarder.process().active().isEmpty());
    }

    private static List<String> children() throws Exception {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.flatMap(t -> {
                try {
                    return Stream.of(Files.readString(t.resolve("children")).trim().split(" "));
                } catch (Exception e) {
                    return Stream.empty();
                }
            }).filter(x -> !x.isEmpty()).toList();
        }
    }

    private static List<String> openFds() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + " -> " + Files.readSymbolicLink(p);
                } catch (Exception e) {
                    return p.getFileName() + " (closed meanwhile: the listing's own fd)";
                }
            }).filter(x -> !x.contains("closed meanwhile")).sorted().toList();
        }
    }

    private Plan plan(String script) throws Exception {
        return new TestSpecs(rootfs).sh(script).plan();
    }

    @Test
    void aStalledChildIsKilledAndTheRunRetried() throws Exception {
        Runner r = runner(1000, FaultInjection.stall(FaultInjection.Where.BEFORE_EXEC, 2));
        int status = r.execute(plan("exit 42"));
        assertEquals(42, status, "the third attempt ran the process");
        assertEquals(2, stats(r).stallsRecovered());
    }

    /**
     * More stalls are injected than the three timeouts a run allows: a real stall (a fork that
     * caught a safepoint, killed at once, not timed out) may take one attempt's place, and must
     * not let an attempt through.
     */
    @Test
    void threeTimedOutStallsAreOneFailureWithNothingLeft() throws Exception {
        Runner r = runner(1000, FaultInjection.stall(FaultInjection.Where.BEFORE_EXEC, 10));
        RunnerException e = assertThrows(RunnerException.class, () -> r.execute(plan("true")));
        assertTrue(e.getMessage().matches("(?s).*stalled before exec ([3-9]|10) times \\(3 of them timed out after 1000 ms\\).*"),
                e.getMessage());
        assertEquals(1, stats(r).stallsUnrecovered());
        assertEquals(0, stats(r).stallsRecovered());
    }

    @Test
    void aStuckInitIsKilledAndTheProcesssStatusRecovered() throws Exception {
        assertInitHangRecovered(FaultInjection.Where.INIT);
    }

    @Test
    void anInitStuckAfterTheProcessExitedStillYieldsItsStatus() throws Exception {
        // Found by bench/stress.sh: an init that reaped the process and then blocked (a safepoint
        // begun at the fork) took the status with it and hung the run. It now only peeks.
        assertInitHangRecovered(FaultInjection.Where.INIT_AT_EXIT);
    }

    /** The init blocks at {@code where}; `exit 42` must still come back, within seconds. */
    private void assertInitHangRecovered(FaultInjection.Where where) {
        Runner r = runner(2000, FaultInjection.stall(where, 1));
        long t0 = System.nanoTime();
        int status = assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> r.execute(plan("exit 42")));
        assertEquals(42, status, "the status read from the process's zombie");
        assertEquals(1, stats(r).initHangsRecovered());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "recovered within seconds");
    }

    @Test
    void aChildStuckInFutexIsRetriedWithoutWaitingForTheTimeout() throws Exception {
        Runner r = runner(5000, FaultInjection.stall(FaultInjection.Where.BEFORE_EXEC_FUTEX, 2));
        long t0 = System.nanoTime();
        int status = r.execute(plan("exit 5"));
        assertEquals(5, status);
        // at least the two injected ones: a real stall (docs/design.md) may come on top
        long recovered = stats(r).stallsRecovered();
        assertTrue(recovered >= 2, "recovered " + recovered);
        assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "futex is seen at once, not after the 5 s stall timeout");
    }

    @Test
    void signalsReachTheProcessPastABlockedInit() throws Exception {
        Runner runner = runner(2000, FaultInjection.stall(FaultInjection.Where.INIT_ON_SIGNAL, 1));
        SignalForwarder forwarder = SignalForwarder.process();
        java.util.concurrent.CompletableFuture<Integer> status = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                status.complete(runner.execute(plan("trap '' USR1; trap 'exit 7' TERM; while :; do sleep 0.1; done")));
            } catch (Throwable e) {
                status.completeExceptionally(e);
            }
        });
        t.start();
        int init = -1;
        for (long end = System.nanoTime() + 10_000_000_000L; init < 0 && System.nanoTime() < end; Thread.sleep(20)) {
            for (int pid : forwarder.active()) {
                int p = firstChild(pid);
                if (p > 0 && catchesSigterm(p)) init = pid;
            }
        }
        assertTrue(init > 0, () -> "the process never set its trap: " + describe(forwarder.active()));
        // SIGUSR1 first (the process ignores it): the init takes it and blocks (the injected fault)
        forwarder.forward(dev.jrun.sys.Linux.SIGUSR1);
        for (long end = System.nanoTime() + 10_000_000_000L; !LinuxHost.INSTANCE.inFutex(init) && System.nanoTime() < end; ) {
            Thread.sleep(10);
        }
        assertTrue(LinuxHost.INSTANCE.inFutex(init), () -> "the init did not block: " + describe(forwarder.active()));
        forwarder.forward(dev.jrun.sys.Linux.SIGTERM); // what jrun's SIGTERM handler does
        assertEquals(7, status.get(20, java.util.concurrent.TimeUnit.SECONDS), "the trap ran");
        assertEquals(1, stats(runner).initHangsRecovered(), "init " + init);
        t.join();
    }

    private static String describe(java.util.Set<Integer> pids) {
        StringBuilder b = new StringBuilder();
        for (int pid : pids) {
            b.append("\n").append(pid).append(": ");
            for (String f : List.of("syscall", "task/" + pid + "/children", "stat")) {
                try {
                    b.append(f).append("=").append(Files.readString(Path.of("/proc/" + pid + "/" + f)).trim()).append("; ");
                } catch (Exception e) {
                    b.append(f).append(" unreadable; ");
                }
            }
        }
        return b.toString();
    }

    private static boolean catchesSigterm(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("SigCgt:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 14)) != 0;
            }
        } catch (Exception gone) {
            // not yet, or already gone
        }
        return false;
    }

    @Test
    void aLiveInitIsNotMistakenForAStuckOne() throws Exception {
        Runner r = runner(2000, FaultInjection.NONE);
        assertEquals(3, r.execute(plan("sleep 1.5; exit 3")));
        assertEquals(0, stats(r).initHangsRecovered());
    }

    @Test
    void manyRunsLeakNoFileDescriptors() throws Exception {
        Runner runner = runner(2000, FaultInjection.NONE);
        runner.execute(plan("true")); // first run: warm-up allocations (JNA, class loading)
        List<String> fds = openFds();
        for (int i = 0; i < 30; i++) assertEquals(i % 3, runner.execute(plan("exit " + (i % 3))));
        assertEquals(fds, openFds(), "fds leaked out of runs");
    }

    @Test
    void aFailureBeforeExecLeavesNothing() throws Exception {
        TestSpecs t = new TestSpecs(rootfs);
        t.cwd = "/nonexistent";
        RunnerException e = assertThrows(RunnerException.class, () -> runner(2000, FaultInjection.NONE).execute(t.plan()));
        assertEquals(dev.jrun.sys.Errno.ENOENT, e.errno);
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.step > 0);
    }
}
