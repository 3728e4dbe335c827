package dev.jrun.cli;

import dev.jrun.plan.HostInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the invoking user's ids and the host files a plan may copy, without native calls. */
final class HostFacts {
    private HostFacts() {}

    /**
     * This build of jrun: the version and the jar's size and mtime, so that cached plans never
     * outlive the code that compiled them (a rebuilt planner may order or fill steps differently).
     */
    static String build() {
        String v = JrunCommand.VERSION;
        try {
            Path jar = Path.of(HostFacts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return v + " " + jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
        } catch (Exception | Error e) {
            return v + " unknown build " + System.nanoTime(); // never matches: no caching
        }
    }

    static HostInfo read() {
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
}
