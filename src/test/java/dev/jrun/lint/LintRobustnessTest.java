package dev.jrun.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jrun.spec.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the bytes, linting ends promptly with findings: no exception, no hang, no "internal"
 * finding (which is how Linter reports an exception it caught). Seeds are fixed: a failure
 * reproduces.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LintRobustnessTest {
    /**
     * A bound per file, not a benchmark: a real spec lints in about a millisecond, but a 1 MB
     * scalar takes the YAML scanner up to ~1 s on a busy 2-core machine.
     */
    static final Duration EACH = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private int n;

    private Path write(String ext, byte[] bytes) throws IOException {
        return Files.write(dir.resolve("f" + n++ + ext), bytes);
    }

    /** The class-level @Timeout stops a hang; this bounds each file's time once it returns. */
    private static List<Diagnostic> lint(Path file) {
        long start = System.nanoTime();
        List<Diagnostic> found = Linter.lintFile(file);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(EACH) < 0, () -> "lint of " + file + " took " + took);
        for (Diagnostic d : found) {
            assertFalse(d.ruleId().equals("internal"), () -> file + ": " + d);
            assertTrue(d.message().indexOf('\n') < 0, () -> "a finding is one line: " + d);
        }
        return found;
    }

    private static boolean hasError(List<Diagnostic> found) {
        return found.stream().anyMatch(Diagnostic::isError);
    }

    @Test
    void randomBytes() throws IOException {
        Random r = new Random(20261123);
        for (int i = 0; i < 1000; i++) {
            byte[] b = new byte[r.nextInt(2048)];
            r.nextBytes(b);
            Path f = write(i % 2 == 0 ? ".yaml" : ".json", b);
            assertTrue(hasError(lint(f)), f.toString());
        }
    }

    /** ASCII soup of the characters YAML and JSON give meaning to: gets past UTF-8 into the parsers. */
    @Test
    void randomSyntaxSoup() throws IOException {
        String[] atoms = {"{", "}", "[", "]", ":", ": ", ",", "- ", "\n", "  ", "\t", "#", "&a ", "*a", "!!str ", "!x ", "|",
                ">", "'", "\"", "\\", "---\n", "...\n", "? ", "version", "name", "process", "args", "1", "-1", "1e999",
                "true", "null", "~", "%YAML 1.2\n", "<<: ", "\u00e9", "\u0000", "\ufeff"};
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(80);
            for (int k = 0; k < len; k++) sb.append(atoms[r.nextInt(atoms.length)]);
            lint(write(i % 3 == 0 ? ".json" : ".yaml", sb.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void everyPrefixOfEveryExampleSpec() throws IOException {
        List<Path> examples;
        try (Stream<Path> s = Files.list(Path.of("specs"))) {
            examples = s.filter(p -> p.toString().matches(".*\\.(yaml|yml|json)$")).sorted().toList();
        }
        assertFalse(examples.isEmpty());
        int files = 0;
        for (Path example : examples) {
            byte[] all = Files.readAllBytes(example);
            String ext = example.toString().substring(example.toString().lastIndexOf('.'));
            // Each prefix is one truncated save: cut inside every token, escape and multi-byte char.
            for (int len = 0; len < all.length; len++) {
                byte[] prefix = java.util.Arrays.copyOf(all, len);
                // Written next to the examples' data would change relative paths; the temp dir is fine:
                // sources and rootfs then just don't exist, which rules report.
                lint(write(ext, prefix));
                files++;
            }
        }
        assertTrue(files > 2000, "prefixes linted: " + files);
    }

    @Test
    void deepNesting() throws IOException {
        for (String[] open : new String[][] {{"[", "]"}, {"{\"a\":", "}"}, {"- ", ""}, {"a:\n" + " ", ""}}) {
            StringBuilder sb = new StringBuilder("version: 1\nenv: ");
            for (int i = 0; i < 10_000; i++) sb.append(open[0]);
            for (int i = 0; i < 10_000; i++) sb.append(open[1]);
            assertTrue(hasError(lint(write(".yaml", sb.toString().getBytes(StandardCharsets.UTF_8)))));
        }
        String json = "[".repeat(100_000) + "]".repeat(100_000);
        assertTrue(hasError(lint(write(".json", json.getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void hugeFiles() throws IOException {
        byte[] big = new byte[2 << 20];
        java.util.Arrays.fill(big, (byte) 'a');
        List<Diagnostic> found = lint(write(".yaml", big));
        assertEquals(List.of("spec-too-large"), found.stream().map(Diagnostic::ruleId).toList());
        // Just under the limit: one long scalar, and 100,000 list items.
        String longValue = "version: 1\nname: x\nrootfs: {host: true}\nprocess:\n  args: [/bin/sh, '" + "x".repeat(1_000_000) + "']\n";
        lint(write(".yaml", longValue.getBytes(StandardCharsets.UTF_8)));
        StringBuilder items = new StringBuilder("version: 1\nname: x\nrootfs: {host: true}\nprocess:\n  args:\n");
        for (int i = 0; i < 100_000; i++) items.append("  - a\n");
        lint(write(".yaml", items.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aliasBombs() throws IOException {
        StringBuilder sb = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            sb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int k = 0; k < 9; k++) sb.append(k > 0 ? ", " : "").append("*a").append(i - 1);
            sb.append("]\n");
        }
        assertTrue(lint(write(".yaml", sb.toString().getBytes(StandardCharsets.UTF_8))).stream()
                .anyMatch(d -> d.ruleId().equals("yaml-alias")));
    }

    /** Mutations of a valid spec get past the parser into the schema check and the rules. */
    @Test
    void mutatedValidSpecs() throws IOException, LintException {
        byte[] valid = """
                version: 1
                name: mutant
                rootfs: {host: true}
                hostname: box
                namespaces: [user, mount, uts, ipc, pid, net]
                idMappings:
                  uid: [{container: 0, host: 1000, size: 1}]
                  gid: [{container: 0, host: 1000, size: 1}]
                mounts:
                  - {destination: /tmp, type: tmpfs, options: [nosuid, size=64m, mode=1777]}
                volumes:
                  - {source: ., destination: /data, readonly: true}
                files:
                  - {destination: /etc/motd, content: hi}
                process:
                  args: [/bin/sh, -c, 'echo hi']
                  env: {A: b}
                  cwd: /tmp
                  user: {uid: 0, gid: 0, additionalGids: [0]}
                network: {mode: none}
                """.getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(), lint(write(".yaml", valid)), "the seed spec is clean");
        byte[] alphabet = "/.:-[]{}, 0123456789abcdefghijklmnopqrstuvwxyz\n'\"".getBytes(StandardCharsets.UTF_8);
        Random r = new Random(99);
        for (int i = 0; i < 1000; i++) {
            byte[] b = valid.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) b[r.nextInt(b.length)] = alphabet[r.nextInt(alphabet.length)];
            lint(write(".yaml", b));
        }
        // The same 1,001 files through lintPaths, which lints in parallel: same findings, same order.
        Report all = Linter.lintPaths(List.of(dir));
        List<Diagnostic> oneByOne = new ArrayList<>();
        for (Path f : all.files()) oneByOne.addAll(Linter.lintFile(f));
        assertEquals(1001, all.files().size());
        assertEquals(oneByOne, all.diagnostics());
    }

    /**
     * The containment keys, and the seccomp profile one of them names: mutations reach the model
     * builder's type checks, the host lookups (devices) and the profile parser.
     */
    @Test
    void mutatedContainmentSpecsAndProfiles() throws IOException {
        byte[] spec = """
                version: 1
                name: mutant
                rootfs: {host: true}
                process:
                  args: [/bin/sh]
                  capabilities: {add: [NET_ADMIN, cap_sys_time], drop: [ALL]}
                  noNewPrivileges: true
                  rlimits:
                    nofile: {soft: 1024, hard: 2048}
                    core: {soft: 0, hard: unlimited}
                  umask: "0027"
                  oomScoreAdj: 500
                security:
                  seccomp: p.json
                  maskedPaths: [/proc/kcore]
                  readonlyPaths: [/proc/sys]
                devices:
                  - {path: /dev/null}
                  - {path: /dev/mynull, type: c, major: 1, minor: 3}
                """.getBytes(StandardCharsets.UTF_8);
        byte[] profile = """
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
                 "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                              {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                               "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}]}
                """.getBytes(StandardCharsets.UTF_8);
        Path profileFile = dir.resolve("p.json");
        Files.write(profileFile, profile);
        Path seed = write(".yaml", spec);
        assertEquals(List.of(), lint(seed), "the seed spec and profile are clean");
        byte[] alphabet = "/.:-[]{}, 0123456789abcdefghijklmnopqrstuvwxyz_\n'\"".getBytes(StandardCharsets.UTF_8);
        Random r = new Random(17);
        for (int i = 0; i < 800; i++) {
            byte[] b = spec.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) b[r.nextInt(b.length)] = alphabet[r.nextInt(alphabet.length)];
            lint(write(".yaml", b));
        }
        for (int i = 0; i < 400; i++) {
            byte[] b = profile.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) b[r.nextInt(b.length)] = alphabet[r.nextInt(alphabet.length)];
            Files.write(profileFile, b);
            lint(seed);
        }
    }

    /** Many diagnostics per file and many files: the whole run stays fast. */
    @Test
    void thousandsOfFindingsStayBounded() throws IOException {
        List<String> lines = new ArrayList<>(List.of("version: 1", "name: many", "rootfs: {host: true}", "process: {args: [/bin/sh]}", "mounts:"));
        // 1,000 mounts stay under the front end's cap on values in a spec; each has five findings.
        for (int i = 0; i < 1000; i++) lines.add("  - {destination: /same/, type: tmpfs, options: [sizee=1, mode=9, noexce]}");
        List<Diagnostic> found = lint(write(".yaml", String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
        assertEquals(5000 - 1, found.size(), "the first /same/ is not a duplicate");
    }
}
