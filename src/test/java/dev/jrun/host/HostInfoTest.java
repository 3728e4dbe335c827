package dev.jrun.host;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostInfoTest {
    static final String STATUS = "Name:\tjava\nUmask:\t0022\nState:\tR (running)\n"
            + "Uid:\t1000\t65534\t1000\t65534\nGid:\t100\t200\t100\t200\nNgid:\t0\n";

    @Test
    void theEffectiveIdsAreTheSecondColumn() {
        assertEquals(65534, HostInfo.effectiveId(STATUS, "\nUid:"));
        assertEquals(200, HostInfo.effectiveId(STATUS, "\nGid:"));
        assertEquals(0, HostInfo.effectiveId("Name:\tx\n", "\nUid:"), "no such line");
        assertEquals(0, HostInfo.effectiveId("Name:\tx\nUid:\tgarbage\n", "\nUid:"), "one column only");
    }

    @Test
    void currentIsWhoOwnsTheFilesThisProcessMakes(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        HostInfo host = HostInfo.current();
        assertEquals(((Number) Files.getAttribute(f, "unix:uid")).longValue(), host.uid());
        assertEquals(((Number) Files.getAttribute(f, "unix:gid")).longValue(), host.gid());
        Path resolv = Path.of("/etc/resolv.conf");
        assertEquals(Files.isReadable(resolv) ? Files.readString(resolv) : null, host.resolvConf());
    }
}
