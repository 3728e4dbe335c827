package dev.jrun.spec;

import java.util.Locale;

/** The seven namespaces a spec can name; the clone(2) flag values are the kernel's. */
public enum Namespace {
    USER(0x10000000, "user"),
    MOUNT(0x00020000, "mnt"),
    UTS(0x04000000, "uts"),
    IPC(0x08000000, "ipc"),
    PID(0x20000000, "pid"),
    NET(0x40000000, "net"),
    CGROUP(0x02000000, "cgroup");

    /** CLONE_NEW* flag (see clone(2)). */
    public final int cloneFlag;
    /** Name of the file under /proc/PID/ns/. */
    public final String procName;

    Namespace(int cloneFlag, String procName) {
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    /** Spelling used in specs: {@code user, mount, uts, ipc, pid, net, cgroup}. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Namespace fromSpecName(String s) {
        for (Namespace n : values()) {
            if (n.specName().equals(s)) return n;
        }
        return null;
    }
}
