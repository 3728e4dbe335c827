package dev.jrun.runner.child;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jrun.sys.Linux;
import dev.jrun.sys.RecordingSyscalls;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelperProgramTest {
    @Test
    void deathSignalFirstThenFdsAtTheirNumbersThenExec() {
        // fds the parent happens to hold: the sync pipe at 20, /dev/null 7, a memfd 4, the netns 3 (target 3), the ready pipe 9.
        List<HelperProgram.Fd> fds = List.of(new HelperProgram.Fd(0, 7), new HelperProgram.Fd(1, 7), new HelperProgram.Fd(2, 4),
                new HelperProgram.Fd(3, 3), new HelperProgram.Fd(4, 9));
        RecordingSyscalls fake = new RecordingSyscalls();
        try (ChildProgram p = HelperProgram.build("/usr/bin/pasta", List.of("pasta", "-f"), List.of("PATH=/bin"), 20, fds)) {
            ChildExecutor.run(fake, p);
        }
        assertEquals(List.of(
                "prctl(" + Linux.PR_SET_PDEATHSIG + ", " + Linux.SIGKILL + ")",
                // staged above every fd in play, so that no dup3 overwrites a source still to be moved
                "dup3(20, 21)", "dup3(7, 22)", "dup3(7, 23)", "dup3(4, 24)", "dup3(3, 25)", "dup3(9, 26)",
                "close_range(0, 20, 0)", "close_range(27, ~0, 0)",
                // the parent's write end is closed now: EOF here would mean it died before the death signal
                "read(21, 1)", "close(21)",
                "dup3(22, 0)", "dup3(23, 1)", "dup3(24, 2)", "dup3(25, 3)", "dup3(26, 4)",
                "close_range(5, ~0, 0)",
                "setsid()"), fake.calls.subList(0, 18));
        List<String> rest = fake.calls.subList(18, fake.calls.size());
        assertEquals("execve(\"/usr/bin/pasta\", [pasta, -f], [PATH=/bin])",
                rest.stream().filter(c -> c.startsWith("execve")).findFirst().orElse(rest.toString()));
    }

    @Test
    void aDeadParentStopsTheHelperBeforeExec() {
        RecordingSyscalls fake = new RecordingSyscalls();
        fake.readEof = true;
        try (ChildProgram p = HelperProgram.build("/bin/x", List.of("x"), List.of(), 5, List.of())) {
            ChildExecutor.run(fake, p);
        }
        assertEquals(false, fake.calls.stream().anyMatch(c -> c.startsWith("execve")), fake.calls.toString());
    }
}
