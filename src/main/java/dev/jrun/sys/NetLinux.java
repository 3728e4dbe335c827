package dev.jrun.sys;

/**
 * The kernel constants networking adds to {@link Linux}, named as in the uapi headers
 * (linux/netlink.h, linux/socket.h, linux/sched.h, asm-generic/socket.h). Their syscall numbers
 * are {@link Linux.Nr}'s, like every other.
 */
public final class NetLinux {
    private NetLinux() {}

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
