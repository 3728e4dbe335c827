package dev.jrun.sys;

import static dev.jrun.sys.Linux.NR;

import com.sun.jna.FromNativeConverter;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ToNativeConverter;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * {@link Syscalls} through glibc's syscall(2), bound by JNA direct mapping with primitive arguments
 * only: no String conversion, no Structure, no varargs boxing. Raw syscalls rather than glibc's
 * wrappers because the wrappers keep process-wide state a forked JVM copy must not touch (e.g.
 * setuid(3) signals every thread glibc believes exists, and those threads are not in the child).
 */
public final class LibcSyscalls implements Syscalls {
    public static final LibcSyscalls INSTANCE = new LibcSyscalls(0);
    /** See {@link #rehearsal}. */
    private static final int DRY = -0x10000;

    /** How {@link #syscall} was bound: "lean", or "Native.register" when the lean path was refused. */
    static final String BINDING;

    static {
        if (NR == null) throw new UnsupportedOperationException("jrun supports x86_64 and aarch64 only");
        BINDING = bind();
    }

    /**
     * Binds {@link #syscall} exactly as {@code Native.register} would for seven {@code long}s, but
     * without its generic path: that builds JNA's FFIType table through Structure, reflection and
     * annotation proxies, about 20 ms of a ~100 ms cold start (docs/design.md). Here the one ffi
     * type is looked up in JNA's own stub and JNA's JNI binder is called once. Any surprise (another
     * JNA version, a stub loaded from the system path) falls back to {@code Native.register}.
     */
    private static String bind() {
        NativeLibrary libc = NativeLibrary.getProcess();
        try {
            String stub = System.getProperty("jnidispatch.path"); // set by JNA when it loaded its stub
            if (stub == null) throw new IllegalStateException("JNA's stub path is unknown");
            long sint64 = Pointer.nativeValue(NativeLibrary.getInstance(stub).getGlobalVariableAddress("ffi_type_sint64"));
            Function fn = libc.getFunction("syscall");
            Method target = LibcSyscalls.class.getDeclaredMethod("syscall",
                    long.class, long.class, long.class, long.class, long.class, long.class, long.class);
            Method registerMethod = Native.class.getDeclaredMethod("registerMethod", Class.class, String.class,
                    String.class, int[].class, long[].class, long[].class, int.class, long.class, long.class, Method.class,
                    long.class, int.class, boolean.class, ToNativeConverter[].class, FromNativeConverter.class, String.class);
            registerMethod.setAccessible(true);
            long[] types = new long[7];
            Arrays.fill(types, sint64);
            // (name, JNI signature, per-argument conversions (0 = plain primitive), closure and call
            // argument types, return conversion, closure and call return types, method, function,
            // calling convention, throw LastErrorException, converters, string encoding)
            registerMethod.invoke(null, LibcSyscalls.class, "syscall", "(JJJJJJJ)J", new int[7], types, types.clone(),
                    0, sint64, sint64, target, Pointer.nativeValue(fn), fn.getCallingConvention(), false,
                    new ToNativeConverter[7], null, Native.getDefaultStringEncoding());
            return "lean";
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Native.register(LibcSyscalls.class, libc);
            return "Native.register";
        }
    }

    /**
     * A JNA pointer whose address can be moved: peeks and pokes in the child must not allocate a
     * Pointer per address. One per instance; the child is single-threaded.
     */
    private static final class Cursor extends Pointer {
        Cursor() {
            super(0);
        }

        Cursor at(long address) {
            peer = address;
            return this;
        }
    }

    private final Cursor cursor = new Cursor();

    private final int off;
    /** Rehearsal only: what the next clone returns (0 = the child's side), which variant, counters. */
    private final boolean forkAsChild;
    private final boolean variant;
    private int waits;
    private int reaps;
    private int execs;
    private int checks;

    private LibcSyscalls(int nrOffset) {
        this(nrOffset, true, false);
    }

    private LibcSyscalls(int nrOffset, boolean forkAsChild, boolean variant) {
        this.off = nrOffset;
        this.forkAsChild = forkAsChild;
        this.variant = variant;
    }

    /**
     * The same class, the same methods and the same native call, with every syscall number made
     * invalid so the kernel answers ENOSYS, and a plausible success returned instead: running the
     * child's loop over it in the parent compiles and links exactly the code the child will run
     * (same receiver class at every call site, so no inline-cache miss, and no lock, in the child).
     * The two {@code variant}s answer differently where the child's code branches on a result
     * (mkdir of an existing directory, execve's ENOENT/EACCES, an orphan reaped before the
     * process), so that C2, should it compile the loop, has seen both sides of every branch the
     * child can take and puts no uncommon trap (a deoptimization, with its locks) in its way.
     */
    public static LibcSyscalls rehearsal(boolean forkAsChild, boolean variant) {
        return new LibcSyscalls(DRY, forkAsChild, variant);
    }

    private long dry(long real, long rehearsed) {
        return off == 0 ? real : rehearsed;
    }

    /** glibc's syscall(2): six integer arguments are what the kernel ABI passes on both arches. */
    private static native long syscall(long nr, long a, long b, long c, long d, long e, long f);

    /** A raw syscall: the result, or -errno. */
    public static long sys(int nr, long a, long b, long c, long d, long e, long f) {
        long r = syscall(nr, a, b, c, d, e, f);
        return r == -1 ? -Native.getLastError() : r;
    }

    /**
     * Runs every method the child can call, {@code times} times, against the kernel's ENOSYS (see
     * {@link #DRY}), so that before any fork the JVM has built each method's counters and profile
     * (metaspace allocations, under a lock another thread may hold at fork time: measured as a
     * hang in docs/design.md), compiled what it will compile, linked every call site, and JNA has
     * set up this thread's error slot. The child must never need the JIT, metaspace or malloc.
     */
    public static void warmUp(int times) {
        LibcSyscalls d = rehearsal(true, false);
        for (int i = 0; i < times; i++) {
            sys(NR.getpid(), 0, 0, 0, 0, 0, 0);
            d.read(-1, 0, 0); d.write(-1, 0, 0); d.close(-1); d.closeRange(0, 0, 0); d.prctl(0, 0, 0, 0, 0);
            d.mount(0, 0, 0, 0, 0); d.umount2(0, 0); d.mkdirat(0, 0, 0); d.openat(0, 0, 0, 0); d.symlinkat(0, 0, 0);
            d.pivotRoot(0, 0); d.chroot(0); d.chdir(0); d.sethostname(0, 0); d.setdomainname(0, 0); d.socket(0, 0, 0);
            d.ioctl(0, 0, 0); d.capset(0, 0); d.setgroups(0, 0); d.setresgid(0, 0, 0); d.setresuid(0, 0, 0); d.setsid();
            d.dup3(0, 0, 0); d.rtSigprocmask(0, 0, 0); d.rtSigaction(0, 0, 0); d.rtSigtimedwait(0, 0, 0); d.futexWait(0); d.clone(0);
            d.execve(0, 0, 0); d.faccessat(0, 0, 0); d.setns(-1, 0); d.fchdir(-1); d.kill(0, 0); d.waitid(0, 0, 0, 0); d.exitGroup(0);
            d.openat2(0, 0, 0, 0); d.statfs(0, 0); d.umask(0); d.seccomp(0, 0, 0); d.mountSetattr(0, 0, 0, 0, 0);
            d.pokeInt(SCRATCH, d.peekInt(SCRATCH) + 1);
            d.overwrite(SCRATCH, 4, SCRATCH + 4, (int) d.peekLong(SCRATCH) & 3);
        }
    }

    private static final Memory SCRATCH_MEMORY = new Memory(8);
    private static final long SCRATCH = Pointer.nativeValue(SCRATCH_MEMORY);

    @Override public long read(int fd, long buf, long count) { return dry(sys(off + NR.read(), fd, buf, count, 0, 0, 0), 1); }
    @Override public long write(int fd, long buf, long count) { return dry(sys(off + NR.write(), fd, buf, count, 0, 0, 0), count); }
    @Override public long close(int fd) { return dry(sys(off + NR.close(), fd, 0, 0, 0, 0, 0), 0); }
    @Override public long closeRange(long first, long last, int flags) { return dry(sys(off + NR.closeRange(), first, last, flags, 0, 0, 0), 0); }
    @Override public long prctl(int option, long a2, long a3, long a4, long a5) { return dry(sys(off + NR.prctl(), option, a2, a3, a4, a5, 0), 0); }
    @Override public long mount(long source, long target, long fstype, long flags, long data) {
        return dry(sys(off + NR.mount(), source, target, fstype, flags, data, 0), 0);
    }
    @Override public long umount2(long target, int flags) { return dry(sys(off + NR.umount2(), target, flags, 0, 0, 0, 0), 0); }
    @Override public long mkdirat(int dirfd, long path, int mode) { return dry(sys(off + NR.mkdirat(), dirfd, path, mode, 0, 0, 0), variant ? 0 : -Errno.EEXIST); }
    @Override public long openat(int dirfd, long path, int flags, int mode) { return dry(sys(off + NR.openat(), dirfd, path, flags, mode, 0, 0), 3); }
    @Override public long openat2(int dirfd, long path, long how, long size) {
        return dry(sys(off + NR.openat2(), dirfd, path, how, size, 0, 0), 5);
    }
    @Override public long statfs(long path, long buf) { return dry(sys(off + NR.statfs(), path, buf, 0, 0, 0, 0), 0); }
    @Override public long umask(int mask) { return dry(sys(off + NR.umask(), mask, 0, 0, 0, 0, 0), 022); }
    @Override public long seccomp(int operation, int flags, long args) {
        return dry(sys(off + NR.seccomp(), operation, flags, args, 0, 0, 0), 0);
    }
    @Override public long mountSetattr(int dirfd, long path, int flags, long attr, long size) {
        return dry(sys(off + NR.mountSetattr(), dirfd, path, flags, attr, size, 0), variant ? -Errno.ENOSYS : 0);
    }
    @Override public long symlinkat(long target, int newdirfd, long linkpath) { return dry(sys(off + NR.symlinkat(), target, newdirfd, linkpath, 0, 0, 0), 0); }
    @Override public long pivotRoot(long newRoot, long putOld) { return dry(sys(off + NR.pivotRoot(), newRoot, putOld, 0, 0, 0, 0), 0); }
    @Override public long chroot(long path) { return dry(sys(off + NR.chroot(), path, 0, 0, 0, 0, 0), 0); }
    @Override public long chdir(long path) { return dry(sys(off + NR.chdir(), path, 0, 0, 0, 0, 0), 0); }
    @Override public long sethostname(long name, long len) { return dry(sys(off + NR.sethostname(), name, len, 0, 0, 0, 0), 0); }
    @Override public long setdomainname(long name, long len) { return dry(sys(off + NR.setdomainname(), name, len, 0, 0, 0, 0), 0); }
    @Override public long socket(int domain, int type, int protocol) { return dry(sys(off + NR.socket(), domain, type, protocol, 0, 0, 0), 3); }
    @Override public long ioctl(int fd, long request, long arg) { return dry(sys(off + NR.ioctl(), fd, request, arg, 0, 0, 0), 0); }
    @Override public long capset(long header, long data) { return dry(sys(off + NR.capset(), header, data, 0, 0, 0, 0), 0); }
    @Override public long setgroups(long size, long list) { return dry(sys(off + NR.setgroups(), size, list, 0, 0, 0, 0), 0); }
    @Override public long setresgid(long r, long e, long s) { return dry(sys(off + NR.setresgid(), r, e, s, 0, 0, 0), 0); }
    @Override public long setresuid(long r, long e, long s) { return dry(sys(off + NR.setresuid(), r, e, s, 0, 0, 0), 0); }
    @Override public long setsid() { return dry(sys(off + NR.setsid(), 0, 0, 0, 0, 0, 0), 1); }
    @Override public long dup3(int oldfd, int newfd, int flags) { return dry(sys(off + NR.dup3(), oldfd, newfd, flags, 0, 0, 0), newfd); }
    @Override public long rtSigprocmask(int how, long set, long oldset) {
        return dry(sys(off + NR.rtSigprocmask(), how, set, oldset, Linux.SIGSET_SIZE, 0, 0), 0);
    }
    @Override public long rtSigaction(int sig, long act, long oldact) {
        return dry(sys(off + NR.rtSigaction(), sig, act, oldact, Linux.SIGSET_SIZE, 0, 0), 0);
    }
    @Override public long rtSigtimedwait(long set, long info, long timeout) {
        // Rehearsed: one signal to forward, then SIGCHLDs.
        return dry(sys(off + NR.rtSigtimedwait(), set, info, timeout, Linux.SIGSET_SIZE, 0, 0),
                waits++ == 0 ? Linux.SIGTERM : Linux.SIGCHLD); // forward one, then reap
    }
    @Override public long futexWait(long address) { return dry(sys(off + NR.futex(), address, 0, 0, 0, 0, 0), 0); }
    @Override public long clone(long flags) { return dry(sys(off + NR.sysClone(), flags, 0, 0, 0, 0, 0), forkAsChild ? 0 : 2); }
    @Override public long execve(long path, long argv, long envp) { return dry(sys(off + NR.execve(), path, argv, envp, 0, 0, 0),
            variant && execs++ == 0 ? -Errno.EACCES : -Errno.ENOENT); }
    @Override public long faccessat(int dirfd, long path, int mode) { return dry(sys(off + NR.faccessat(), dirfd, path, mode, 0, 0, 0),
            variant && checks++ == 0 ? -Errno.ENOENT : 0); }
    @Override public long setns(int fd, int nstype) { return dry(sys(off + NR.setns(), fd, nstype, 0, 0, 0, 0), 0); }
    @Override public long fchdir(int fd) { return dry(sys(off + NR.fchdir(), fd, 0, 0, 0, 0, 0), 0); }
    @Override public long kill(int pid, int sig) { return dry(sys(off + NR.kill(), pid, sig, 0, 0, 0, 0), 0); }
    @Override public long waitid(int idtype, int id, long infop, int options) {
        long r = sys(off + NR.waitid(), idtype, id, infop, options, 0, 0);
        if (off == 0) return r;
        if (infop != 0) {
            // rehearsed, variant: an orphan (peeked, then reaped), nothing more, then the process
            // (pid 2) exited 0; otherwise the process at once
            int n = reaps++;
            pokeInt(infop + Linux.SI_PID, variant ? (n <= 1 ? 77 : n == 2 ? 0 : 2) : 2);
            pokeInt(infop + Linux.SI_CODE, Linux.CLD_EXITED);
            pokeInt(infop + Linux.SI_STATUS, 0);
        }
        return 0;
    }
    @Override public void exitGroup(int status) { sys(off + NR.exitGroup(), status, 0, 0, 0, 0, 0); }
    @Override public int peekInt(long address) { return cursor.at(address).getInt(0); }
    @Override public void pokeInt(long address, int value) { cursor.at(address).setInt(0, value); }
    @Override public long peekLong(long address) { return cursor.at(address).getLong(0); }
    /** Plain memory, byte by byte through the one cursor: JNA's bulk copies take Java arrays, which would allocate. */
    /** Where a rehearsal's overwrite goes: the same loops, but not over this JVM's own argv area. */
    private static final int OVERWRITE_SCRATCH_SIZE = 4096;
    private static final Memory OVERWRITE_SCRATCH = new Memory(OVERWRITE_SCRATCH_SIZE);

    @Override public void overwrite(long address, long length, long src, long srcLength) {
        if (off != 0) {
            address = Pointer.nativeValue(OVERWRITE_SCRATCH);
            length = Math.min(length, OVERWRITE_SCRATCH_SIZE);
        }
        for (long i = 0; i < length; i++) cursor.at(address + i).setByte(0, (byte) 0);
        for (long i = 0; i < srcLength && i < length; i++) {
            byte b = cursor.at(src + i).getByte(0);
            cursor.at(address + i).setByte(0, b);
        }
    }
}
