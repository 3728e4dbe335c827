package dev.jrun.runner.child;

import dev.jrun.sys.LibcSyscalls;

/**
 * Readies this JVM for forking children (docs/design.md, "Why the child cannot hang unnoticed"):
 * every syscall method called often enough to have its counters and links, and each child
 * program walked over the dry {@link LibcSyscalls} before it is forked, so that the copy never
 * needs the JIT, metaspace or a lock another thread held.
 */
public final class Rehearsal {
    /**
     * First-run walks of the program (x4: both fork sides, both variants); one per run after. What
     * matters is how often each method and call site runs (its counters, its compilation), so a
     * longer program needs fewer walks: about {@link #FIRST_OPS} ops in all, between 3 and 10
     * walks. That is what 10 walks of the 72-op programs before the containment work came to,
     * which bench/stress.sh measured as safe; a hardened program has ~170 ops, whose 10 walks
     * cost ~3 ms more of a cold run.
     */
    static final int FIRST_TIMES = 10;
    static final int MIN_FIRST_TIMES = 3;
    static final int FIRST_OPS = 720;
    /** First-run calls of every syscall method (counters and links; see LibcSyscalls.warmUp). */
    static final int WARM_UPS = 50;

    /**
     * Whether this JVM has rehearsed before: the linkage and compiled code a rehearsal leaves are
     * the whole JVM's, so this is a fact about the process, not about a runner.
     */
    private static volatile boolean warm;
    private static volatile boolean warmedUp;

    private Rehearsal() {}

    /** Loads JNA, binds the native and calls every syscall method; once per JVM, on any thread. */
    public static synchronized void warmUp() {
        if (warmedUp) return;
        LibcSyscalls.warmUp(1); // loads JNA and binds the native: the first call pays for both
        LibcSyscalls.warmUp(WARM_UPS);
        warmedUp = true;
    }

    static int firstTimes(int ops) {
        return Math.max(MIN_FIRST_TIMES, Math.min(FIRST_TIMES, FIRST_OPS / Math.max(1, ops)));
    }

    /** Walks {@code program} as the child will, then readies this thread's JNA error slot: right before a clone. */
    public static void rehearse(ChildProgram program) {
        ChildExecutor.rehearse(program, warm ? 1 : firstTimes(program.size()));
        warm = true;
        LibcSyscalls.warmUp(1); // this thread's JNA error slot and wrappers, now, not in the child
    }
}
