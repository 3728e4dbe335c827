package dev.jrun.runner.supervise;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters over a runner's runs (the stress bench reads them; JRUN_DEBUG_STATS=1 prints them).
 * Thread-safe: runners on several threads may share one.
 */
public final class RunnerStats {
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong stallsRecovered = new AtomicLong();
    private final AtomicLong stallsUnrecovered = new AtomicLong();
    private final AtomicLong initHangsRecovered = new AtomicLong();

    /**
     * @param stallsRecovered children that stalled before exec, killed and retried
     * @param stallsUnrecovered runs that stalled on every attempt (failed with 125), or lost the status
     * @param initHangsRecovered inits found stuck after exec, killed, status recovered
     */
    public record Snapshot(long runs, long stallsRecovered, long stallsUnrecovered, long initHangsRecovered) {
        @Override
        public String toString() {
            return "runs=" + runs + " stalls_recovered=" + stallsRecovered + " stalls_unrecovered=" + stallsUnrecovered
                    + " init_hangs_recovered=" + initHangsRecovered;
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(runs.get(), stallsRecovered.get(), stallsUnrecovered.get(), initHangsRecovered.get());
    }

    void run() {
        runs.incrementAndGet();
    }

    void stallsRecovered(int n) {
        stallsRecovered.addAndGet(n);
    }

    void unrecovered() {
        stallsUnrecovered.incrementAndGet();
    }

    void initHangRecovered() {
        initHangsRecovered.incrementAndGet();
    }
}
