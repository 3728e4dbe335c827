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

    /**
     * podman's default set (containers.conf), 0x800425fb: Docker's without CAP_MKNOD, CAP_NET_RAW and
     * CAP_AUDIT_WRITE; notably without CAP_SYS_ADMIN. No device a container creates can be opened
     * anyway (nodev on every writable mount), and raw sockets are a spoofing tool.
     */
    public static final long DEFAULT = mask("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
            "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT");

    /** The number of {@code CAP_NAME} (or {@code NAME}), or -1. */
    public static int number(String name) {
        String n = name.startsWith("CAP_") ? name : "CAP_" + name;
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(n)) return i;
        return -1;
    }

    /** Every name, lowest number first. */
    public static List<String> allNames() {
        return List.of(NAMES);
    }

    public static String name(int number) {
        return number >= 0 && number < NAMES.length ? NAMES[number] : "CAP_" + number;
    }

    static long mask(String... names) {
        long m = 0;
        for (String n : names) m |= 1L << number(n);
        return m;
    }

    /**
     * The default set with a spec's changes, as Docker applies them: {@code drop: [ALL]} empties it
     * first, then drops, then {@code add} (ALL: every capability this kernel knows). Unknown names
     * are lint errors before any plan is made, and are ignored here.
     */
    public static long apply(long base, List<String> add, List<String> drop, int lastCap) {
        long all = lastCap >= 63 ? -1L : (1L << (lastCap + 1)) - 1;
        long set = drop.contains("ALL") ? 0 : base;
        for (String d : drop) if (number(d) >= 0) set &= ~(1L << number(d));
        if (add.contains("ALL")) set = all;
        for (String a : add) if (number(a) >= 0) set |= 1L << number(a);
        return set & all;
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
