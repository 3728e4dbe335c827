package dev.jrun.sys;

/** A failed syscall of the parent's: what was attempted and the errno. */
public final class SyscallException extends Exception {
    public final int errno;
    /** What was attempted, without the errno: "open /proc/123/uid_map". */
    public final String what;

    public SyscallException(String what, int errno) {
        super(what + ": " + Errno.describe(errno), null, false, false);
        this.what = what;
        this.errno = errno;
    }
}
