package dev.jrun.jul;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The java.util.logging stand-in the shaded jar's JNA logs through (LauncherTest checks the jar). */
class LoggerTest {
    @Test
    void printsWhatTheDefaultConsoleHandlerWouldPrint() {
        Logger log = Logger.getLogger("com.sun.jna.Native");
        assertTrue(log.isLoggable(Level.SEVERE));
        assertTrue(log.isLoggable(Level.WARNING));
        assertTrue(log.isLoggable(Level.INFO));
        assertFalse(log.isLoggable(Level.CONFIG));
        assertFalse(log.isLoggable(Level.FINE));
        assertFalse(log.isLoggable(Level.OFF));
        assertEquals(800, Level.INFO.intValue());
        assertEquals("WARNING", Level.WARNING.getName());
    }

    @Test
    void fillsPlaceholdersLikeMessageFormat() {
        assertEquals("Looking in /x (1) /x", Logger.format("Looking in {0} ({1}) {0}", new Object[] {"/x", 1}));
        assertEquals("no params {0}", Logger.format("no params {0}", null));
        assertEquals("null", Logger.format(null, new Object[] {"a"}));
        assertEquals("{1} stays", Logger.format("{1} stays", new Object[] {"only zero"}));
        assertEquals("it's 'x' and {0}", Logger.format("it''s ''{0}'' and '{0}'", new Object[] {"x"}));
        for (String m : new String[] {"a {0} b {1}", "it''s {0}", "'{0}' {1}"}) {
            Object[] p = {"p0", 7};
            assertEquals(java.text.MessageFormat.format(m, p), Logger.format(m, p), m);
        }
    }

    @Test
    void oneLineOnStderrNeverAStackTrace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.err;
        try {
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            Logger log = Logger.getLogger("com.sun.jna.Native");
            log.log(Level.WARNING, "JNA Warning: Encoding ''{0}'' is unsupported", "x");
            log.log(Level.FINE, "not shown");
            LogRecord r = new LogRecord(Level.SEVERE, "failed");
            r.setThrown(new IllegalStateException("boom"));
            log.log(r);
        } finally {
            System.setErr(old);
        }
        assertEquals("jrun: com.sun.jna.Native: WARNING: JNA Warning: Encoding 'x' is unsupported\n"
                + "jrun: com.sun.jna.Native: SEVERE: failed: java.lang.IllegalStateException: boom\n",
                bytes.toString(StandardCharsets.UTF_8));
    }
}
