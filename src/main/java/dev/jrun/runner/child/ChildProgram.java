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
    /** mkdirat(2); an existing directory is fine. */
    static final int MKDIR = 7;
    /** openat(O_CREAT) + close: an empty file as a mount point. */
    static final int CREAT = 8;
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
