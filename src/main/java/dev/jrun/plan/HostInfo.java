package dev.jrun.plan;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The facts about the invoking user and host that a plan depends on, gathered by {@link #current}
 * before planning so the planner itself does no I/O.
 *
 * @param resolvConf the host's /etc/resolv.conf content (for network mode host), or null
 */
public record HostInfo(long uid, long gid, String resolvConf) {
    /**
     * This process's effective uid and gid and the host's resolv.conf, read without native calls,
     * and with java.io and no regex: this runs on every cold start.
     */
    public static HostInfo current() {
        long uid = 0;
        long gid = 0;
        String status = read("/proc/self/status");
        if (status != null) {
            // "Uid:\treal\teffective\tsaved\tfs": the effective ids are what the kernel checks.
            uid = effectiveId(status, "\nUid:");
            gid = effectiveId(status, "\nGid:");
        }
        // null without a host DNS configuration: containers with network host get none either
        return new HostInfo(uid, gid, read("/etc/resolv.conf"));
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

    private static String read(String path) {
        try (FileInputStream in = new FileInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    public boolean root() {
        return uid == 0;
    }
}
