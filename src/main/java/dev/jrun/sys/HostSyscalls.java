package dev.jrun.sys;

/**
 * The syscalls the supervising process makes around a container (pipes, polling, the clone,
 * signals, waiting, the /proc files the watchdogs read, id maps, statfs). It is an ordinary JVM
 * thread, so these may allocate and throw {@link SyscallException}. {@link LinuxHost} makes them;
 * unit tests of the supervisor use a scripted, recording fake, so that retries, watchdogs,
 * forwarding and cleanup are tested without root. (The child's syscalls are {@link Syscalls}.)
 */
public interface HostSyscalls {
    /** pipe2(O_CLOEXEC): {read end, write end}. */
    int[] pipe() throws SyscallException;

    /** close(2); negative fds are ignored. */
    void close(int fd);

    void write(int fd, byte[] data) throws SyscallException;

    /** read(2) into a fresh array; an empty array at EOF. */
    byte[] read(int fd, int max) throws SyscallException;

    /** ppoll(2) for POLLIN on one fd: true when readable (or at EOF) within the timeout. */
    boolean pollIn(int fd, long timeoutMillis) throws SyscallException;

    /**
     * clone(2) with {@code flags} (CLONE_NEW* | exit signal), fork-style: 0 in the child (a copy of
     * this JVM with only the calling thread), the child's pid in the parent, or -errno.
     */
    long clone(long flags);

    /** kill(2); a process that is gone is not an error here. */
    void kill(int pid, int sig);

    /** wait4(2) on one pid (never -1: the JVM reaps the processes it started itself): the raw wait status. */
    int waitFor(int pid) throws SyscallException;

    /** pidfd_open(2): an fd that polls readable when {@code pid} exits. */
    int pidfdOpen(int pid) throws SyscallException;

    /** Whether {@code pid} sleeps in futex(2) right now (/proc/PID/syscall); false when gone or unreadable. */
    boolean inFutex(int pid);

    /** The children of {@code pid}'s main thread, oldest first; none when it is gone. */
    int[] children(int pid);

    /** /proc/PID/stat, or null when the process is gone. */
    ProcStat stat(int pid);

    /** open + one write(2) + close, as /proc/PID/uid_map requires (the whole map in one write). */
    void writeFile(String path, String content) throws SyscallException;

    /** statfs(2) f_flags (ST_*) of the filesystem mount holding {@code path}. */
    long statfsFlags(String path) throws SyscallException;

    /** prlimit64(2) on {@code pid} (0: this process): sets soft and hard (-1 = RLIM_INFINITY). */
    void prlimit(int pid, int resource, long soft, long hard) throws SyscallException;

    /** This process's {soft, hard} limit of {@code resource} (-1 = RLIM_INFINITY). */
    long[] getrlimit(int resource) throws SyscallException;

    /** openat(AT_FDCWD, path, flags | O_CLOEXEC, 0600): a raw fd to hand to a child (a namespace file, /dev/null, a log). */
    int open(String path, int flags) throws SyscallException;

    /** setns(2) of the calling thread into the namespace {@code fd} refers to, which must be of type {@code nstype} (CLONE_NEW*). */
    void setns(int fd, int nstype) throws SyscallException;

    /** memfd_create(MFD_CLOEXEC): an anonymous file, such as a helper's stderr, read back through /proc/self/fd. */
    int memfd(String name) throws SyscallException;

    /** pidfd_send_signal(2): a signal to the process the pidfd names, never to a later one with its pid. */
    void pidfdSendSignal(int pidfd, int sig) throws SyscallException;

    /** mount(2) MS_BIND of {@code source} onto {@code target} (ns persist: an nsfs file onto a file). */
    void bindMount(String source, String target) throws SyscallException;

    /** umount2(2) with MNT_DETACH. */
    void detach(String target) throws SyscallException;
}
