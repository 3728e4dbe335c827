package dev.jrun.plan;

import static dev.jrun.plan.MountFlags.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
    @Test
    void splitsFlagsPropagationAndData() {
        MountOptions.Parsed p = MountOptions.parse(List.of("ro", "nosuid", "nodev", "rslave", "size=64m", "mode=1777"));
        assertEquals(MS_RDONLY | MS_NOSUID | MS_NODEV, p.flags());
        assertEquals(MS_SLAVE | MS_REC, p.propagation());
        assertEquals("size=64m,mode=1777", p.data());
        assertTrue(p.errors().isEmpty());
    }

    @Test
    void laterOptionsWin() {
        assertEquals(0, MountOptions.parse(List.of("ro", "rw")).flags());
        assertEquals(MS_BIND | MS_REC, MountOptions.parse(List.of("rbind")).flags());
    }

    @Test
    void reportsMalformedOptions() {
        assertEquals(List.of(
                "bad size \"lots\": use a number with an optional k, m or g suffix, or a percentage like 50%",
                "bad mode \"rwx\": use an octal mode such as 0755",
                "mount option \"a,b\" contains ','; list each option separately",
                "empty mount option",
                "malformed mount option \"=x\""),
                MountOptions.parse(List.of("size=lots", "mode=rwx", "a,b", "", "=x")).errors());
        assertTrue(MountOptions.parse(List.of("size=10%", "size=1g", "nr_inodes=400k", "uid=1000")).errors().isEmpty());
    }
}
