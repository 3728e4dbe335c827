package dev.jrun.security;

import java.util.ArrayList;
import java.util.List;

/** Capability names and numbers (capabilities(7), include/uapi/linux/capability.h) and jrun's default set. */
public final class Capabilities {
    private Capabilities() {}

    /** Index = the capability's number. */
    static final String[] NAMES = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    };

    public static final int CAP_SYS_ADMIN = 21;

    /** Docker's default set (moby oci/caps/defaults.go), 0xa80425fb: notably without CAP_SYS_ADMIN. */
    public static final long DEFAULT = mask("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
            "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    /** The number of {@code CAP_NAME} (or {@code NAME}), or -1. */
    public static int number(String name) {
        String n = name.startsWith("CAP_") ? name : "CAP_" + name;
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(n)) return i;
        return -1;
    }

    public static String name(int number) {
        return number >= 0 && number < NAMES.length ? NAMES[number] : "CAP_" + number;
    }

    static long mask(String... names) {
        long m = 0;
        for (String n : names) m |= 1L << number(n);
        return m;
    }

    /** The names in {@code mask}, lowest number first. */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) if ((mask & (1L << i)) != 0) out.add(name(i));
        return out;
    }

    /** As the plan prints a set: the names, or "none". */
    public static String describe(long mask) {
        return mask == 0 ? "none" : String.join(" ", names(mask));
    }
}
