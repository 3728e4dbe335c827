package dev.jrun.host;

/**
 * The facts about the invoking user and the host that a plan depends on, gathered by
 * {@link #current} before planning so that the planner itself does no I/O. They are also part of
 * the plan cache's key: a plan compiled under other facts is never reused.
 *
 * @param resolvConf the host's /etc/resolv.conf content (for network mode host), or null
 * @param lastCap the highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap)
 * @param kernel the kernel's release (/proc/sys/kernel/osrelease): openat2, mount_setattr and
 *               seccomp profiles' minKernel depend on it
 * @param libseccomp libseccomp's file as path, size and mtime, or "none": a seccomp filter depends on it
 */
public record HostInfo(long uid, long gid, String resolvConf, int lastCap, String kernel, String libseccomp) {
    /** Where JNA finds libseccomp (bin/jrun's jna.platform.library.path, in that order). */
    private static final String[] LIBRARY_DIRS = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
        "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"};

    /** CAP_CHECKPOINT_RESTORE, the last one in Linux 5.9 to 6.x, when the kernel does not say. */
    public static final int LAST_CAP_FALLBACK = 40;

    /** For tests: the given ids, no resolv.conf, Linux 6's capabilities. */
    public HostInfo(long uid, long gid, String resolvConf) {
        this(uid, gid, resolvConf, LAST_CAP_FALLBACK, release(), libseccompFile());
    }

    /** This process's effective uid and gid and the host's files, read without native calls and without regex. */
    public static HostInfo current() {
        long uid = 0;
        long gid = 0;
        String status = SmallFile.readOrNull("/proc/self/status");
        if (status != null) {
            // "Uid:\treal\teffective\tsaved\tfs": the effective ids are what the kernel checks.
            uid = effectiveId(status, "\nUid:");
            gid = effectiveId(status, "\nGid:");
        }
        // resolv.conf null without a host DNS configuration: containers with network host get none either
        return new HostInfo(uid, gid, SmallFile.readOrNull("/etc/resolv.conf"), readLastCap(), release(), libseccompFile());
    }

    /** This process's effective uid, as {@link #current} reads it. */
    public static long effectiveUid() {
        String status = SmallFile.readOrNull("/proc/self/status");
        return status == null ? 0 : effectiveId(status, "\nUid:");
    }

    /** The second number after {@code key}, or 0 (without /proc nothing later can work either). */
    static long effectiveId(String status, String key) {
        int i = status.indexOf(key);
        if (i < 0) return 0;
        int end = status.indexOf('\n', i + 1);
        String[] f = status.substring(i + key.length(), end < 0 ? status.length() : end).trim().split("\t");
        try {
            return f.length > 1 ? Long.parseLong(f[1].trim()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int readLastCap() {
        String s = SmallFile.readOrNull("/proc/sys/kernel/cap_last_cap");
        try {
            return s == null ? LAST_CAP_FALLBACK : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return LAST_CAP_FALLBACK;
        }
    }

    private static String release() {
        String r = SmallFile.readOrNull("/proc/sys/kernel/osrelease");
        return r == null ? "0.0" : r.trim();
    }

    private static String libseccompFile() {
        for (String dir : LIBRARY_DIRS) {
            java.io.File f = new java.io.File(dir, "libseccomp.so.2");
            if (f.exists()) return f.getPath() + " " + f.length() + " " + f.lastModified();
        }
        return "none";
    }

    /** Whether the kernel is at least {@code major.minor} (openat2 is 5.6, mount_setattr 5.12). */
    public boolean kernelAtLeast(int major, int minor) {
        String[] p = kernel.split("[.-]");
        try {
            int ma = Integer.parseInt(p[0]);
            int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return ma > major || (ma == major && mi >= minor);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public boolean root() {
        return uid == 0;
    }
}
