package dev.jrun.runner.supervise;

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
 * mount points of the new root ({@code root}, {@code layer}, which the child creates).
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
        var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        for (int i = 0; ; i++) {
            Path dir = base.resolve("jrun-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
            try {
                Files.createDirectory(dir, mode);
                if (owner >= 0) Files.setAttribute(dir, "unix:uid", (int) owner);
                return dir;
            } catch (FileAlreadyExistsException e) {
                if (i == 100) throw e;
            }
        }
    }

    /** Once the process runs: the conf files' bind mounts hold their inodes now. */
    static void deleteGenerated(Path dir) {
        if (dir == null) return;
        String[] names = dir.toFile().list();
        if (names == null) return; // deleteTree tries again at the end
        for (String n : names) {
            if (n.startsWith("f")) new File(dir.toFile(), n).delete();
        }
    }

    /** Depth first, without following symlinks. Plain java.io: Files.walk's streams cost ms of a cold start. */
    public static void deleteTree(Path dir) {
        if (dir != null) deleteTree(dir.toFile());
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
