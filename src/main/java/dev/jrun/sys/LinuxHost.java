package dev.jrun.sys;

import static dev.jrun.sys.Linux.NR;
import static dev.jrun.sys.LibcSyscalls.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.jrun.host.SmallFile;

/** {@link HostSyscalls} on this kernel, through the same direct-mapped syscall(2) as the child's. */
public final class LinuxHost implements HostSyscalls {
    public static final LinuxHost INSTANCE = new LinuxHost();

    private LinuxHost() {}

    private static long check(long r, String what) throws SyscallException {
        if (r < 0) throw new SyscallException(what, (int) -r);
        return r;
    }

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    @Override
    public int[] pipe() throws SyscallException {
        try (Memory m = new Memory(8)) {
            check(sys(NR.pipe2(), Pointer.nativeValue(m), Linux.O_CLOEXEC, 0, 0, 0, 0), "pipe2");
            return new int[] {m.getInt(0), m.getInt(4)};
        }
    }

    @Override
    public void close(int fd) {
        if (fd >= 0) sys(NR.close(), fd, 0, 0, 0, 0, 0);
    }

    @Override
    public void write(int fd, byte[] data) throws SyscallException {
        writeCounted(fd, data);
    }

    private long writeCounted(int fd, byte[] data) throws SyscallException {
        try (Memory m = new Memory(Math.max(1, data.length))) {
            m.write(0, data, 0, data.length);
            long r;
            do {
                r = sys(NR.write(), fd, Pointer.nativeValue(m), data.length, 0, 0, 0);
            } while (r == -Errno.EINTR);
            return check(r, "write");
        }
    }

    @Override
    public byte[] read(int fd, int max) throws SyscallException {
        try (Memory m = new Memory(max)) {
            long r;
            do {
                r = sys(NR.read(), fd, Pointer.nativeValue(m), max, 0, 0, 0);
            } while (r == -Errno.EINTR);
            check(r, "read");
            return m.getByteArray(0, (int) r);
        }
    }

    @Override
    public boolean pollIn(int fd, long timeoutMillis) throws SyscallException {
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

    @Override
    public long clone(long flags) {
        return sys(NR.sysClone(), flags, 0, 0, 0, 0, 0);
    }

    @Override
    public void kill(int pid, int sig) {
        sys(NR.kill(), pid, sig, 0, 0, 0, 0);
    }

    @Override
    public int waitFor(int pid) throws SyscallException {
        try (Memory m = new Memory(4)) {
            long r;
            do {
                r = sys(NR.wait4(), pid, Pointer.nativeValue(m), Linux.__WALL, 0, 0, 0);
            } while (r == -Errno.EINTR);
            check(r, "wait4(" + pid + ")");
            return m.getInt(0);
        }
    }

    @Override
    public long statfsFlags(String path) throws SyscallException {
        byte[] p = (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Memory m = new Memory(Linux.STATFS_SIZE + p.length)) {
            m.clear();
            m.write(Linux.STATFS_SIZE, p, 0, p.length);
            long base = Pointer.nativeValue(m);
            check(sys(NR.statfs(), base + Linux.STATFS_SIZE, base, 0, 0, 0, 0), "statfs " + path);
            return m.getLong(Linux.STATFS_F_FLAGS);
        }
    }

    /** The errno is that of whichever call failed. */
    @Override
    public void writeFile(String path, String content) throws SyscallException {
        byte[] p = (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Memory m = new Memory(p.length)) {
            m.write(0, p, 0, p.length);
            long fd = check(sys(NR.openat(), Linux.AT_FDCWD, Pointer.nativeValue(m), Linux.O_WRONLY | Linux.O_CLOEXEC, 0, 0, 0),
                    "open " + path);
            try {
                long n = writeCounted((int) fd, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (n != content.length()) throw new SyscallException("short write to " + path, Errno.EINVAL);
            } catch (SyscallException e) {
                throw new SyscallException("write " + path, e.errno);
            } finally {
                close((int) fd);
            }
        }
    }

    /** A forked JVM copy asleep in futex(2) is stuck on a lock or safepoint of a thread it does not have (docs/design.md). */
    @Override
    public boolean inFutex(int pid) {
        String s = SmallFile.readOrNull("/proc/" + pid + "/syscall");
        if (s == null) return false; // gone, or not ours to read
        int sp = s.indexOf(' ');
        try {
            return sp > 0 && Integer.parseInt(s.substring(0, sp)) == NR.futex();
        } catch (NumberFormatException e) {
            return false; // "running"
        }
    }

    @Override
    public int pidfdOpen(int pid) throws SyscallException {
        return (int) check(sys(NR.pidfdOpen(), pid, 0, 0, 0, 0, 0), "pidfd_open");
    }

    /** Fields after the command: [0] state, [19] starttime, [49] exit_code (proc(5) numbers them 3, 22, 52). */
    @Override
    public ProcStat stat(int pid) {
        return ProcStat.read("/proc/" + pid + "/stat");
    }

    @Override
    public int[] children(int pid) {
        String c = SmallFile.readOrNull("/proc/" + pid + "/task/" + pid + "/children");
        if (c == null || c.isBlank()) return new int[0];
        String[] f = c.trim().split(" ");
        int[] out = new int[f.length];
        try {
            for (int i = 0; i < f.length; i++) out[i] = Integer.parseInt(f[i]);
        } catch (NumberFormatException e) {
            return new int[0];
        }
        return out;
    }

    @Override
    public void prlimit(int pid, int resource, long soft, long hard) throws SyscallException {
        try (Memory m = new Memory(16)) {
            m.setLong(0, soft);
            m.setLong(8, hard);
            check(sys(NR.prlimit64(), pid, resource, Pointer.nativeValue(m), 0, 0, 0), "prlimit");
        }
    }

    @Override
    public long[] getrlimit(int resource) throws SyscallException {
        try (Memory m = new Memory(16)) {
            check(sys(NR.prlimit64(), 0, resource, 0, Pointer.nativeValue(m), 0, 0), "prlimit");
            return new long[] {m.getLong(0), m.getLong(8)};
        }
    }

    @Override
    public void setns(int fd, int nstype) throws SyscallException {
        check(sys(NR.setns(), fd, nstype, 0, 0, 0, 0), "setns");
    }

    @Override
    public int open(String path, int flags) throws SyscallException {
        byte[] p = (path + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Memory m = new Memory(p.length)) {
            m.write(0, p, 0, p.length);
            return (int) check(sys(NR.openat(), Linux.AT_FDCWD, Pointer.nativeValue(m), flags | Linux.O_CLOEXEC, 0600, 0, 0), "open " + path);
        }
    }

    @Override
    public int memfd(String name) throws SyscallException {
        try (Memory m = new Memory(name.length() + 1)) {
            m.setString(0, name);
            return (int) check(sys(NR.memfdCreate(), Pointer.nativeValue(m), Linux.MFD_CLOEXEC, 0, 0, 0, 0), "memfd_create");
        }
    }

    @Override
    public void pidfdSendSignal(int pidfd, int sig) throws SyscallException {
        check(sys(NR.pidfdSendSignal(), pidfd, sig, 0, 0, 0, 0), "pidfd_send_signal");
    }

    @Override
    public void bindMount(String source, String target) throws SyscallException {
        try (Memory src = cString(source); Memory dst = cString(target)) {
            check(sys(NR.mount(), Pointer.nativeValue(src), Pointer.nativeValue(dst), 0, dev.jrun.plan.MountFlags.MS_BIND, 0, 0),
                    "mount --bind " + source + " " + target);
        }
    }

    @Override
    public void detach(String target) throws SyscallException {
        try (Memory dst = cString(target)) {
            check(sys(NR.umount2(), Pointer.nativeValue(dst), Linux.MNT_DETACH, 0, 0, 0, 0), "umount " + target);
        }
    }

    private static Memory cString(String s) {
        byte[] b = (s + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Memory m = new Memory(b.length);
        m.write(0, b, 0, b.length);
        return m;
    }
}
