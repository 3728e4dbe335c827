package dev.jrun.sys;

import static dev.jrun.sys.Linux.NR;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.lang.reflect.Field;

/**
 * {@link Syscalls} through glibc's syscall(2), bound by JNA direct mapping with primitive arguments
 * only: no String conversion, no Structure, no varargs boxing. Raw syscalls rather than glibc's
 * wrappers because the wrappers keep process-wide state a forked JVM copy must not touch (e.g.
 * setuid(3) signals every thread glibc believes exists, and those threads are not in the child).
 */
public final class LibcSyscalls implements Syscalls {
    public static final LibcSyscalls INSTANCE = new LibcSyscalls();

    private static final sun.misc.Unsafe UNSAFE;

    static {
        if (NR == null) throw new UnsupportedOperationException("jrun supports x86_64 and aarch64 only");
        Native.register(LibcSyscalls.class, NativeLibrary.getProcess());
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LibcSyscalls() {}

    /** glibc's syscall(2): six integer arguments are what the kernel ABI passes on both arches. */
    private static native long syscall(long nr, long a, long b, long c, long d, long e, long f);

    /** A raw syscall: the result, or -errno. */
    public static long sys(int nr, long a, long b, long c, long d, long e, long f) {
        long r = syscall(nr, a, b, c, d, e, f);
        return r == -1 ? -Native.getLastError() : r;
    }

    /**
     * Runs every native path the child will take a few hundred times with harmless arguments, so
     * that the JVM has built the native wrappers and JNA has set up this thread's error slot before
     * a fork: the child must never need the JIT, the class loader or malloc.
     */
    public static void warmUp(int times) {
        for (int i = 0; i < times; i++) {
            sys(NR.getpid(), 0, 0, 0, 0, 0, 0);
            sys(NR.close(), -1, 0, 0, 0, 0, 0); // EBADF: exercises the -errno path
            UNSAFE.putInt(SCRATCH, UNSAFE.getInt(SCRATCH) + 1);
        }
    }

    private static final long SCRATCH = UNSAFE.allocateMemory(8);

    @Override public long read(int fd, long buf, long count) { return sys(NR.read(), fd, buf, count, 0, 0, 0); }
    @Override public long write(int fd, long buf, long count) { return sys(NR.write(), fd, buf, count, 0, 0, 0); }
    @Override public long close(int fd) { return sys(NR.close(), fd, 0, 0, 0, 0, 0); }
    @Override public long closeRange(long first, long last, int flags) { return sys(NR.closeRange(), first, last, flags, 0, 0, 0); }
    @Override public long prctl(int option, long a2, long a3, long a4, long a5) { return sys(NR.prctl(), option, a2, a3, a4, a5, 0); }
    @Override public long mount(long source, long target, long fstype, long flags, long data) {
        return sys(NR.mount(), source, target, fstype, flags, data, 0);
    }
    @Override public long umount2(long target, int flags) { return sys(NR.umount2(), target, flags, 0, 0, 0, 0); }
    @Override public long mkdirat(int dirfd, long path, int mode) { return sys(NR.mkdirat(), dirfd, path, mode, 0, 0, 0); }
    @Override public long openat(int dirfd, long path, int flags, int mode) { return sys(NR.openat(), dirfd, path, flags, mode, 0, 0); }
    @Override public long symlinkat(long target, int newdirfd, long linkpath) { return sys(NR.symlinkat(), target, newdirfd, linkpath, 0, 0, 0); }
    @Override public long pivotRoot(long newRoot, long putOld) { return sys(NR.pivotRoot(), newRoot, putOld, 0, 0, 0, 0); }
    @Override public long chroot(long path) { return sys(NR.chroot(), path, 0, 0, 0, 0, 0); }
    @Override public long chdir(long path) { return sys(NR.chdir(), path, 0, 0, 0, 0, 0); }
    @Override public long sethostname(long name, long len) { return sys(NR.sethostname(), name, len, 0, 0, 0, 0); }
    @Override public long setdomainname(long name, long len) { return sys(NR.setdomainname(), name, len, 0, 0, 0, 0); }
    @Override public long socket(int domain, int type, int protocol) { return sys(NR.socket(), domain, type, protocol, 0, 0, 0); }
    @Override public long ioctl(int fd, long request, long arg) { return sys(NR.ioctl(), fd, request, arg, 0, 0, 0); }
    @Override public long capset(long header, long data) { return sys(NR.capset(), header, data, 0, 0, 0, 0); }
    @Override public long setgroups(long size, long list) { return sys(NR.setgroups(), size, list, 0, 0, 0, 0); }
    @Override public long setresgid(long r, long e, long s) { return sys(NR.setresgid(), r, e, s, 0, 0, 0); }
    @Override public long setresuid(long r, long e, long s) { return sys(NR.setresuid(), r, e, s, 0, 0, 0); }
    @Override public long setsid() { return sys(NR.setsid(), 0, 0, 0, 0, 0, 0); }
    @Override public long dup3(int oldfd, int newfd, int flags) { return sys(NR.dup3(), oldfd, newfd, flags, 0, 0, 0); }
    @Override public long rtSigprocmask(int how, long set, long oldset) {
        return sys(NR.rtSigprocmask(), how, set, oldset, Linux.SIGSET_SIZE, 0, 0);
    }
    @Override public long rtSigaction(int sig, long act, long oldact) {
        return sys(NR.rtSigaction(), sig, act, oldact, Linux.SIGSET_SIZE, 0, 0);
    }
    @Override public long rtSigtimedwait(long set, long info, long timeout) {
        return sys(NR.rtSigtimedwait(), set, info, timeout, Linux.SIGSET_SIZE, 0, 0);
    }
    @Override public long clone(long flags) { return sys(NR.sysClone(), flags, 0, 0, 0, 0, 0); }
    @Override public long execve(long path, long argv, long envp) { return sys(NR.execve(), path, argv, envp, 0, 0, 0); }
    @Override public long kill(int pid, int sig) { return sys(NR.kill(), pid, sig, 0, 0, 0, 0); }
    @Override public long waitid(int idtype, int id, long infop, int options) {
        return sys(NR.waitid(), idtype, id, infop, options, 0, 0);
    }
    @Override public void exitGroup(int status) { sys(NR.exitGroup(), status, 0, 0, 0, 0, 0); }
    @Override public int peekInt(long address) { return UNSAFE.getInt(address); }
    @Override public void pokeInt(long address, int value) { UNSAFE.putInt(address, value); }
}
