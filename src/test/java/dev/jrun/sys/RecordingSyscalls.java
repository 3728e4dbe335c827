package dev.jrun.sys;

import com.sun.jna.Pointer;
import dev.jrun.plan.MountFlags;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Syscalls} that touches nothing and records every call as a readable line, e.g.
 * {@code mount("proc", "/r/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, null)}. Each call succeeds
 * unless a rule given to {@link #fail} matches its line; clone returns {@link #cloneResult}.
 */
public final class RecordingSyscalls implements Syscalls {
    public final List<String> calls = new ArrayList<>();
    private final List<Object[]> failures = new ArrayList<>();
    public long cloneResult = 0;
    /** What successive rt_sigtimedwait calls return (then SIGCHLD forever). */
    public final List<Integer> signals = new ArrayList<>();
    /** What successive waitid calls report: {pid, si_code, si_status} (then nothing, pid 0). */
    public final List<int[]> waits = new ArrayList<>();
    public Integer exitStatus;
    /** What overwrite() wrote last: the bytes now at the start of the area, and its length. */
    public String overwritten;
    public byte[] lastWrite;

    /** Calls whose line starts with {@code prefix} return -errno. */
    public RecordingSyscalls fail(String prefix, int errno) {
        failures.add(new Object[] {prefix, errno});
        return this;
    }

    public List<String> named(String... names) {
        List<String> out = new ArrayList<>();
        for (String c : calls) for (String n : names) if (c.startsWith(n + "(")) out.add(c);
        return out;
    }

    private long record(String line) {
        calls.add(line);
        for (Object[] f : failures) if (line.startsWith((String) f[0])) return -(int) f[1];
        return 0;
    }

    public static String str(long address) {
        return address == 0 ? "null" : "\"" + new Pointer(address).getString(0) + "\"";
    }

    private static List<String> strings(long array) {
        List<String> out = new ArrayList<>();
        Pointer p = new Pointer(array);
        for (int i = 0; ; i++) {
            Pointer s = p.getPointer(8L * i);
            if (s == null) return out;
            out.add(s.getString(0));
        }
    }

    /** read(2) answers EOF: the parent closed the sync pipe (or died). */
    public boolean readEof;

    @Override public long read(int fd, long buf, long count) {
        long r = record("read(" + fd + ", " + count + ")");
        return r < 0 ? r : readEof ? 0 : count;
    }
    @Override public long write(int fd, long buf, long count) {
        lastWrite = new Pointer(buf).getByteArray(0, (int) count);
        long r = record("write(" + fd + ", " + count + ")");
        return r < 0 ? r : count;
    }
    @Override public long close(int fd) { return record("close(" + fd + ")"); }
    @Override public long closeRange(long first, long last, int flags) {
        return record("close_range(" + first + ", " + (last == Linux.FD_MAX ? "~0" : last) + ", " + flags + ")");
    }
    @Override public long prctl(int option, long a2, long a3, long a4, long a5) { return record("prctl(" + option + ", " + a2 + ")"); }
    @Override public long mount(long source, long target, long fstype, long flags, long data) {
        return record("mount(" + str(source) + ", " + str(target) + ", " + str(fstype) + ", " + MountFlags.describe(flags) + ", " + str(data) + ")");
    }
    @Override public long umount2(long target, int flags) { return record("umount2(" + str(target) + ", " + flags + ")"); }
    private static String at(int dirfd) {
        return dirfd == Linux.AT_FDCWD ? "" : "@" + dirfd + " ";
    }
    @Override public long mkdirat(int dirfd, long path, int mode) {
        return record("mkdir(" + at(dirfd) + str(path) + ", 0" + Integer.toOctalString(mode) + ")");
    }
    @Override public long openat(int dirfd, long path, int flags, int mode) {
        boolean creat = (flags & Linux.O_CREAT) != 0;
        long r = record((creat ? "creat(" : "open(") + at(dirfd) + str(path) + (creat ? ", 0" + Integer.toOctalString(mode) : "") + ")");
        return r < 0 ? r : 99;
    }
    /** The open_how's resolve flags, as a word: "in-root", "no-symlinks". */
    @Override public long openat2(int dirfd, long path, long how, long size) {
        long resolve = new Pointer(how).getLong(16);
        String mode = (resolve & Linux.RESOLVE_IN_ROOT) != 0 ? "in-root" : (resolve & Linux.RESOLVE_NO_SYMLINKS) != 0 ? "no-symlinks" : "plain";
        long r = record("openat2(" + at(dirfd) + str(path) + ", " + mode + ")");
        return r < 0 ? r : 90;
    }
    @Override public long statfs(long path, long buf) {
        new Pointer(buf).setLong(Linux.STATFS_F_FLAGS, Linux.ST_NOSUID | Linux.ST_NODEV | Linux.ST_NOEXEC);
        return record("statfs(" + str(path) + ")");
    }
    @Override public long umask(int mask) { long r = record("umask(0" + Integer.toOctalString(mask) + ")"); return r < 0 ? r : 022; }
    @Override public long seccomp(int operation, int flags, long args) {
        int len = new Pointer(args).getShort(0) & 0xffff;
        return record("seccomp(" + operation + ", " + flags + ", " + len + " instructions)");
    }
    @Override public long mountSetattr(int dirfd, long path, int flags, long attr, long size) {
        return record("mount_setattr(" + dirfd + ", " + str(path) + ", 0x" + Integer.toHexString(flags) + ", set=0x"
                + Long.toHexString(new Pointer(attr).getLong(0)) + ")");
    }
    @Override public long symlinkat(long target, int newdirfd, long linkpath) {
        return record("symlink(" + str(target) + ", " + at(newdirfd) + str(linkpath) + ")");
    }
    @Override public long pivotRoot(long newRoot, long putOld) { return record("pivot_root(" + str(newRoot) + ", " + str(putOld) + ")"); }
    @Override public long chroot(long path) { return record("chroot(" + str(path) + ")"); }
    @Override public long chdir(long path) { return record("chdir(" + str(path) + ")"); }
    @Override public long sethostname(long name, long len) { return record("sethostname(" + str(name) + ", " + len + ")"); }
    @Override public long setdomainname(long name, long len) { return record("setdomainname(" + str(name) + ", " + len + ")"); }
    @Override public long socket(int domain, int type, int protocol) {
        long r = record("socket(" + domain + ")");
        return r < 0 ? r : 7;
    }
    @Override public long ioctl(int fd, long request, long arg) {
        String extra = request == Linux.SIOCSIFFLAGS ? " " + new Pointer(arg).getString(0) + " flags=" + new Pointer(arg).getShort(16) : "";
        return record("ioctl(" + fd + ", 0x" + Long.toHexString(request) + extra + ")");
    }
    @Override public long capset(long header, long data) {
        Pointer d = new Pointer(data);
        return record("capset(eff=0x" + Integer.toHexString(d.getInt(0)) + ")");
    }
    @Override public long setgroups(long size, long list) {
        List<Integer> g = new ArrayList<>();
        for (int i = 0; i < size; i++) g.add(new Pointer(list).getInt(4L * i));
        return record("setgroups(" + g + ")");
    }
    @Override public long setresgid(long r, long e, long s) { return record("setresgid(" + r + ")"); }
    @Override public long setresuid(long r, long e, long s) { return record("setresuid(" + r + ")"); }
    @Override public long setsid() { return record("setsid()"); }
    @Override public long dup3(int oldfd, int newfd, int flags) { return record("dup3(" + oldfd + ", " + newfd + ")"); }
    @Override public long rtSigprocmask(int how, long set, long oldset) {
        return record("sigprocmask(" + how + ", 0x" + Long.toHexString(new Pointer(set).getLong(0)) + ")");
    }
    @Override public long rtSigaction(int sig, long act, long oldact) { return record("sigaction(" + sig + ")"); }
    @Override public long rtSigtimedwait(long set, long info, long timeout) {
        int sig = signals.isEmpty() ? Linux.SIGCHLD : signals.remove(0);
        record("sigtimedwait() = " + sig);
        return sig;
    }
    @Override public long futexWait(long address) { return record("futex_wait()"); }
    @Override public long clone(long flags) {
        long r = record("clone(" + flags + ")");
        return r < 0 ? r : cloneResult;
    }
    @Override public long execve(long path, long argv, long envp) {
        return record("execve(" + str(path) + ", " + strings(argv) + ", " + strings(envp) + ")");
    }
    @Override public long faccessat(int dirfd, long path, int mode) { return record("faccessat(" + str(path) + ", " + mode + ")"); }
    @Override public long setns(int fd, int nstype) { return record("setns(" + fd + ", 0x" + Integer.toHexString(nstype) + ")"); }
    @Override public long fchdir(int fd) { return record("fchdir(" + fd + ")"); }
    @Override public long kill(int pid, int sig) { return record("kill(" + pid + ", " + sig + ")"); }
    @Override public long waitid(int idtype, int id, long infop, int options) {
        String how = (idtype == Linux.P_ALL ? "P_ALL" : idtype == Linux.P_PID ? "P_PID " + id : String.valueOf(idtype))
                + ((options & Linux.WNOWAIT) != 0 ? ", WNOWAIT" : "") + ((options & Linux.WNOHANG) != 0 ? ", WNOHANG" : "");
        long r = record("waitid(" + how + ")");
        int[] w = waits.isEmpty() ? new int[] {0, 0, 0} : waits.remove(0);
        Pointer p = new Pointer(infop);
        p.setInt(Linux.SI_PID, w[0]);
        p.setInt(Linux.SI_CODE, w[1]);
        p.setInt(Linux.SI_STATUS, w[2]);
        return r;
    }
    @Override public void exitGroup(int status) {
        record("exit_group(" + status + ")");
        exitStatus = status;
    }
    @Override public int peekInt(long address) { return new Pointer(address).getInt(0); }
    @Override public void pokeInt(long address, int value) { new Pointer(address).setInt(0, value); }

    @Override public long peekLong(long address) { return new Pointer(address).getLong(0); }
    @Override public void overwrite(long address, long length, long src, long srcLength) {
        overwritten = new String(new Pointer(src).getByteArray(0, (int) srcLength), java.nio.charset.StandardCharsets.US_ASCII)
                + " (" + length + " bytes)";
        calls.add("overwrite(" + length + " bytes)");
    }
}
