package dev.jrun.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jrun.spec.Diagnostic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linting files and directories end to end, and what `jrun lint` prints and exits with. */
class LinterTest {
    @TempDir
    Path dir;

    static final String CLEAN = """
            version: 1
            name: clean
            rootfs: {host: true}
            process:
              args: [/bin/sh]
            """;

    /** Warnings only: the program is not on the host. */
    static final String WARNS = """
            version: 1
            name: warns
            rootfs: {host: true}
            process:
              args: [/no/such/program]
            """;

    /** One error, at 8:22: the second destination's value. */
    static final String BROKEN = """
            version: 1
            name: broken
            rootfs: {host: true}
            mounts:
              - destination: /data
                type: tmpfs
              - type: tmpfs
                destination:     /data
            process:
              args: [/bin/sh]
            """;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    @Test
    void aFindingPointsAtTheExactValueInYaml() throws IOException {
        Path f = write("broken.yaml", BROKEN);
        assertEquals(List.of(f + ":8:22: error: destination \"/data\" is already used by mounts[0] at line 5;"
                + " mount each path once [dest-unique]"), Linter.lintFile(f).stream().map(Diagnostic::toString).toList());
    }

    @Test
    void aFindingPointsAtTheExactValueInJson() throws IOException {
        Path f = write("broken.json", """
                {"version": 1, "name": "j", "rootfs": {"host": true},
                 "process": {"args": ["/bin/sh"],
                             "cwd": "/srv/",
                             "env": {"HOME": "/"}}}
                """);
        List<Diagnostic> found = Linter.lintFile(f);
        assertEquals(1, found.size(), found.toString());
        assertEquals(3, found.get(0).at().line());
        assertEquals(21, found.get(0).at().col());
        assertEquals("path-normalized", found.get(0).ruleId());
    }

    @Test
    void semanticRulesRunOnlyOnSchemaValidSpecs() throws IOException {
        // The unknown key stops the pipeline before the model; the dest-unique mistake is not reported yet.
        Path f = write("both.yaml", BROKEN + "hostnme: x\n");
        List<Diagnostic> found = Linter.lintFile(f);
        assertEquals(List.of("schema-unknown-key"), found.stream().map(Diagnostic::ruleId).toList());
    }

    @Test
    void directoriesAreSearchedSortedAndSkipIgnoredAndHiddenOnes() throws IOException, LintException {
        Path b = write("b.yaml", CLEAN);
        Path a = write("sub/a.json", "{}");
        Path c = write("sub/c.yml", CLEAN);
        write("notes.txt", "not a spec");
        write("ignored/x.yaml", "{");
        write("ignored/" + Linter.IGNORE_FILE, "");
        write(".hidden/y.yaml", "{");
        assertEquals(List.of(b, a, c), Linter.expand(List.of(dir)));
        assertEquals(List.of(b, a, c), Linter.expand(List.of(dir, b, a)), "no repeats");
        Path named = dir.resolve("ignored");
        assertEquals(List.of(named.resolve("x.yaml")), Linter.expand(List.of(named)), "a named directory is linted");
        Path txt = dir.resolve("notes.txt");
        assertEquals(List.of(txt), Linter.expand(List.of(txt)), "a named file is linted whatever its name");
    }

    @Test
    void missingPathsAndEmptyDirectoriesAreUsageErrors() throws IOException {
        LintException e = assertThrows(LintException.class, () -> Linter.expand(List.of(dir.resolve("nope.yaml"))));
        assertEquals(dir.resolve("nope.yaml") + ": no such file or directory", e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(LintException.class, () -> Linter.expand(List.of(empty)));
    }

    /** exit code, stdout, stderr */
    private record Run(int code, String out, String err) {}

    private static Run run(Format format, boolean strict, Path... paths) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Lint.run(new Lint.Options(List.of(paths), format, strict, false),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exitCodesFollowTheFindings() throws IOException {
        Path clean = write("clean.yaml", CLEAN);
        Path warns = write("warns.yaml", WARNS);
        Path broken = write("broken.yaml", BROKEN);
        assertEquals(new Run(0, "", "no findings in 1 file\n"), run(Format.TEXT, true, clean));
        Run w = run(Format.TEXT, false, warns, clean);
        assertEquals(0, w.code(), "warnings alone pass");
        assertEquals(warns + ":5:10: warning: \"/no/such/program\" does not exist in the host [exec-found]\n", w.out());
        assertEquals("1 warning in 2 files\n", w.err());
        assertEquals(1, run(Format.TEXT, true, warns).code(), "--strict fails on warnings");
        Run b = run(Format.TEXT, false, broken, warns);
        assertEquals(1, b.code());
        assertEquals("1 error, 1 warning in 2 files\n", b.err());
        assertTrue(b.out().startsWith(broken + ":8:22: error: "), b.out());
    }

    @Test
    void aMissingPathIsExitTwoWithOneLine() {
        Run r = run(Format.TEXT, false, dir.resolve("gone"));
        assertEquals(new Run(2, "", "jrun lint: " + dir.resolve("gone") + ": no such file or directory\n"), r);
    }

    @Test
    void noPathMeansTheSpecsDirectory() throws LintException {
        int examples = Linter.expand(List.of(Lint.DEFAULT_PATH)).size();
        Run r = run(Format.TEXT, false);
        assertTrue(r.err().endsWith(" in " + examples + " files\n"), r.err());
    }

    @Test
    void timingIsPrintedOnRequest() throws IOException {
        Path clean = write("clean.yaml", CLEAN);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Lint.run(new Lint.Options(List.of(clean), Format.TEXT, false, true), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).matches("(?s)no findings in 1 file\njrun lint: 1 files in [0-9.]+ ms \\([0-9]+ files/s\\), JVM up [0-9]+ ms\n"),
                err.toString(StandardCharsets.UTF_8));
    }
}
