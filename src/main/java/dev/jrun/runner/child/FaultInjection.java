package dev.jrun.runner.child;

/**
 * Test-only fault injection for the watchdogs, in one object the runner is given (never built
 * from a spec or the environment): the next {@code attempts} attempts stall at {@code where}.
 * A stall before exec is used up by the attempt that meets it; one in the init only by an attempt
 * that got past exec, so that a real stall before exec (docs/design.md) cannot swallow it.
 */
public final class FaultInjection {
    /** Where the child (or its init) blocks forever. */
    public enum Where {
        /** the setup child makes no progress (rt_sigtimedwait): the stall timeout catches it */
        BEFORE_EXEC,
        /** the setup child blocks in futex, as a stuck JVM copy does: caught at once */
        BEFORE_EXEC_FUTEX,
        /** the init blocks before its loop */
        INIT,
        /** the init blocks in futex on the first signal it is to forward, so signals must bypass it */
        INIT_ON_SIGNAL,
        /** the init blocks in futex once it has seen the process exit */
        INIT_AT_EXIT;

        boolean inInit() {
            return this == INIT || this == INIT_ON_SIGNAL || this == INIT_AT_EXIT;
        }
    }

    /** No faults: what every real run gets. */
    public static final FaultInjection NONE = new FaultInjection(null, 0);

    private final Where where;
    private int left;

    private FaultInjection(Where where, int attempts) {
        this.where = where;
        this.left = attempts;
    }

    public static FaultInjection stall(Where where, int attempts) {
        return new FaultInjection(where, attempts);
    }

    /** Where this attempt stalls, or null; a stall before exec is used up here. */
    public synchronized Where startAttempt() {
        if (left <= 0) return null;
        if (!where.inInit()) left--;
        return where;
    }

    /** The attempt got past exec: a stall in its init is used up now. */
    public synchronized void pastExec(Where stalled) {
        if (stalled != null && stalled.inInit()) left--;
    }
}
