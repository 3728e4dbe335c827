package dev.jrun.sys;

import static dev.jrun.sys.Linux.NR;
import static dev.jrun.sys.LibcSyscalls.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * Syscalls the parent makes around a container (pipes, polling, waiting, signals, statfs). The
 * parent is an ordinary JVM thread, so these may allocate and throw {@link SyscallException}.
 */
public final class Kernel {
    private Kernel() {}

    /** A failed syscall: what was attempted and the errno. */
    public static final class SyscallException extends Exception {
        public final int errno;

        public SyscallException(String what, int errno) {
            super(what + ": " + Errno.describe(errno), null, false, false);
            this.errno = errno;
        }
    }

    private static long check(long r, String what) throws SyscallException {
        if (r < 0) throw new SyscallException(what, (int) -r);
        return r;
    }

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    public static int[] pipe() throws SyscallException {
        try (Memory m = new Memory(8)) {
            check(sys(NR.pipe2(), Pointer.nativeValue(m), Linux.O_CLOEXEC, 0, 0, 0, 0), "pipe2");
            return new int[] {m.getInt(0), m.getInt(4)};
        }
    }

    public static void close(int fd) {
        if (fd >= 0) sys(NR.close(), fd, 0, 0, 0, 0, 0);
    }

    public static long write(int fd, byte[] data) throws SyscallException {
        try (Memory m = new Memory(Math.max(1, data.length))) {
            m.write(0, data, 0, data.length);
            long r;
            do {
                r = sys(NR.write(), fd, Pointer.nativeValue(m), data.length, 0, 0, 0);
            } while (r == -Errno.EINTR);
            return check(r, "write");
        }
    }

    /** read(2) into a fresh array; an empty array at EOF. */
    public static byte[] read(int fd, int max) throws SyscallException {
        try (Memory m = new Memory(max)) {
            long r;
            do {
                r = sys(NR.read(), fd, Pointer.nativeValue(m), max, 0, 0, 0);
            } while (r == -Errno.EINTR);
            check(r, "read");
            return m.getByteArray(0, (int) r);
        }
    }

    /** ppoll(2) for POLLIN on one fd: true when readable (or at EOF) within the timeout. */
    public static boolean pollIn(int fd, long timeoutMillis) throws SyscallException {
        try (Memory m = new Memory(24)) {
            m.clear();
            m.setInt(0, fd);
            m.setShort(4, (short) Linux.POLLIN);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                long left = Math.max(0, deadline - System.nanoTime());
                m.setLong(8, left / 1_000_000_000L);
                m.setLong(16, left % 1_000_000_000L);
                long r = sys(NR.ppoll(), Pointer.nativeValue(m), 1, Pointer.nativeValue(m) + 8, 0, 0, 0);
                if (r == -Errno.EINTR) continue;
                return check(r, "ppoll") > 0;
            }
        }
    }

    /** clone(2) with the given flags (namespaces | exit signal), fork-style. */
    public static long cloneRaw(long flags) {
        return sys(NR.sysClone(), flags, 0, 0, 0, 0, 0);
    }

    public static long kill(int pid, int sig) {
        return sys(NR.kill(), pid, sig, 0, 0, 0, 0);
    }

    /**
     * wait4(2) on one pid (never -1: the JVM reaps the processes it starts itself). Returns the
     * raw wait status.
     */
    public static int waitFor(int pid) throws SyscallException {
        try (Memory m = new Memory(4)) {
            long r;
            do {
                r = sys(NR.wait4(), pid, Pointer.nativeValue(m), Linux.__WALL, 0, 0, 0);
            } while (r == -Errno.EINTR);
            check(r, "wait4(" + pid + ")");
            return m.getInt(0);
        }
    }

    /** A wait status as a shell reports it: the exit code, or 128+N for death by signal N. */
    public static int exitCode(int status) {
        int sig = status & 0x7f;
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig;
    }

    /** statfs(2) f_flags (ST_*) of the filesystem mount holding {@code path}. */
    public static long statfsFlags(String path) throws SyscallException {
        byte[] p = (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Memory m = new Memory(Linux.STATFS_SIZE + p.length)) {
            m.clear();
            m.write(Linux.STATFS_SIZE, p, 0, p.length);
            long base = Pointer.nativeValue(m);
            check(sys(NR.statfs(), base + Linux.STATFS_SIZE, base, 0, 0, 0, 0), "statfs " + path);
            return m.getLong(Linux.STATFS_F_FLAGS);
        }
    }

    /**
     * open + one write(2) + close, as /proc/PID/uid_map requires (the whole map in one write), with
     * the errno of whichever call failed.
     */
    public static void writeFile(String path, String content) throws SyscallException {
        byte[] p = (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Memory m = new Memory(p.length)) {
            m.write(0, p, 0, p.length);
            long fd = check(sys(NR.openat(), Linux.AT_FDCWD, Pointer.nativeValue(m), Linux.O_WRONLY | Linux.O_CLOEXEC, 0, 0, 0),
                    "open " + path);
            try {
                long n = write((int) fd, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (n != content.length()) throw new SyscallException("short write to " + path, Errno.EINVAL);
            } catch (SyscallException e) {
                throw new SyscallException("write " + path, e.errno);
            } finally {
                close((int) fd);
            }
        }
    }

    /**
     * Whether {@code pid} or one of its children sleeps in futex(2): a forked JVM copy that does is
     * stuck on a lock or safepoint of a thread that does not exist in it (the child's own code never
     * calls futex). Reads /proc/PID/syscall, which the owner of the child's user namespace may read.
     */
    public static boolean stuckInFutex(int pid) {
        if (inFutex(pid)) return true;
        for (int c : children(pid)) {
            if (inFutex(c)) return true;
        }
        return false;
    }

    /** Whether {@code pid} sleeps in futex(2) right now (see {@link #stuckInFutex}). */
    public static boolean inFutex(int pid) {
        try {
            String s = procFile("/proc/" + pid + "/syscall");
            int sp = s.indexOf(' ');
            return sp > 0 && Integer.parseInt(s.substring(0, sp)) == NR.futex();
        } catch (java.io.IOException | RuntimeException e) {
            return false; // running ("running"), gone, or not ours to read
        }
    }

    /** pidfd_open(2): an fd that polls readable when {@code pid} exits. */
    public static int pidfdOpen(int pid) throws SyscallException {
        return (int) check(sys(NR.pidfdOpen(), pid, 0, 0, 0, 0, 0), "pidfd_open");
    }

    /**
     * Fields of /proc/PID/stat after the command: [0] state, [19] starttime, [49] exit_code (the
     * wait status, shown for a zombie to whoever may ptrace-read it); null if the process is gone.
     */
    public static String[] stat(int pid) {
        try {
            String s = procFile("/proc/" + pid + "/stat");
            return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The first child of {@code pid}, or -1. */
    public static int firstChild(int pid) {
        int[] c = children(pid);
        return c.length == 0 ? -1 : c[0];
    }

    /** The children of {@code pid}'s main thread, oldest first; none if it is gone. */
    static int[] children(int pid) {
        try {
            String c = procFile("/proc/" + pid + "/task/" + pid + "/children").trim();
            if (c.isEmpty()) return new int[0];
            String[] f = c.split(" ");
            int[] out = new int[f.length];
            for (int i = 0; i < f.length; i++) out[i] = Integer.parseInt(f[i]);
            return out;
        } catch (java.io.IOException | RuntimeException gone) {
            return new int[0];
        }
    }

    /**
     * A small /proc file, through java.io: the watchdogs read these while a cold jrun waits for its
     * container, and NIO's channels cost milliseconds to start.
     */
    static String procFile(String path) throws java.io.IOException {
        try (java.io.FileInputStream in = new java.io.FileInputStream(path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    public static long getpid() {
        return sys(NR.getpid(), 0, 0, 0, 0, 0, 0);
    }
}
