package dev.jrun.runner.child;

import dev.jrun.sys.NativeArena;

/**
 * What the forked child executes: a flat list of operations with pre-encoded arguments (addresses
 * into one {@link NativeArena}), built by {@link ProgramBuilder} in the parent. Arrays only, so
 * that {@link ChildExecutor} can walk it without allocating.
 */
public final class ChildProgram implements AutoCloseable {
    public static final int ARGS = 6;

    // Opcodes. Each names the syscall it makes; the few composite ones say what they loop over.
    static final int CLOSE_RANGE = 1;
    static final int PRCTL = 2;
    /** Wait for the parent's SYNC_GO byte; EOF means the parent gave up: exit quietly. */
    static final int READ_SYNC = 3;
    static final int CLOSE = 4;
    static final int MOUNT = 5;
    static final int UMOUNT2 = 6;
    /** mkdirat(a2, a0, a1); an existing directory is fine. */
    static final int MKDIR = 7;
    /** openat(a2, a0, O_CREAT|a3) + close: an empty file as a mount point. */
    static final int CREAT = 8;
    /** symlinkat(a0, a2, a1). */
    static final int SYMLINK = 9;
    static final int PIVOT_ROOT = 10;
    static final int CHROOT = 11;
    static final int CHDIR = 12;
    static final int SETHOSTNAME = 13;
    static final int SETDOMAINNAME = 14;
    /** socket(2) into register a3. */
    static final int SOCKET = 15;
    /** ioctl(2) on the fd in register a0. */
    static final int IOCTL_REG = 16;
    static final int CLOSE_REG = 17;
    /** PR_CAPBSET_DROP for every capability 0..a2 not in the 64-bit keep mask a0. */
    static final int CAPBSET_DROP = 18;
    static final int CAPSET = 19;
    static final int SETGROUPS = 20;
    static final int SETRESGID = 21;
    static final int SETRESUID = 22;
    static final int SIGPROCMASK = 23;
    /** rt_sigaction(SIG_DFL) for every signal 1..64 (KILL/STOP refuse; ignored). */
    static final int RESET_SIGNALS = 25;
    static final int SETSID = 26;
    static final int IOCTL = 27;
    static final int DUP3 = 28;
    /** clone(exit signal a0): the child goes on; the parent (init) jumps to op a1. */
    static final int FORK_PROCESS = 29;
    /** execve(2) of one PATH candidate; a3 = 1 when more candidates follow (execvp's rules). */
    static final int EXECVE = 30;
    /**
     * PID 1's loop: sigwaitinfo, forward, collect the process's status and exit with it. a2, a3:
     * fault injection, a futex word to block on and when ({@link #STALL_AT_EXIT},
     * {@link #STALL_ON_SIGNAL}; 0 = never).
     */
    static final int INIT_LOOP = 31;
    static final int STALL_AT_EXIT = 1;
    static final int STALL_ON_SIGNAL = 2;
    /** Blocks forever in rt_sigtimedwait on an empty set: fault injection for the watchdog's tests. */
    static final int STALL = 32;
    /** Blocks forever in futex(2), as a JVM copy stuck on a lock does: fault injection. */
    static final int STALL_FUTEX = 33;
    /** openat2(a0, a1, how a2) and dup3 of the result to fd a3 (a fixed number the program's later ops name). */
    static final int OPENAT2_TO = 34;
    /** mount_setattr(a0, a1, a2, attr a3). */
    static final int MOUNT_SETATTR = 35;
    /** Mask path a0: bind a1 (/dev/null) over it, or mount a2 (tmpfs) read-only with data a3 on a directory; skip it when absent. */
    static final int MASK_PATH = 36;
    /** Bind path a0 onto itself and make it read-only: mount_setattr with attr a1 (recursive), or a remount keeping the flags statfs (buf a2) reports. */
    static final int READONLY_PATH = 37;
    /** seccomp(SECCOMP_SET_MODE_FILTER) of a1 instructions at a0, through struct sock_fprog a2 filled in here. */
    static final int LOAD_SECCOMP = 38;
    static final int UMASK = 39;
    /** Zero a1 bytes at a0 (raw address), then copy a3 bytes from a2 there: the init's command line. */
    static final int OVERWRITE = 40;
    /**
     * Whether a0 would exec (execvp's rules: X_OK and not a directory); a1 = 1 if more candidates
     * follow, a2 = the op after the last one, where a success jumps.
     */
    static final int CHECK_EXEC = 41;
    /** setns(a0 fd, a1 nstype) */
    static final int SETNS = 42;
    /** fchdir(a0) */
    static final int FCHDIR = 43;

    final int[] op;
    final long[] args;
    /** The plan step (0-based) each op came from, -1 for the runner's own ops. */
    final int[] step;
    /** What each op does, in words, for error messages: "mount tmpfs on /dev/shm". */
    final String[] what;
    final int count;
    /** Child fds and buffers used by the executor itself. */
    final int statusFd;
    final long statusBuf;
    final NativeArena arena;

    ChildProgram(int[] op, long[] args, int[] step, String[] what, int count, int statusFd, long statusBuf,
            NativeArena arena) {
        this.op = op;
        this.args = args;
        this.step = step;
        this.what = what;
        this.count = count;
        this.statusFd = statusFd;
        this.statusBuf = statusBuf;
        this.arena = arena;
    }

    public int size() {
        return count;
    }

    public int opcode(int i) {
        return op[i];
    }

    public int stepOf(int i) {
        return step[i];
    }

    public String describe(int i) {
        return what[i];
    }

    /** One line an op: index, step, description, raw arguments (for debugging and tests). */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(i).append(" [step ").append(step[i] + 1).append("] op ").append(op[i]).append(' ').append(what[i]);
            for (int k = 0; k < ARGS; k++) b.append(' ').append(Long.toHexString(args[i * ARGS + k]));
            b.append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        arena.close();
    }
}
