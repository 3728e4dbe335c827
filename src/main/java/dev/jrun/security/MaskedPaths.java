package dev.jrun.security;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** What a container may not see or change of the kernel and the host, by default (runc's lists). */
public final class MaskedPaths {
    private MaskedPaths() {}

    /** /dev/null is bound over files, an empty read-only tmpfs over directories; absent ones are skipped. */
    public static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    /** Bound onto themselves and made read-only, recursively. */
    public static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    /**
     * rootfs {host: true} binds the host's /etc: its secrets are masked too, whatever the spec's
     * maskedPaths say. The ssh host keys are looked up now (they have the host's key types in their names).
     */
    public static List<String> hostSecrets() {
        List<String> out = new ArrayList<>(List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
                "/etc/sudoers", "/etc/sudoers.d"));
        String[] ssh = new File("/etc/ssh").list();
        if (ssh != null) {
            java.util.Arrays.sort(ssh);
            for (String n : ssh) if (n.startsWith("ssh_host_") && n.endsWith("_key")) out.add("/etc/ssh/" + n);
        }
        return out;
    }
}
