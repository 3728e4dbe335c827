package dev.jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The located reader: positions, scalar types, and every hostile input as one clean finding. */
class SpecReaderTest {
    /** A hang guard only: each of these parses takes milliseconds. */
    private static final Duration GUARD = Duration.ofSeconds(10);

    private static SpecReader.Result read(String file, String text) {
        return read(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static SpecReader.Result read(String file, byte[] bytes) {
        return assertTimeoutPreemptively(GUARD, () -> SpecReader.read(file, bytes));
    }

    /** Asserts exactly one error with this rule and returns it. */
    private static Diagnostic single(SpecReader.Result r, String rule) {
        assertEquals(1, r.diagnostics().size(), () -> "expected one finding, got " + r.diagnostics());
        Diagnostic d = r.diagnostics().get(0);
        assertEquals(rule, d.ruleId(), d::toString);
        assertTrue(d.isError());
        assertFalse(d.message().contains("\n"), "one line: " + d.message());
        return d;
    }

    private static String pos(Location l) {
        return l.line() + ":" + l.col();
    }

    @Test
    void yamlKeysAndValuesKeepTheirPositions() {
        String yaml = """
                version: 1
                name: web
                mounts:
                  - destination: /tmp
                    type: tmpfs
                  - {destination: /run, options: [nosuid, nodev]}
                process:
                  args: [/bin/sh]
                """;
        SourceTree t = read("s.yaml", yaml).tree();
        assertEquals("1:1", pos(t.locateKey("/version")));
        assertEquals("1:10", pos(t.locate("/version")));
        assertEquals("4:5", pos(t.locateKey("/mounts/0/destination")));
        assertEquals("4:18", pos(t.locate("/mounts/0/destination")));
        assertEquals("4:5", pos(t.locate("/mounts/0")), "a block mapping starts at its first key");
        assertEquals("6:5", pos(t.locate("/mounts/1")), "a flow mapping starts at its brace");
        assertEquals("6:6", pos(t.locateKey("/mounts/1/destination")));
        assertEquals("6:43", pos(t.locate("/mounts/1/options/1")));
        assertEquals("8:10", pos(t.locate("/process/args/0")));
        assertEquals("s.yaml", t.locate("").file());
    }

    @Test
    void jsonKeysAndValuesKeepTheirPositions() {
        String json = "{\n  \"version\": 1,\n  \"mounts\": [\n    {\"destination\": \"/tmp\"}\n  ]\n}\n";
        SourceTree t = read("s.json", json).tree();
        assertEquals(SourceTree.Format.JSON, t.format());
        assertEquals("2:3", pos(t.locateKey("/version")));
        assertEquals("2:14", pos(t.locate("/version")));
        assertEquals("4:5", pos(t.locate("/mounts/0")));
        assertEquals("4:6", pos(t.locateKey("/mounts/0/destination")));
        assertEquals("4:21", pos(t.locate("/mounts/0/destination")));
    }

    @Test
    void missingPointersFallBackToTheNearestAncestor() {
        SourceTree t = read("s.yaml", "process:\n  args: [a]\n").tree();
        assertEquals("2:9", pos(t.locate("/process/args/7")));
        assertEquals("2:3", pos(t.locateKey("/process/args/7")), "a list item has no key; its list's key");
        assertEquals("1:1", pos(t.locateKey("/process/nope")));
        assertEquals("2:3", pos(t.locate("/process/nope")), "the process mapping starts at args");
        assertEquals("1:1", pos(t.locate("/nothing/at/all")));
        assertEquals("1:1", pos(t.locate("#")));
        assertNull(t.node("/process/env"));
    }

    @Test
    void pointerSegmentsAreUnescapedAsRfc6901Says() {
        SourceTree t = read("s.yaml", "env:\n  a/b: 1\n  c~d: 2\n").tree();
        assertEquals("2:8", pos(t.locate("/env/a~1b")));
        assertEquals("3:3", pos(t.locateKey(SourceTree.pointer("/env", "c~d"))));
        assertEquals("mounts[2].destination", SourceTree.humanPath("#/mounts/2/destination"));
        assertEquals("the spec root", SourceTree.humanPath(""));
    }

    @Test
    void scalarsKeepTheParsersTypes() {
        String yaml = """
                s: hello
                q: "12"
                i: 12
                big: 123456789012345678901234567890
                f: 1.5
                t: true
                yes_word: yes
                on_word: on
                n: ~
                empty:
                quoted_empty: ''
                """;
        Node.Mapping m = (Node.Mapping) read("s.yaml", yaml).tree().root();
        assertEquals("hello", value(m, "s"));
        assertEquals("12", value(m, "q"));
        assertEquals(12L, value(m, "i"));
        assertEquals(new BigInteger("123456789012345678901234567890"), value(m, "big"));
        assertEquals(0, new java.math.BigDecimal("1.5").compareTo((java.math.BigDecimal) value(m, "f")));
        assertEquals(Boolean.TRUE, value(m, "t"));
        assertEquals("yes", value(m, "yes_word"), "YAML 1.2: yes is a string");
        assertEquals("on", value(m, "on_word"));
        assertNull(value(m, "n"));
        assertNull(value(m, "empty"));
        assertEquals("", value(m, "quoted_empty"));
    }

    private static Object value(Node.Mapping m, String key) {
        return assertInstanceOf(Node.Scalar.class, m.get(key)).value();
    }

    @Test
    void extensionDecidesTheFormat() {
        assertNotNull(read("a.yml", "a: 1\n").tree());
        assertEquals(SourceTree.Format.JSON, read("a.JSON", "{}").tree().format());
        Diagnostic d = single(read("notes.txt", "a: 1\n"), "file-type");
        assertEquals("notes.txt", d.at().file());
        // YAML-only syntax in a .json file is a JSON error
        single(read("a.json", "a: 1\n"), "json-syntax");
    }

    @Test
    void yamlSyntaxErrorsNameTheProblemAndPlace() {
        Diagnostic d = single(read("s.yaml", "a: [1, 2\n"), "yaml-syntax");
        assertEquals("2:1", pos(d.at()));
        assertTrue(d.message().contains("flow sequence at 1:4"), d.message());

        d = single(read("s.yaml", "version: 1\nname: x\n\trootfs: y\n"), "yaml-syntax");
        assertEquals("3:1", pos(d.at()));
        assertTrue(d.message().contains("indent with spaces"), d.message());

        d = single(read("s.yaml", "a: b: c\n"), "yaml-syntax");
        assertEquals("1:5", pos(d.at()));
    }

    @Test
    void jsonSyntaxErrorsNameThePlace() {
        Diagnostic d = single(read("s.json", "{\n  \"a\": 1,\n}"), "json-syntax");
        assertEquals("3:1", pos(d.at()));
        d = single(read("s.json", "{\"a\": 1} {\"b\": 2}"), "json-syntax");
        assertEquals("1:10", pos(d.at()));
        single(read("s.json", "{\"a\": "), "json-syntax");
    }

    @Test
    void emptyDocumentsAreOneFinding() {
        single(read("s.yaml", ""), "empty-spec");
        single(read("s.yaml", "# just a comment\n\n"), "empty-spec");
        single(read("s.yaml", "---\n"), "empty-spec");
        single(read("s.yaml", "~\n"), "empty-spec");
        single(read("s.json", "  \n"), "empty-spec");
    }

    @Test
    void topLevelMustBeAMapping() {
        Diagnostic d = single(read("s.yaml", "- a\n- b\n"), "not-a-mapping");
        assertTrue(d.message().contains("found a list"), d.message());
        d = single(read("s.json", "[1]"), "not-a-mapping");
        assertTrue(d.message().contains("an object"), d.message());
        single(read("s.yaml", "just text\n"), "not-a-mapping");
    }

    @Test
    void duplicateKeysAreErrorsAtTheSecondKey() {
        SpecReader.Result r = read("s.yaml", "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
        assertEquals(2, r.diagnostics().size(), r.diagnostics()::toString);
        assertEquals("4:3", pos(r.diagnostics().get(0).at()));
        assertEquals("duplicate key \"c\" (first at 3:3)", r.diagnostics().get(0).message());
        assertEquals("duplicate-key", r.diagnostics().get(1).ruleId());
        assertEquals("5:1", pos(r.diagnostics().get(1).at()));
        assertTrue(r.hasErrors());

        r = read("s.json", "{\"a\": 1, \"a\": 2}");
        assertEquals("duplicate-key", r.diagnostics().get(0).ruleId());
    }

    @Test
    void aliasesAreRefused() {
        Diagnostic d = single(read("s.yaml", "a: &x [1, 2]\nb: *x\n"), "yaml-alias");
        assertEquals("2:4", pos(d.at()));
        assertEquals("YAML aliases are not supported in jrun specs; repeat the value (*x)", d.message());
        // a merge key is an alias too
        single(read("s.yaml", "base: &b {x: 1}\nthing:\n  <<: *b\n"), "yaml-alias");
    }

    @Test
    void billionLaughsIsOneFindingAndFast() {
        StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'i'; c++) {
            b.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) b.append(i == 0 ? "" : ",").append('*').append(prev);
            b.append("]\n");
            prev = c;
        }
        Diagnostic d = single(read("bomb.yaml", b.toString()), "yaml-alias");
        assertEquals("2:8", pos(d.at()));
    }

    @Test
    void deepNestingStopsAtTheLimit() {
        for (String file : List.of("deep.yaml", "deep.json")) {
            Diagnostic d = single(read(file, "[".repeat(10_000) + "]".repeat(10_000)), "too-deep");
            assertEquals("1:65", pos(d.at()), "the 65th container");
            single(read(file, "[".repeat(10_000)), "too-deep");
        }
        single(read("deep.yaml", "a:\n" + "  - ".repeat(200) + "x\n"), "too-deep");
        // 64 levels are fine
        assertNotNull(read("ok.json", "{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}").tree());
    }

    @Test
    void filesOverOneMebibyteAreRefusedBeforeParsing() {
        byte[] big = new byte[2 << 20];
        java.util.Arrays.fill(big, (byte) '[');
        Diagnostic d = single(read("big.yaml", big), "spec-too-large");
        assertEquals("big.yaml", d.toString().split(":")[0]);
        assertTrue(d.message().contains("2,097,152 bytes"), d.message());
        // a long but legal file is read
        String longValue = "a: \"" + "x".repeat(SpecReader.MAX_BYTES - 100) + "\"\n";
        assertNotNull(read("long.yaml", longValue).tree());
    }

    @Test
    void tooManyValuesAreRefused() {
        String many = "a: [" + "1, ".repeat(SpecReader.MAX_VALUES) + "1]\n";
        Diagnostic d = single(read("many.yaml", many), "spec-too-large");
        assertEquals(1, d.at().line());
        assertNotNull(read("ok.yaml", "a: [" + "1, ".repeat(SpecReader.MAX_VALUES - 10) + "1]\n").tree());
    }

    @Test
    void invalidUtf8NamesTheByteAndItsPlace() {
        Diagnostic d = single(read("s.yaml", new byte[] {'a', ':', ' ', '1', '\n', 'b', ':', ' ', (byte) 0xc3, 0x28}), "not-utf8");
        assertEquals("2:4", pos(d.at()));
        assertTrue(d.message().contains("0xC3"), d.message());
        single(read("s.yaml", new byte[] {(byte) 0xff, (byte) 0xfe, 'a', 0}), "not-utf8");
        d = single(read("s.yaml", "a: 1\nb: \0\n"), "not-utf8");
        assertEquals("2:4", pos(d.at()));
    }

    @Test
    void randomBinaryBytesAreOneFinding() {
        Random rnd = new Random(42);
        for (int i = 0; i < 50; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(4096)];
            rnd.nextBytes(junk);
            for (String f : List.of("junk.yaml", "junk.json")) {
                SpecReader.Result r = read(f, junk);
                assertNull(r.tree());
                assertFalse(r.diagnostics().isEmpty());
            }
        }
    }

    @Test
    void byteOrderMarkAndCrlfAreFine() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] body = "version: 1\r\nname: x\r\nmounts:\r\n  - destination: /a\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        SpecReader.Result r = read("s.yaml", all);
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics()::toString);
        assertEquals("1:1", pos(r.tree().locateKey("/version")), "the BOM takes no column");
        assertEquals("4:18", pos(r.tree().locate("/mounts/0/destination")));
        assertEquals("/a", ((Node.Scalar) r.tree().node("/mounts/0/destination")).value(), "no stray \\r");

        r = read("s.json", "\ufeff{\r\n\"a\": 1\r\n}");
        assertEquals("2:6", pos(r.tree().locate("/a")));
    }

    @Test
    void multipleDocumentsAreRefused() {
        Diagnostic d = single(read("s.yaml", "a: 1\n---\nb: 2\n"), "multiple-documents");
        assertEquals("3:1", pos(d.at()));
        assertNotNull(read("s.yaml", "---\na: 1\n").tree(), "one document with a start marker is fine");
    }

    @Test
    void unusualYamlIsRefusedNotMisread() {
        single(read("s.yaml", "a: !!binary aGVsbG8=\n"), "yaml-tag");
        single(read("s.yaml", "a: !custom 3\n"), "yaml-tag");
        assertNotNull(read("s.yaml", "a: !!str 3\n").tree(), "core tags are fine");
        single(read("s.yaml", "? [a, b]\n: 1\n"), "yaml-syntax");
        single(read("s.yaml", "a: .inf\n"), "yaml-syntax");
    }

    /** Hostile mutations of a real spec: whatever happens, it is findings, never a throw or a hang. */
    @Test
    void mutatedSpecsNeverThrow() {
        String base = """
                version: 1
                name: web
                rootfs: {path: ../build/rootfs}
                mounts:
                  - destination: /tmp
                    type: tmpfs
                    options: [nosuid, "size=1m"]
                process:
                  args: [/bin/sh, -c, 'echo "$HOME"']
                  env: {A: b}
                """;
        String json = "{\"version\": 1, \"name\": \"x\", \"process\": {\"args\": [\"a\", \"b\"]}, \"m\": [{\"a\": null}]}";
        String alphabet = "{}[]:,-&*!|>'\"#%@`\\\t\n\r ?~\u00e9\u0000\u0085\u2028\ud800";
        Random rnd = new Random(7);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3000; i++) {
                String src = i % 2 == 0 ? base : json;
                StringBuilder b = new StringBuilder(src);
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int at = rnd.nextInt(b.length());
                    switch (rnd.nextInt(3)) {
                        case 0 -> b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                        case 1 -> b.deleteCharAt(at);
                        default -> b.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    }
                }
                String f = i % 2 == 0 ? "m.yaml" : "m.json";
                SpecReader.Result r = SpecReader.read(f, b.toString().getBytes(StandardCharsets.UTF_8));
                for (Diagnostic d : r.diagnostics()) {
                    assertFalse(d.message().contains("\n"), d::toString);
                    assertFalse(d.message().contains("Exception"), d::toString);
                }
                if (r.tree() == null) assertFalse(r.diagnostics().isEmpty(), b::toString);
                if (r.tree() != null && !r.hasErrors()) SpecSchema.validate(r.tree());
            }
        });
    }
}
