package dev.jrun.runner.state;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.sys.ProcStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerStateTest {
    @TempDir
    Path dir;

    @Test
    void theStatusIsTheProcesssNotWhatWasWritten() throws Exception {
        ContainerState created = ContainerState.created("web", "/s.yaml", "/", "2026-12-02T00:00:00Z");
        assertEquals(ContainerState.CREATED, created.status());
        ProcStat me = ProcStat.self();
        ContainerState running = created.running(me.pid(), me.startTime(), me.pid(), me.startTime());
        assertEquals(ContainerState.RUNNING, running.status(), "this JVM is alive");
        assertTrue(running.supervised());
        ContainerState reused = created.running(me.pid(), me.startTime() + 1, 0, 0);
        assertEquals(ContainerState.STOPPED, reused.status(), "the same pid, another start time: not the container's init");
        assertTrue(reused.exitUnknown());
        ContainerState otherBoot = new ContainerState("web", "running", me.pid(), me.startTime(), "another-boot", null, null, null,
                null, 0, 0, Map.of());
        assertEquals(ContainerState.STOPPED, otherBoot.status(), "a pid of an earlier boot");
        assertFalse(running.stopped(143).exitUnknown());
    }

    /** A run -d client SIGKILLed before the service answered: its folder reads stopped, not created for ever. */
    @Test
    void aCreatedContainerWhoseCreatorIsGoneIsStopped() {
        ContainerState created = ContainerState.created("web", "/s.yaml", "/", "2026-12-02T00:00:00Z");
        assertEquals(ProcStat.self().pid(), created.supervisorPid(), "the creator supervises until the service takes over");
        ContainerState orphan = new ContainerState("web", ContainerState.CREATED, 0, 0, created.bootId(), created.created(), "/s.yaml",
                "/", null, created.supervisorPid(), created.supervisorStart() + 1, Map.of());
        assertEquals(ContainerState.STOPPED, orphan.status(), "its creator is not alive (another start time)");
        assertTrue(orphan.exitUnknown());
        ContainerState legacy = new ContainerState("web", ContainerState.CREATED, 0, 0, created.bootId(), null, null, null, null, 0, 0, Map.of());
        assertEquals(ContainerState.STOPPED, legacy.status(), "no creator recorded");
    }

    @Test
    void writtenWholeAndReadBack() throws Exception {
        ProcStat me = ProcStat.self();
        ContainerState s = ContainerState.created("web", "/s.yaml", "/", "2026-12-02T00:00:00Z").running(me.pid(), me.startTime(), 7, 8);
        s.write(dir);
        ContainerState back = ContainerState.read(dir);
        assertEquals(s, back);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left");
        }
        Files.writeString(dir.resolve("state.json"), "{not json");
        Exception e = assertThrows(java.io.IOException.class, () -> ContainerState.read(dir));
        assertTrue(e.getMessage().contains("state.json"), e.getMessage());
    }

    @Test
    void namesAreFolderNames() {
        for (String bad : new String[] {"", ".", "..", "a/b", "-x", "_x", "x y"}) {
            assertThrows(Containers.Failure.class, () -> Containers.checkName(bad), bad);
        }
        assertDoesNotThrow(() -> Containers.checkName("web-1.prod_a"));
    }
}
