package dev.jrun.runner;

import dev.jrun.host.HostInfo;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Planner;
import dev.jrun.runner.child.FaultInjection;
import dev.jrun.runner.supervise.RunnerStats;
import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Entry point of bench/stress.sh (test code: not in the shipped jar): many containers from one JVM
 * while another thread churns garbage (so that GCs and safepoints keep starting while children are
 * forked).
 *
 * <pre>java -cp target/test-classes:target/jrun.jar dev.jrun.runner.StressMain SPEC RUNS_PER_THREAD THREADS CHURN_THREADS</pre>
 *
 * Prints one line of counters; exits 0 only if no run failed, no hang went unrecovered, and the
 * mount table and this JVM's children are the same after as before.
 */
public final class StressMain {
    private StressMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: StressMain SPEC RUNS_PER_THREAD THREADS CHURN_THREADS");
            System.exit(2);
        }
        Path specFile = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int churners = Integer.parseInt(args[3]);
        SpecLoader.Result loaded = SpecLoader.load(specFile);
        if (loaded.spec() == null || loaded.diagnostics().stream().anyMatch(Diagnostic::isError)) {
            loaded.diagnostics().forEach(System.err::println);
            System.exit(2);
        }
        Plan plan = Planner.compile(loaded.spec(), p -> loaded.tree().locate(p), HostInfo.current());

        List<String> mountsBefore = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        List<String> childrenBefore = children();
        RunnerStats shared = new RunnerStats();
        RunnerStats.Snapshot statsBefore = shared.snapshot();
        RunOptions options = RunOptions.fromEnvironment(System.getenv());

        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        volatile_stop = false;
        List<Thread> churn = new ArrayList<>();
        for (int i = 0; i < churners; i++) churn.add(startChurn());

        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                Runner runner = new Runner(options, shared, FaultInjection.NONE);
                for (int i = 0; i < runs; i++) {
                    try {
                        int status = runner.execute(plan);
                        if (status != 0) fail(failures, firstFailure, "exit status " + status);
                    } catch (RunnerException e) {
                        fail(failures, firstFailure, e.getMessage());
                    }
                }
            }, "stress-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) w.join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        volatile_stop = true;
        for (Thread c : churn) c.join();

        RunnerStats.Snapshot s = shared.snapshot();
        List<String> mountsAfter = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        List<String> childrenAfter = children();
        long total = (long) runs * threads;
        System.out.printf("runs=%d threads=%d churn=%d hangs_recovered=%d (init_after_exec=%d) hangs_unrecovered=%d failures=%d "
                        + "mounts_before=%d mounts_after=%d children_before=%d children_after=%d wall_s=%.2f wall_ms_per_run=%.2f%n",
                total, threads, churners, s.stallsRecovered() - statsBefore.stallsRecovered()
                        + s.initHangsRecovered() - statsBefore.initHangsRecovered(),
                s.initHangsRecovered() - statsBefore.initHangsRecovered(),
                s.stallsUnrecovered() - statsBefore.stallsUnrecovered(), failures.get(), mountsBefore.size(),
                mountsAfter.size(), childrenBefore.size(), childrenAfter.size(), seconds, seconds * 1000 / total);
        if (firstFailure.get() != null) System.out.println("first failure: " + firstFailure.get());
        boolean ok = failures.get() == 0 && s.stallsUnrecovered() == statsBefore.stallsUnrecovered()
                && mountsBefore.equals(mountsAfter) && childrenBefore.equals(childrenAfter);
        System.exit(ok ? 0 : 1);
    }

    private static volatile boolean volatile_stop;

    private static void fail(AtomicLong failures, AtomicReference<String> first, String why) {
        failures.incrementAndGet();
        first.compareAndSet(null, why);
    }

    /** Allocates and drops objects as fast as it can, with a live set that keeps old-gen GCs coming. */
    private static Thread startChurn() {
        Thread t = new Thread(() -> {
            Object[] keep = new Object[4096];
            long n = 0;
            while (!volatile_stop) {
                keep[(int) (n++ & 4095)] = new byte[64 + (int) (n % 4096)];
                if ((n & 0xfffff) == 0) keep = new Object[4096];
            }
        }, "churn");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** This JVM's live child processes (a leaked container would show up here). */
    private static List<String> children() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String c : Files.readString(t.resolve("children")).trim().split(" ")) if (!c.isEmpty()) out.add(c);
                } catch (IOException gone) {
                    // thread ended
                }
            }
        }
        return out;
    }
}
