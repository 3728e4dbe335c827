package dev.jrun.runner.supervise;

import dev.jrun.sys.ProcStat;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The run's private directory ({@code Step.PrivateDir}): 0700, under the temp dir, holding the
 * generated conf files ({@code f0}, {@code f1}, …, bound read-only into the container) and the
 * mount points of the new root ({@code root}, {@code layer}, {@code copyup-N}, which the child
 * creates). Once the process has exec'd nothing refers to it by path any more (the root was
 * pivoted or moved away from it, the binds hold their files' inodes), so it is deleted then.
 * Its name carries jrun's pid and start time: one left by a jrun SIGKILLed during set-up is
 * deleted by the next run in the same temp dir.
 */
public final class PrivateDir {
    private PrivateDir() {}

    /**
     * A new 0700 directory in {@code base}, chowned to {@code owner} unless that is -1. Not
     * Files.createTempDirectory: its SecureRandom costs ~10 ms of a cold start. mkdir(2) never
     * follows a planted symlink and fails on any existing name, so a guessed name only costs
     * another try.
     */
    public static Path create(Path base, long owner) throws IOException {
        reapStale(base);
        var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        String prefix = PREFIX + SELF + "-";
        for (int i = 0; ; i++) {
            Path dir = base.resolve(prefix + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
            try {
                Files.createDirectory(dir, mode);
                if (owner >= 0) Files.setAttribute(dir, "unix:uid", (int) owner);
                return dir;
            } catch (FileAlreadyExistsException e) {
                if (i == 100) throw e;
            }
        }
    }

    static final String PREFIX = "jrun-";
    /**
     * "PID.STARTTIME" of this JVM: a later process with the same pid has another start time. Read
     * from /proc/self/stat: ProcessHandle's initializer starts a thread pool (~2 ms of a cold run).
     */
    static final String SELF = ProcStat.SELF;

    private static boolean ownedByUs(Path p) {
        try {
            Object mine = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return mine.equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                    && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }


    /**
     * Deletes private dirs in {@code base} whose jrun is gone: {@code jrun-PID.START-…} where
     * process PID does not exist or started at another time. Others' dirs cannot be deleted
     * (sticky /tmp, 0700), which is fine: only their own jrun may.
     */
    static void reapStale(Path base) {
        String[] names = base.toFile().list();
        if (names == null) return;
        for (String n : names) {
            if (!n.startsWith(PREFIX)) continue;
            int dash = n.indexOf('-', PREFIX.length());
            int dot = n.indexOf('.', PREFIX.length());
            if (dash < 0 || dot < 0 || dot > dash) continue; // not one of ours (older jruns' names have no pid)
            String owner = n.substring(PREFIX.length(), dash);
            if (owner.equals(SELF)) continue;
            Path stale = base.resolve(n);
            // Only our own user's: a root jrun must not walk a tree someone else can change under it.
            if (!ProcStat.alive(owner) && ownedByUs(stale)) deleteTree(stale);
        }
    }

    /** Depth first, without following symlinks. Plain java.io: Files.walk's streams cost ms of a cold start. */
    public static void deleteTree(Path dir) {
        // java.io's exists() first: most runs deleted it at EXEC_OK already, and NIO's answer for a
        // missing path is an exception, whose classes cost a cold run
        if (dir != null && dir.toFile().exists()) deleteTree(dir.toFile());
    }

    private static void deleteTree(File f) {
        if (Files.isDirectory(f.toPath(), LinkOption.NOFOLLOW_LINKS)) {
            String[] names = f.list();
            if (names != null) {
                for (String n : names) deleteTree(new File(f, n));
            }
        }
        f.delete();
    }
}
