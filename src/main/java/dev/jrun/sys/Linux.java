package dev.jrun.sys;

/**
 * Kernel constants, named as in the man pages and uapi headers, and the syscall numbers of the two
 * architectures jrun supports (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h).
 * Only the *at variants of path calls are used, because aarch64 has no mkdir/open/symlink.
 */
public final class Linux {
    private Linux() {}

    /** Syscall numbers for the running architecture. */
    public static final Nr NR = Nr.forArch(System.getProperty("os.arch"));

    public record Nr(int read, int write, int close, int pipe2, int ppoll, int dup3, int ioctl,
            int socket, int sysClone, int execve, int exitGroup, int wait4, int waitid, int kill,
            int chdir, int chroot, int mkdirat, int openat, int symlinkat, int mount, int umount2,
            int pivotRoot, int statfs, int sethostname, int setdomainname, int setgroups,
            int setresuid, int setresgid, int setsid, int capset, int prctl, int rtSigaction,
            int rtSigprocmask, int rtSigtimedwait, int closeRange, int getpid, int futex, int pidfdOpen,
            int openat2, int umask, int seccomp, int mountSetattr, int prlimit64,
            int memfdCreate, int faccessat, int bind, int sendto, int recvfrom, int setsockopt, int setns, int fchdir, int pidfdSendSignal) {

        static Nr forArch(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> new Nr(0, 1, 3, 293, 271, 292, 16, 41, 56, 59, 231, 61, 247, 62,
                        80, 161, 258, 257, 266, 165, 166, 155, 137, 170, 171, 116, 117, 119, 112, 126, 157,
                        13, 14, 128, 436, 39, 202, 434,
                        437, 95, 317, 442, 302,
                        319, 269, 49, 44, 45, 54, 308, 81, 424);
                case "aarch64" -> new Nr(63, 64, 57, 59, 73, 24, 29, 198, 220, 221, 94, 260, 95, 129,
                        49, 51, 34, 56, 36, 40, 39, 41, 43, 161, 162, 159, 147, 149, 157, 91, 167,
                        134, 135, 137, 436, 172, 98, 434,
                        437, 166, 277, 442, 261,
                        279, 48, 200, 206, 207, 208, 268, 50, 424);
                default -> null;
            };
        }
    }

    // clone(2): the low byte of the flags is the exit signal sent to the parent.
    public static final long CSIGNAL = 0xff;

    public static final int AT_FDCWD = -100;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_APPEND = 02000;
    public static final int O_NOCTTY = 0400;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_PATH = 010000000;
    /** access(2) */
    public static final int X_OK = 1;

    /** openat2(2): struct open_how {u64 flags, mode, resolve} and the resolve flags jrun uses. */
    public static final int OPEN_HOW_SIZE = 24;
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    public static final long RESOLVE_IN_ROOT = 0x10;

    /** mount_setattr(2): struct mount_attr {u64 attr_set, attr_clr, propagation, userns_fd}. */
    public static final int MOUNT_ATTR_SIZE = 32;
    public static final long MOUNT_ATTR_RDONLY = 0x1;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int AT_RECURSIVE = 0x8000;

    // prctl(2) and seccomp(2)
    public static final int PR_SET_NO_NEW_PRIVS = 38;
    public static final int SECCOMP_SET_MODE_FILTER = 1;
    /** struct sock_fprog {unsigned short len; struct sock_filter *filter}: 16 bytes on 64-bit. */
    public static final int SOCK_FPROG_SIZE = 16;

    public static final int MNT_DETACH = 2;

    /** memfd_create(2) */
    public static final int MFD_CLOEXEC = 1;

    /** close_range(2) */
    public static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    public static final long FD_MAX = 0xffff_ffffL;

    // signal(7), x86_64 and aarch64 agree on these numbers.
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGUSR2 = 12;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGSTOP = 19;
    public static final int SIGWINCH = 28;
    /** The last signal number; the kernel's sigset_t is 64 bits, which rt_sig* calls take as size 8. */
    public static final int NSIG = 64;
    public static final int SIGSET_SIZE = 8;
    public static final int SIG_BLOCK = 0;
    public static final int SIG_SETMASK = 2;
    public static final long SIG_DFL = 0;
    public static final long SIG_IGN = 1;
    /** struct kernel_sigaction is 32 bytes on x86_64 (with sa_restorer), 24 on aarch64; zeroes are DFL on both. */
    public static final int KERNEL_SIGACTION_SIZE = 32;

    // wait(2)
    public static final int P_ALL = 0;
    public static final int P_PID = 1;
    public static final int WEXITED = 4;
    public static final int WNOHANG = 1;
    public static final int WNOWAIT = 0x01000000;
    public static final int __WALL = 0x40000000;
    public static final int CLD_EXITED = 1;
    public static final int CLD_KILLED = 2;
    public static final int CLD_DUMPED = 3;
    /** siginfo_t offsets for SIGCHLD (si_code, si_pid, si_status) and its size. */
    public static final int SI_CODE = 8;
    public static final int SI_PID = 16;
    public static final int SI_STATUS = 24;
    public static final int SIGINFO_SIZE = 128;

    // prctl(2)
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_SET_DUMPABLE = 4;
    public static final int PR_CAPBSET_DROP = 24;
    public static final int PR_SET_KEEPCAPS = 8;

    /** capget(2)/capset(2): _LINUX_CAPABILITY_VERSION_3, two 32-bit data words. */
    public static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    // capabilities(7)
    public static final int CAP_CHOWN = 0;
    public static final int CAP_DAC_OVERRIDE = 1;
    public static final int CAP_FOWNER = 3;
    public static final int CAP_FSETID = 4;
    public static final int CAP_KILL = 5;
    public static final int CAP_SETGID = 6;
    public static final int CAP_SETUID = 7;
    public static final int CAP_SETPCAP = 8;
    public static final int CAP_NET_BIND_SERVICE = 10;
    public static final int CAP_NET_RAW = 13;
    public static final int CAP_SYS_CHROOT = 18;
    public static final int CAP_MKNOD = 27;
    public static final int CAP_AUDIT_WRITE = 29;
    public static final int CAP_SETFCAP = 31;

    /** Docker's default capability set (moby oci/caps/defaults.go). Notably without CAP_SYS_ADMIN. */
    public static final int[] DOCKER_DEFAULT_CAPS = {
        CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID,
        CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
    };

    // netdevice(7)
    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = O_CLOEXEC;
    public static final long SIOCSIFFLAGS = 0x8914;
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFNAMSIZ = 16;
    public static final int IFREQ_SIZE = 40;

    // tty_ioctl(4)
    public static final long TIOCSCTTY = 0x540E;
    public static final long TIOCGWINSZ = 0x5413;
    public static final long TIOCSWINSZ = 0x5414;
    public static final long TCGETS = 0x5401;
    public static final long TCSETS = 0x5402;

    // statfs(2) f_flags (ST_*) and where f_flags sits in struct statfs on both 64-bit ABIs.
    public static final long ST_RDONLY = 1;
    public static final long ST_NOSUID = 2;
    public static final long ST_NODEV = 4;
    public static final long ST_NOEXEC = 8;
    public static final long ST_NOATIME = 1024;
    public static final long ST_NODIRATIME = 2048;
    public static final long ST_RELATIME = 4096;
    public static final int STATFS_SIZE = 120;
    public static final int STATFS_F_FLAGS = 80;

    public static final int POLLIN = 1;
}
