package dev.jrun.runner.child;

import static dev.jrun.plan.MountFlags.*;
import static dev.jrun.runner.child.ChildProgram.*;
import static dev.jrun.sys.Linux.*;

import dev.jrun.ExitCodes;
import dev.jrun.sys.Errno;
import dev.jrun.sys.LibcSyscalls;
import dev.jrun.sys.Syscalls;

/**
 * The child side: one loop over a {@link ChildProgram}. It runs in a raw-cloned copy of the JVM in
 * which only this thread exists, so it is written to need nothing from the JVM: no allocation (a
 * GC could never finish), no exceptions, no strings, no class that {@link #rehearse} has not
 * already loaded and linked. Every branch is exercised in the parent by {@link #rehearse} before
 * the first fork. On failure it writes {op, errno} to the exec-status pipe and exits 125.
 *
 * <p>Runs in: the forked child (and, after {@code FORK_PROCESS}, in PID 1, the init); in the parent
 * only over dry or fake {@link Syscalls}.
 */
public final class ChildExecutor {
    static final int FAILED = ExitCodes.FAILED;

    private ChildExecutor() {}

    /** Runs the program; with a real {@link Syscalls} it never returns (execve or exit_group). */
    public static void run(Syscalls s, ChildProgram p) {
        final int[] op = p.op;
        final long[] a = p.args;
        long sock = -1;
        long pid = 0;
        int execErr = 0;
        for (int i = 0; i < p.count; i++) {
            final int k = i * ARGS;
            long r;
            switch (op[i]) {
                case CLOSE_RANGE -> r = s.closeRange(a[k], a[k + 1], (int) a[k + 2]);
                case PRCTL -> r = s.prctl((int) a[k], a[k + 1], a[k + 2], a[k + 3], a[k + 4]);
                case READ_SYNC -> {
                    r = s.read((int) a[k], a[k + 1], 1);
                    if (r == 0) { // SYNC_ABORT: the parent closed the pipe without a GO
                        s.exitGroup(FAILED);
                        return;
                    }
                }
                case CLOSE -> r = s.close((int) a[k]);
                case MOUNT -> r = s.mount(a[k], a[k + 1], a[k + 2], a[k + 3], a[k + 4]);
                case UMOUNT2 -> r = s.umount2(a[k], (int) a[k + 1]);
                case MKDIR -> {
                    r = s.mkdirat((int) a[k + 2], a[k], (int) a[k + 1]);
                    if (r == -Errno.EEXIST) r = 0;
                }
                case CREAT -> {
                    r = s.openat((int) a[k + 2], a[k], O_RDONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | (int) a[k + 3], (int) a[k + 1]);
                    if (r >= 0) r = s.close((int) r);
                }
                case SYMLINK -> r = s.symlinkat(a[k], (int) a[k + 2], a[k + 1]);
                case OPENAT2_TO -> {
                    r = s.openat2((int) a[k], a[k + 1], a[k + 2], OPEN_HOW_SIZE);
                    if (r >= 0 && r != a[k + 3]) {
                        long d = s.dup3((int) r, (int) a[k + 3], O_CLOEXEC);
                        s.close((int) r);
                        r = d;
                    }
                }
                case MOUNT_SETATTR -> r = s.mountSetattr((int) a[k], a[k + 1], (int) a[k + 2], a[k + 3], MOUNT_ATTR_SIZE);
                case MASK_PATH -> r = mask(s, a[k], a[k + 1], a[k + 2], a[k + 3]);
                case READONLY_PATH -> r = readonly(s, a[k], a[k + 1], a[k + 2], a[k + 3]);
                case LOAD_SECCOMP -> {
                    // struct sock_fprog {u16 len; u64 filter} (both arches little-endian, pointer at 8)
                    s.pokeInt(a[k + 2], (int) a[k + 1]);
                    s.pokeInt(a[k + 2] + 8, (int) a[k]);
                    s.pokeInt(a[k + 2] + 12, (int) (a[k] >>> 32));
                    r = s.seccomp(SECCOMP_SET_MODE_FILTER, 0, a[k + 2]);
                }
                case UMASK -> r = s.umask((int) a[k]) < 0 ? -Errno.EINVAL : 0;
                case OVERWRITE -> {
                    s.overwrite(a[k], a[k + 1], a[k + 2], a[k + 3]);
                    r = 0;
                }
                case PIVOT_ROOT -> r = s.pivotRoot(a[k], a[k + 1]);
                case CHROOT -> r = s.chroot(a[k]);
                case CHDIR -> r = s.chdir(a[k]);
                case SETHOSTNAME -> r = s.sethostname(a[k], a[k + 1]);
                case SETDOMAINNAME -> r = s.setdomainname(a[k], a[k + 1]);
                case SOCKET -> {
                    r = s.socket((int) a[k], (int) a[k + 1], (int) a[k + 2]);
                    sock = r;
                }
                case IOCTL_REG -> r = s.ioctl((int) sock, a[k + 1], a[k + 2]);
                case CLOSE_REG -> r = s.close((int) sock);
                case CAPBSET_DROP -> {
                    r = 0;
                    for (int cap = 0; cap <= a[k + 2] && r >= 0; cap++) {
                        if ((a[k] & (1L << cap)) == 0) r = s.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
                    }
                }
                case CAPSET -> r = s.capset(a[k], a[k + 1]);
                case SETGROUPS -> r = s.setgroups(a[k], a[k + 1]);
                case SETRESGID -> r = s.setresgid(a[k], a[k], a[k]);
                case SETRESUID -> r = s.setresuid(a[k], a[k], a[k]);
                case SIGPROCMASK -> r = s.rtSigprocmask((int) a[k], a[k + 1], 0);
                case RESET_SIGNALS -> {
                    for (int sig = 1; sig <= NSIG; sig++) {
                        if (sig != SIGKILL && sig != SIGSTOP) s.rtSigaction(sig, a[k], 0);
                    }
                    r = 0;
                }
                case SETSID -> r = s.setsid();
                case IOCTL -> r = s.ioctl((int) a[k], a[k + 1], a[k + 2]);
                case DUP3 -> r = s.dup3((int) a[k], (int) a[k + 1], 0);
                case FORK_PROCESS -> {
                    r = s.clone(a[k]);
                    if (r > 0) {
                        pid = r;
                        i = (int) a[k + 1] - 1; // the loop's i++ lands on the init's first op
                    }
                }
                case EXECVE -> {
                    r = s.execve(a[k], a[k + 1], a[k + 2]);
                    // execvp(3): try the next PATH entry on ENOENT/ENOTDIR/EACCES, report EACCES if seen.
                    if (r == -Errno.EACCES) execErr = Errno.EACCES;
                    if (a[k + 3] != 0 && (r == -Errno.ENOENT || r == -Errno.ENOTDIR || r == -Errno.EACCES)) {
                        r = 0;
                    } else if (execErr != 0 && r == -Errno.ENOENT) {
                        r = -execErr;
                    } else if (r >= 0) {
                        r = -Errno.EINVAL; // only a fake returns from a successful execve
                    }
                }
                case CHECK_EXEC -> {
                    r = s.faccessat(AT_FDCWD, a[k], X_OK);
                    if (r == 0) {
                        long dir = s.openat(AT_FDCWD, a[k], O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
                        if (dir >= 0) {
                            s.close((int) dir);
                            r = -Errno.EACCES; // execve(2) of a directory
                        }
                    }
                    if (r == 0) {
                        execErr = 0;
                        i = (int) a[k + 2] - 1; // found: past the other candidates
                    } else {
                        if (r == -Errno.EACCES) execErr = Errno.EACCES;
                        if (a[k + 1] != 0 && (r == -Errno.ENOENT || r == -Errno.ENOTDIR || r == -Errno.EACCES)) {
                            r = 0;
                        } else if (execErr != 0 && r == -Errno.ENOENT) {
                            r = -execErr;
                        }
                    }
                }
                case SETNS -> r = s.setns((int) a[k], (int) a[k + 1]);
                case FCHDIR -> r = s.fchdir((int) a[k]);
                case INIT_LOOP -> {
                    initLoop(s, a[k], a[k + 1], a[k + 2], (int) a[k + 3], pid);
                    return;
                }
                case STALL -> r = s.rtSigtimedwait(a[k], a[k + 1], 0);
                case STALL_FUTEX -> r = s.futexWait(a[k]);
                default -> r = -Errno.ENOSYS;
            }
            if (r < 0) {
                fail(s, p, i, (int) -r);
                return;
            }
        }
        s.exitGroup(0);
    }

    /**
     * PID 1: the six forwarded signals and SIGCHLD are blocked (before the fork, so none is lost)
     * and taken here synchronously. Every SIGCHLD reaps the orphans re-parented to PID 1; the
     * process's own exit ends the loop (docs/design.md explains why not the SIG_IGN auto-reap with
     * a private exit signal: exec resets the exit signal). The process is only peeked at
     * (WNOWAIT), never reaped: it stays a zombie until PID 1 exits and the kernel reaps it with
     * the namespace, so that if this copy of the JVM blocks anywhere before exit_group, the parent
     * still reads the status from the zombie (supervise.InitWatchdog). Measured: an init that reaped
     * the process and then blocked lost its status and hung a stress run.
     */
    private static void initLoop(Syscalls s, long set, long info, long stallWord, int stallWhen, long pid) {
        for (;;) {
            long sig = s.rtSigtimedwait(set, info, 0);
            if (sig == SIGCHLD) {
                for (;;) {
                    s.pokeInt(info + SI_PID, 0);
                    long r = s.waitid(P_ALL, 0, info, WEXITED | WNOHANG | WNOWAIT | __WALL);
                    int exited = s.peekInt(info + SI_PID);
                    if (r < 0 || exited == 0) break;
                    if (exited == pid) {
                        int code = s.peekInt(info + SI_CODE);
                        int status = s.peekInt(info + SI_STATUS);
                        if (stallWhen == STALL_AT_EXIT) s.futexWait(stallWord); // fault injection (tests)
                        s.exitGroup(code == CLD_EXITED ? status : 128 + status);
                        return;
                    }
                    s.waitid(P_PID, exited, info, WEXITED | __WALL); // an orphan: reap it
                }
            } else if (sig > 0) {
                if (stallWhen == STALL_ON_SIGNAL) s.futexWait(stallWord); // fault injection (tests)
                s.kill((int) pid, (int) sig);
            } else if (sig != -Errno.EINTR && sig != -Errno.EAGAIN) {
                s.exitGroup(FAILED); // cannot happen with a valid set; never spin
                return;
            }
        }
    }

    /** runc's maskPath: absent paths are fine; a file gets /dev/null bound over it, a directory (ENOTDIR) a read-only tmpfs. */
    private static long mask(Syscalls s, long path, long devNull, long tmpfs, long data) {
        long fd = s.openat(AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
        if (fd == -Errno.ENOENT) return 0;
        if (fd < 0) return fd;
        s.close((int) fd);
        long r = s.mount(devNull, path, 0, MS_BIND, 0);
        if (r == -Errno.ENOTDIR) r = s.mount(tmpfs, path, tmpfs, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, data);
        return r;
    }

    /**
     * runc's readonlyPath: bind onto itself, then read-only — with mount_setattr(AT_RECURSIVE) for
     * the submounts too, else a remount that repeats the flags the kernel locks (statfs).
     */
    private static long readonly(Syscalls s, long path, long attr, long statfsBuf, long none) {
        long fd = s.openat(AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
        if (fd == -Errno.ENOENT) return 0;
        if (fd < 0) return fd;
        s.close((int) fd);
        long r = s.mount(path, path, 0, MS_BIND | MS_REC, 0);
        if (r < 0) return r;
        if (attr != 0) return s.mountSetattr(AT_FDCWD, path, AT_RECURSIVE, attr, MOUNT_ATTR_SIZE);
        r = s.statfs(path, statfsBuf);
        if (r < 0) return r;
        return s.mount(none, path, 0, MS_REMOUNT | MS_BIND | MS_RDONLY | msFlags(s.peekLong(statfsBuf + STATFS_F_FLAGS)), 0);
    }

    /** statfs's ST_* flags as the MS_* flags a bind remount must repeat (the same bits, but relatime). */
    static long msFlags(long st) {
        long ms = st & (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME);
        if ((st & ST_RELATIME) != 0) ms |= MS_RELATIME;
        return ms;
    }

    private static void fail(Syscalls s, ChildProgram p, int i, int errno) {
        s.pokeInt(p.statusBuf, i);
        s.pokeInt(p.statusBuf + 4, errno);
        s.write(p.statusFd, p.statusBuf, 8);
        s.exitGroup(FAILED);
    }

    /**
     * Walks the program {@code times} times (both sides of the init's fork) over
     * {@link LibcSyscalls#rehearsal}, so that the loop's call sites are linked, its code compiled
     * and every syscall method's counters built in the parent, where the JIT, the class loader and
     * metaspace are allowed.
     */
    public static void rehearse(ChildProgram p, int times) {
        for (int t = 0; t < times; t++) {
            for (int v = 0; v < 2; v++) {
                run(LibcSyscalls.rehearsal(true, v == 1), p);
                run(LibcSyscalls.rehearsal(false, v == 1), p);
            }
        }
    }
}
