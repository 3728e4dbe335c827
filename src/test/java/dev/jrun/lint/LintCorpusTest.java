package dev.jrun.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jrun.spec.Diagnostic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The broken-spec corpus: every {@code specs/bad/NAME} has a {@code NAME.expected} holding the exact
 * text-format findings (paths relative to the repository root, where Maven runs tests).
 * Subdirectories hold files the cases point at (seccomp profiles), not cases.
 */
class LintCorpusTest {
    static final Path BAD = Path.of("specs", "bad");

    @BeforeAll
    static void runFromTheRepositoryRoot() {
        String repo = System.getProperty("jrun.repo");
        if (repo != null) {
            assertEquals(Path.of(repo).toAbsolutePath().normalize(), Path.of("").toAbsolutePath(),
                    "expected paths are relative to the repository root; run the tests from there");
        }
        assertTrue(Files.isDirectory(BAD), "no " + BAD + " under " + Path.of("").toAbsolutePath());
    }

    static List<Path> corpus() throws IOException {
        try (Stream<Path> s = Files.list(BAD)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".expected"))
                    .filter(p -> !p.getFileName().toString().equals(Linter.IGNORE_FILE))
                    .sorted()
                    .toList();
        }
    }

    private static Path expectedOf(Path spec) {
        return spec.resolveSibling(spec.getFileName() + ".expected");
    }

    /** Exactly what `jrun lint --format text` prints on stdout for these findings. */
    private static String text(List<Diagnostic> ds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Format.TEXT.write(new Report(List.of(), ds), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @TestFactory
    List<DynamicTest> eachBadSpecReportsExactlyWhatItsExpectedFileSays() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path spec : corpus()) {
            tests.add(DynamicTest.dynamicTest(spec.getFileName().toString(), () -> {
                String expected = Files.readString(expectedOf(spec), StandardCharsets.UTF_8);
                List<Diagnostic> found = Linter.lintFile(spec);
                assertEquals(expected, text(found));
                assertFalse(found.isEmpty(), "a corpus file that lints clean proves nothing");
            }));
        }
        return tests;
    }

    @Test
    void theCorpusIsLargeAndEveryFileHasItsExpectation() throws IOException {
        List<Path> specs = corpus();
        assertTrue(specs.size() >= 30, "only " + specs.size() + " corpus files");
        for (Path s : specs) assertTrue(Files.isRegularFile(expectedOf(s)), "no " + expectedOf(s));
        try (Stream<Path> s = Files.list(BAD)) {
            for (Path e : s.filter(p -> p.toString().endsWith(".expected")).toList()) {
                Path spec = e.resolveSibling(e.getFileName().toString().replaceFirst("\\.expected$", ""));
                assertTrue(Files.exists(spec), e + " expects findings of a file that does not exist");
            }
        }
    }

    @Test
    void everyRuleHasACorpusCase() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path s : corpus()) all.append(Files.readString(expectedOf(s), StandardCharsets.UTF_8));
        List<String> missing = Rules.ALL.stream().map(Rule::id).filter(id -> !all.toString().contains("[" + id + "]\n")).toList();
        assertEquals(List.of(), missing, "rules without a specs/bad case");
    }

    @Test
    void theExampleSpecsLintClean() throws LintException {
        Report r = Linter.lintPaths(List.of(Path.of("specs")));
        assertTrue(r.files().size() >= 5, "examples: " + r.files());
        assertTrue(r.files().stream().noneMatch(f -> f.startsWith(BAD)), "specs/bad has " + Linter.IGNORE_FILE);
        // The examples run on the busybox rootfs `make rootfs` builds; a bare checkout lacks it.
        List<Diagnostic> findings = r.diagnostics();
        if (!Files.isDirectory(Path.of("build", "rootfs"))) {
            findings = findings.stream().filter(d -> !(d.ruleId().equals("rootfs-dir")
                    && d.message().equals("rootfs \"build/rootfs\" does not exist"))).toList();
        }
        assertEquals("", text(findings));
    }

    @Test
    void namingTheCorpusDirectoryLintsIt() throws LintException, IOException {
        Report r = Linter.lintPaths(List.of(BAD));
        // Named directories are searched for *.yaml, *.yml and *.json only: not-a-spec.toml is left out.
        long specs = corpus().stream().filter(p -> p.toString().matches(".*\\.(yaml|yml|json)$")).count();
        assertEquals(specs, r.files().size());
        assertTrue(r.errors() > 0);
        // Files are linted in parallel; the report must still read file by file, as one at a time would.
        List<Diagnostic> oneByOne = new ArrayList<>();
        for (Path f : r.files()) oneByOne.addAll(Linter.lintFile(f));
        assertEquals(text(oneByOne), text(r.diagnostics()));
    }
}
