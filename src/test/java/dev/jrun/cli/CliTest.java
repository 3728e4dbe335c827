package dev.jrun.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands' exit codes and output contracts, in-process (no containers are started). */
class CliTest {
    record Out(int code, String out, String err) {}

    static synchronized Out jrun(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Main.COMMANDS, JrunCommand's table and each command's own name and aliases agree. */
    @Test
    void everyCommandNameBuildsThatCommand() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String n : Main.SUBCOMMANDS) {
            picocli.CommandLine.Command c = JrunCommand.subcommand(n).getClass().getAnnotation(picocli.CommandLine.Command.class);
            assertEquals(n, c.name());
            names.add(c.name());
            for (String alias : c.aliases()) {
                names.add(alias);
                assertSame(JrunCommand.subcommand(n).getClass(), JrunCommand.subcommand(alias).getClass(), alias);
            }
        }
        assertEquals(new java.util.TreeSet<>(Main.COMMANDS), names);
        assertNull(JrunCommand.subcommand("nope"));
    }

    /** Only the named subcommand is built, yet a subcommand's usage and the root's help are whole. */
    @Test
    void aSubcommandsHelpAndTheRootsHelpAreWhole() {
        Out ps = jrun("ps", "--help");
        assertEquals(0, ps.code(), ps.err());
        assertTrue(ps.out().startsWith("Usage: jrun ps "), ps.out());
        assertTrue(ps.out().contains("--debug"), "the root's inherited option: " + ps.out());
        Out root = jrun("--help");
        Out help = jrun("help");
        assertEquals(root.out(), help.out());
        for (String n : Main.SUBCOMMANDS) {
            if (JrunCommand.subcommand(n).getClass().getAnnotation(picocli.CommandLine.Command.class).hidden()) continue;
            assertTrue(root.out().contains("\n  " + n + " ") || root.out().contains("\n  " + n + ","), n + " in " + root.out());
        }
    }

    @Test
    void lintOfTheExamplesIsClean() {
        Out o = jrun("lint", "specs/");
        assertEquals(0, o.code(), o.out() + o.err());
        assertEquals("", o.out());
    }

    @Test
    void lintFindingsExitOneAndUsageErrorsTwo() {
        Out o = jrun("lint", "specs/bad/unknown-key.yaml");
        assertEquals(1, o.code(), o.err());
        assertTrue(o.out().startsWith("specs/bad/unknown-key.yaml:"), o.out());
        assertEquals(2, jrun("lint", "no/such/dir").code());
        assertEquals(2, jrun("lint", "--format", "xml", "specs/").code());
        assertEquals(2, jrun("lint", "--no-such-option").code());
    }

    @Test
    void planPrintsEveryStepWithoutRunningAnything() {
        Out o = jrun("plan", "specs/demo.yaml");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains(" 2. parent namespaces     clone CLONE_NEWUSER|"), o.out());
        assertTrue(o.out().contains("pivot-root"), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.trim().startsWith("from specs/demo.yaml:")), o.out());
        Out json = jrun("plan", "--json", "specs/demo.yaml");
        assertEquals(0, json.code());
        assertTrue(json.out().startsWith("{\n  \"spec\": \"specs/demo.yaml\""), json.out());
    }

    @Test
    void planOfABrokenSpecShowsTheFindingAndExitsOne(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("x.yaml");
        Files.writeString(spec, "version: 1\nname: x\nhostname: box\nnamespaces: [user, mount]\n"
                + "rootfs: {host: true}\nprocess: {args: [/bin/true]}\n");
        Out o = jrun("plan", spec.toString());
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains(spec + ":3:"), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
        assertEquals(2, jrun("plan", dir.resolve("missing.yaml").toString()).code());
    }

    @Test
    void runOfABadSpecFailsWith125BeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "version: 1\nname: x\nprocess: {args: [/bin/true]}\nmounst: []\n");
        Out o = jrun(spec.toString());
        assertEquals(125, o.code());
        assertTrue(o.err().contains(spec + ":4:1: error: unknown key \"mounst\""), o.err());
        assertEquals(125, jrun("run", spec.toString()).code());
    }

    @Test
    void schemaPrintsTheShippedSchema() throws Exception {
        Out o = jrun("schema");
        assertEquals(0, o.code());
        assertEquals(Files.readString(Path.of("schema/jrun-spec.schema.json")), o.out());
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, jrun("--help").code());
        assertTrue(jrun("--version").out().startsWith("jrun "));
        assertEquals(2, jrun().code());
    }
}
