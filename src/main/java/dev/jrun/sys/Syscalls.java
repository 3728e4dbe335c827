package dev.jrun.sys;

/**
 * The syscalls the container child makes, one method each, named as in section 2 of the manual.
 *
 * <p>Every pointer is a raw address (a {@code long}) into memory prepared before clone, and every
 * method returns the kernel's result or {@code -errno}: nothing here may allocate, throw or take a
 * lock, because the implementation runs in a forked copy of a multithreaded JVM (docs/design.md).
 * {@link LibcSyscalls} calls the kernel; tests use a recording fake.
 */
public interface Syscalls {
    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    long close(int fd);

    long closeRange(long first, long last, int flags);

    long prctl(int option, long arg2, long arg3, long arg4, long arg5);

    long mount(long source, long target, long fstype, long flags, long data);

    long umount2(long target, int flags);

    long mkdirat(int dirfd, long path, int mode);

    long openat(int dirfd, long path, int flags, int mode);

    /** openat2(2) with a prepared struct open_how (Linux 5.6+). */
    long openat2(int dirfd, long path, long how, long size);

    long statfs(long path, long buf);

    long umask(int mask);

    /** seccomp(2): SECCOMP_SET_MODE_FILTER with a prepared struct sock_fprog. */
    long seccomp(int operation, int flags, long args);

    /** mount_setattr(2) with a prepared struct mount_attr (Linux 5.12+). */
    long mountSetattr(int dirfd, long path, int flags, long attr, long size);

    long symlinkat(long target, int newdirfd, long linkpath);

    long pivotRoot(long newRoot, long putOld);

    long chroot(long path);

    long chdir(long path);

    long sethostname(long name, long len);

    long setdomainname(long name, long len);

    long socket(int domain, int type, int protocol);

    long ioctl(int fd, long request, long arg);

    long capset(long header, long data);

    long setgroups(long size, long list);

    long setresgid(long rgid, long egid, long sgid);

    long setresuid(long ruid, long euid, long suid);

    long setsid();

    long dup3(int oldfd, int newfd, int flags);

    long rtSigprocmask(int how, long set, long oldset);

    long rtSigaction(int sig, long act, long oldact);

    long rtSigtimedwait(long set, long info, long timeout);

    /**
     * futex(FUTEX_WAIT) on a word that stays 0: blocks for good, the way a forked JVM copy blocks
     * on a lock or safepoint of a thread it does not have. Fault injection for the watchdogs' tests.
     */
    long futexWait(long address);

    /** clone(2) without a new stack: returns 0 in the child, like fork. */
    long clone(long flags);

    long execve(long path, long argv, long envp);

    /** faccessat(2) with the real ids (which the child has made its effective ones by then). */
    long faccessat(int dirfd, long path, int mode);

    long setns(int fd, int nstype);

    long fchdir(int fd);

    long kill(int pid, int sig);

    long waitid(int idtype, int id, long infop, int options);

    /** exit_group(2); returns only in a fake. */
    void exitGroup(int status);

    /** The 32-bit int at an address (siginfo fields); plain memory access, no syscall. */
    int peekInt(long address);

    /** Stores a 32-bit int at an address (the exec-status record). */
    void pokeInt(long address, int value);

    /** The 64-bit long at an address (statfs's f_flags). */
    long peekLong(long address);

    /** Sets {@code length} bytes at {@code address} to 0, then copies {@code srcLength} bytes from {@code src} there. */
    void overwrite(long address, long length, long src, long srcLength);
}
