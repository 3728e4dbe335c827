package dev.jrun.sys;

/**
 * The kernel constants and syscall numbers that networking adds to {@link Linux}, named as in the
 * uapi headers (linux/netlink.h, linux/socket.h, linux/sched.h, asm-generic/socket.h). Kept apart
 * only while the net branch may not edit Linux.java: they belong in {@link Linux.Nr} and beside its
 * constants, and should move there on merge.
 */
public final class NetLinux {
    private NetLinux() {}

    /** Syscall numbers for the running architecture (null on any other, as {@link Linux#NR}). */
    public static final Nr NR = Nr.forArch(System.getProperty("os.arch"));

    public record Nr(int bind, int sendto, int recvfrom, int setsockopt, int setns) {
        static Nr forArch(String arch) {
            return switch (arch) {
                // arch/x86/entry/syscalls/syscall_64.tbl
                case "amd64", "x86_64" -> new Nr(49, 44, 45, 54, 308);
                // include/uapi/asm-generic/unistd.h
                case "aarch64" -> new Nr(200, 206, 207, 208, 268);
                default -> null;
            };
        }
    }

    // socket(2), netlink(7)
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int NETLINK_ROUTE = 0;
    /** sizeof(struct sockaddr_nl): family (u16), pad (u16), nl_pid (u32), nl_groups (u32). */
    public static final int SOCKADDR_NL_SIZE = 12;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    // socket(7): the same numbers on x86_64 and aarch64 (asm-generic/socket.h, SO_RCVTIMEO_OLD:
    // a struct timeval of two longs on 64-bit).
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVTIMEO = 20;
    public static final int MSG_TRUNC = 0x20;

    /** An errno {@link Errno} names in its table but has no constant for. */
    public static final int ENOBUFS = 105;

    /** setns(2), clone(2) */
    public static final int CLONE_NEWNET = 0x40000000;
}
