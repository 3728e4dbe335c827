package dev.jrun;

/**
 * jrun's exit codes, the one place they are defined (README, "Exit codes"). A container run
 * otherwise exits with the process's own status, 128+N when signal N killed it.
 */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** lint: findings; plan: the spec has errors. */
    public static final int FINDINGS = 1;
    /** A usage error, or a file that could not be read. */
    public static final int USAGE = 2;
    /** jrun failed before the process ran (bad spec, a setup step failed), as docker and podman use it. */
    public static final int FAILED = 125;
    /** jrun service: another service of this user holds the lock (it serves; the client waits for it). */
    public static final int SERVICE_RUNNING = 3;

    /** A wait status as a shell reports it: the exit code, or 128+N for death by signal N. */
    public static int ofWaitStatus(int status) {
        int sig = status & 0x7f;
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig;
    }
}
