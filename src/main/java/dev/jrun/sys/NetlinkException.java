package dev.jrun.sys;

/** A refused netlink request: the operation with its operands, the errno, and why, in the kernel's words if it gave any. */
public final class NetlinkException extends Exception {
    /** "RTM_NEWLINK veth jr0123abcd peer eth0 in netns of pid 4242" */
    public final String operation;
    public final int errno;
    /** The extended ACK's text ("ipv4: Address already assigned"), or jrun's own explanation, or null. */
    public final String detail;

    public NetlinkException(String operation, int errno, String detail) {
        super(operation + ": " + Errno.describe(errno) + (detail == null ? "" : ": " + detail), null, false, false);
        this.operation = operation;
        this.errno = errno;
        this.detail = detail;
    }
}
