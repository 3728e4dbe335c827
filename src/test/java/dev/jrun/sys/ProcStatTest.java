package dev.jrun.sys;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void thisProcessesOwnStat() {
        ProcStat me = ProcStat.read("/proc/self/stat");
        assertNotNull(me);
        assertEquals(ProcessHandle.current().pid(), me.pid());
        assertTrue(me.startTime() > 0);
        assertTrue(me.argEnd() > me.argStart() && me.argStart() > 0, "the argv area");
        assertNull(ProcStat.read("/proc/0/stat"));
    }
}
