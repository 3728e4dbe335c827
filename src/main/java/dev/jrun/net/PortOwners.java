package dev.jrun.net;

import dev.jrun.host.SmallFile;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who holds a local port: the socket's inode from /proc/net/{tcp,udp}{,6}, then the process whose fd is it. */
final class PortOwners {
    private PortOwners() {}

    /** The pid of a process with a socket bound to {@code port} ("tcp" or "udp"), or -1 when unknown. */
    static long owner(int port, String protocol) {
        String inode = null;
        for (String table : new String[] {protocol, protocol + "6"}) {
            String t = SmallFile.readOrNull("/proc/net/" + table);
            if (t == null) continue;
            for (String line : t.split("\n")) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ... inode (field 9); local "0100007F:1F90"
                if (f.length < 10 || !f[1].contains(":")) continue;
                int p;
                try {
                    p = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (p == port && !f[9].equals("0")) {
                    inode = f[9];
                    break;
                }
            }
            if (inode != null) break;
        }
        if (inode == null) return -1;
        String socket = "socket:[" + inode + "]";
        String[] pids = new File("/proc").list();
        if (pids == null) return -1;
        for (String pid : pids) {
            if (pid.isEmpty() || !Character.isDigit(pid.charAt(0))) continue;
            String[] fds = new File("/proc/" + pid + "/fd").list();
            if (fds == null) continue; // not ours to look at
            for (String fd : fds) {
                try {
                    if (Files.readSymbolicLink(Path.of("/proc", pid, "fd", fd)).toString().equals(socket)) return Long.parseLong(pid);
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        }
        return -1;
    }
}
