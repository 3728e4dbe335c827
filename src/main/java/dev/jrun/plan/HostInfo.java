package dev.jrun.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The facts about the invoking user and host that a plan depends on, gathered by {@link #current}
 * before planning so the planner itself does no I/O.
 *
 * @param resolvConf the host's /etc/resolv.conf content (for network mode host), or null
 */
public record HostInfo(long uid, long gid, String resolvConf) {
    /** This process's effective uid and gid and the host's resolv.conf, read without native calls. */
    public static HostInfo current() {
        long uid = 0;
        long gid = 0;
        try {
            // "Uid:\treal\teffective\tsaved\tfs": the effective ids are what the kernel checks.
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) uid = Long.parseLong(line.split("\\s+")[2]);
                else if (line.startsWith("Gid:")) gid = Long.parseLong(line.split("\\s+")[2]);
            }
        } catch (IOException | RuntimeException e) {
            // Without /proc nothing later can work either; the runner reports that precisely.
        }
        String resolv = null;
        try {
            resolv = Files.readString(Path.of("/etc/resolv.conf"));
        } catch (IOException e) {
            // no host DNS configuration: containers with network host get none either
        }
        return new HostInfo(uid, gid, resolv);
    }

    public boolean root() {
        return uid == 0;
    }
}
