package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.plan.Plan;
import dev.jrun.sys.Errno;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunnerExceptionTest {
    @Test
    void aVeryLongOperandIsCutSoTheErrorStaysOneShortLine() throws Exception {
        TestSpecs t = new TestSpecs(Path.of("/nonexistent-rootfs"));
        Plan plan = t.plan(0, 0);
        String cwd = "/" + "x".repeat(900_000);
        RunnerException e = new RunnerException(plan, 1, "chdir " + cwd, Errno.ENOENT, null);
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " chars");
        assertTrue(e.getMessage().contains("chdir /xxx"), e.getMessage());
        assertTrue(e.getMessage().contains("x\u2026: ENOENT (No such file or directory)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
