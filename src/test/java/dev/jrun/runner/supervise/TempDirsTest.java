package dev.jrun.runner.supervise;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's private temp dirs: made 0700 and fresh, removed without following symlinks. */
class TempDirsTest {
    @TempDir Path tmp;

    @Test
    void privateDirsAreFreshAndOwnerOnly() throws Exception {
        Path a = PrivateDir.create(tmp, -1);
        Path b = PrivateDir.create(tmp, -1);
        assertNotEquals(a, b);
        assertEquals(tmp, a.getParent());
        assertTrue(a.getFileName().toString().startsWith("jrun-"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
    }

    @Test
    void deleteTreeRemovesEverythingButWhatSymlinksPointAt() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path keep = Files.writeString(outside.resolve("keep"), "host data");
        Path dir = PrivateDir.create(tmp, -1);
        Files.createDirectories(dir.resolve("root/etc"));
        Files.writeString(dir.resolve("root/etc/hosts"), "x");
        Files.writeString(dir.resolve("f0"), "conf");
        Files.createSymbolicLink(dir.resolve("root/link"), outside);
        Files.createSymbolicLink(dir.resolve("dangling"), tmp.resolve("nowhere"));

        PrivateDir.deleteTree(dir);

        assertFalse(Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("host data", Files.readString(keep), "deleteTree followed a symlink out of the temp dir");
        PrivateDir.deleteTree(dir); // already gone: no error
        PrivateDir.deleteTree(null);
    }
}
