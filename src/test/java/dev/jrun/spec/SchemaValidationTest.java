package dev.jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schema violations: the right place, the right words, one finding per mistake. */
class SchemaValidationTest {
    private static final String HEAD = "version: 1\nname: x\nrootfs: {path: r}\nprocess: {args: [a]}\n";

    private static List<String> errors(String file, String text) {
        SpecLoader.Result r = SpecLoader.load(Path.of(file), text);
        assertNull(r.spec(), "an invalid spec must not be built");
        return r.diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    void unknownKeysPointAtTheKeyAndSuggest() {
        assertEquals(List.of("s.yaml:5:1: error: unknown key \"mounst\" in the spec root; did you mean \"mounts\"? [schema-unknown-key]"),
                errors("s.yaml", HEAD + "mounst: []\n"));
        assertEquals(List.of("s.yaml:5:1: error: unknown key \"args\" in the spec root; it belongs in process [schema-unknown-key]"),
                errors("s.yaml", HEAD + "args: [b]\n"));
        assertEquals(List.of("s.yaml:5:12: error: unknown key \"readOnly\" in volumes[0]; did you mean \"readonly\"? [schema-unknown-key]"),
                errors("s.yaml", HEAD + "volumes: [{readOnly: true, source: a, destination: /a}]\n"));
        assertEquals(List.of("s.yaml:5:11: error: unknown key \"speed\" in network; allowed here: address, bridge, dns, mode,"
                        + " nat, ports, rootless, subnet [schema-unknown-key]"),
                errors("s.yaml", HEAD + "network: {speed: 1}\n"));
        assertEquals(List.of("s.yaml:5:25: error: unknown key \"port\" in network; did you mean \"ports\"? [schema-unknown-key]"),
                errors("s.yaml", HEAD + "network: {mode: bridge, port: [\"80:80\"]}\n"));
        assertEquals(List.of("s.yaml:5:1: error: unknown key \"dns\" in the spec root; it belongs in network [schema-unknown-key]"),
                errors("s.yaml", HEAD + "dns: [9.9.9.9]\n"));
    }

    @Test
    void aMisspelledRequiredKeyIsOneFinding() {
        assertEquals(List.of("s.yaml:4:11: error: unknown key \"arg\" in process; did you mean \"args\"? [schema-unknown-key]"),
                errors("s.yaml", "version: 1\nname: x\nrootfs: {path: r}\nprocess: {arg: [a]}\n"));
    }

    @Test
    void missingKeysPointAtTheParentKey() {
        assertEquals(List.of("s.yaml:1:1: error: missing required key \"name\" in the spec root [schema-required]",
                        "s.yaml:3:1: error: missing required key \"args\" in process [schema-required]"),
                errors("s.yaml", "version: 1\nrootfs: {path: r}\nprocess:\n  cwd: /\n"));
    }

    @Test
    void typeErrorsSayWhatWasFoundAndHowToFixIt() {
        assertEquals(List.of("s.yaml:5:15: error: process.env.PORT: expected a string, found an integer 8080; quote it: \"8080\" [schema-type]"),
                errors("s.yaml", "version: 1\nname: x\nrootfs: {path: r}\nprocess:\n  env: {PORT: 8080}\n  args: [a]\n"));
        assertEquals(List.of("s.yaml:3:29: error: rootfs.readonly: expected true or false, found a string \"yes\"; write true or false without quotes [schema-type]"),
                errors("s.yaml", "version: 1\nname: x\nrootfs: {path: r, readonly: yes}\nprocess: {args: [a]}\n"));
        assertEquals(List.of("s.json:1:67: error: process.args: expected an array, found a string \"sh -c true\"; write a list, e.g. [\"sh -c true\"] [schema-type]"),
                errors("s.json", "{\"version\":1,\"name\":\"x\",\"rootfs\":{\"host\":true},\"process\": {\"args\":\"sh -c true\"}}"));
    }

    @Test
    void enumsConstsPatternsAndRanges() {
        assertEquals(List.of("s.yaml:1:10: error: version: must be 1, found 2 [schema-enum]"),
                errors("s.yaml", HEAD.replace("version: 1", "version: 2")));
        assertEquals(List.of("s.yaml:5:17: error: network.mode: \"bridg\" is not one of none, host, bridge, slirp; did you mean \"bridge\"? [schema-enum]"),
                errors("s.yaml", HEAD + "network: {mode: bridg}\n"));
        assertEquals(List.of("s.yaml:2:7: error: name: \"My App\" does not match the pattern ^[a-z0-9][a-z0-9_.-]*$ [schema-pattern]"),
                errors("s.yaml", HEAD.replace("name: x", "name: My App")));
        assertEquals(List.of("s.yaml:2:7: error: name: is 64 characters long; at most 63 allowed [schema-range]"),
                errors("s.yaml", HEAD.replace("name: x", "name: " + "a".repeat(64))));
        assertEquals(List.of("s.yaml:5:50: error: idMappings.uid[0].size: 0 is less than the minimum 1 [schema-range]"),
                errors("s.yaml", HEAD + "idMappings: {uid: [{container: 0, host: 1, size: 0}]}\n"));
        assertEquals(List.of("s.yaml:4:17: error: process.args: needs at least 1 item(s) [schema-range]"),
                errors("s.yaml", HEAD.replace("args: [a]", "args: []")));
        assertEquals(List.of("s.yaml:5:19: error: namespaces: \"pid\" is listed twice [schema-unique]"),
                errors("s.yaml", HEAD + "namespaces: [pid, pid]\n"));
        assertEquals(List.of("s.yaml:4:28: error: process.env: key \"A=B\" does not match the pattern ^[^=]+$ [schema-pattern]"),
                errors("s.yaml", HEAD.replace("process: {args: [a]}", "process: {args: [a], env: {A=B: x}}")));
    }

    /** A value of several allowed types ("type": [...]) gets the finding of its own type's branch only. */
    @Test
    void typeListsReportTheValuesOwnType() {
        String p = "version: 1\nname: x\nrootfs: {path: r}\nprocess:\n  args: [a]\n";
        assertEquals(List.of("s.yaml:6:10: error: process.umask: 777 is greater than the maximum 511 [schema-range]"),
                errors("s.yaml", p + "  umask: 777\n"));
        assertEquals(List.of("s.yaml:6:10: error: process.umask: \"0999\" does not match the pattern ^0?[0-7]{1,3}$ [schema-pattern]"),
                errors("s.yaml", p + "  umask: '0999'\n"));
        assertEquals(List.of("s.yaml:6:10: error: process.umask: expected a string, an integer or null, found a boolean true [schema-type]"),
                errors("s.yaml", p + "  umask: true\n"));
        assertEquals(List.of("s.yaml:6:28: error: process.rlimits.nofile.soft: -1 is less than the minimum 0 [schema-range]",
                        "s.yaml:6:38: error: process.rlimits.nofile.hard: expected a string or an integer, found a list [schema-type]"),
                errors("s.yaml", p + "  rlimits: {nofile: {soft: -1, hard: []}}\n"));
        assertEquals(List.of("s.yaml:6:13: error: unknown key \"nofiel\" in process.rlimits; did you mean \"nofile\"? [schema-unknown-key]"),
                errors("s.yaml", p + "  rlimits: {nofiel: {soft: 1, hard: 1}}\n"));
        assertEquals(List.of("s.yaml:6:28: error: process.rlimits.nofile.soft: \"unlimted\" does not match the pattern ^unlimited$ [schema-pattern]"),
                errors("s.yaml", p + "  rlimits: {nofile: {soft: \"unlimted\", hard: 1}}\n"));
    }

    /** rootfs and files are oneOf: one finding about the branch the author meant, not one per branch. */
    @Test
    void oneOfReportsTheIntendedBranchOnly() {
        String base = "version: 1\nname: x\nprocess: {args: [a]}\n";
        assertEquals(List.of("s.yaml:4:29: error: rootfs.readonly: expected true or false, found an integer 1 [schema-type]"),
                errors("s.yaml", base + "rootfs: {path: r, readonly: 1}\n"));
        assertEquals(List.of("s.yaml:4:10: error: unknown key \"paht\" in rootfs; did you mean \"path\"? [schema-unknown-key]"),
                errors("s.yaml", base + "rootfs: {paht: r}\n"));
        assertEquals(List.of("s.yaml:4:16: error: rootfs.host: must be true, found false [schema-enum]"),
                errors("s.yaml", base + "rootfs: {host: false}\n"));
        assertEquals(List.of("s.yaml:4:19: error: rootfs: \"path\" and \"host\" cannot be used together [schema-one-of]"),
                errors("s.yaml", base + "rootfs: {path: r, host: true}\n"));
        assertEquals(List.of("s.yaml:4:9: error: rootfs: expected a mapping, found a string \"/\" [schema-type]"),
                errors("s.yaml", base + "rootfs: /\n"));
        String r = base + "rootfs: {host: true}\n";
        assertEquals(List.of("s.yaml:6:5: error: files[0]: needs \"content\" or \"source\" [schema-required]"),
                errors("s.yaml", r + "files:\n  - destination: /a\n"));
        assertEquals(List.of("s.yaml:6:35: error: files[0]: \"content\" and \"source\" cannot be used together [schema-one-of]"),
                errors("s.yaml", r + "files:\n  - {destination: /a, content: x, source: y}\n"));
        assertEquals(List.of("s.yaml:6:32: error: files[0].content: expected a string, found an integer 3; quote it: \"3\" [schema-type]"),
                errors("s.yaml", r + "files:\n  - {destination: /a, content: 3}\n"));
    }

    @Test
    void findingsAreSortedByPosition() {
        List<String> e = errors("s.yaml", "version: 1\nname: x\nrootfs: {path: r}\nprocess:\n  args: [a]\n  cwd: 1\nhostnam: h\nnetwork: {mode: x}\n");
        assertEquals(3, e.size(), e::toString);
        assertEquals(List.of(6, 7, 8), e.stream().map(s -> Integer.parseInt(s.split(":")[1])).toList());
    }

    @Test
    void aFloodOfErrorsIsCut() {
        StringBuilder b = new StringBuilder(HEAD);
        for (int i = 0; i < 500; i++) b.append("k").append(i).append(": 1\n");
        List<String> e = errors("s.yaml", b.toString());
        assertEquals(51, e.size());
        assertEquals("s.yaml:55:1: error: 450 more schema errors from here on are not shown [too-many-errors]", e.get(50));
    }

    @Test
    void jsonSpecsSpeakJson() {
        assertEquals(List.of("s.json:1:37: error: rootfs: expected an object, found an array [schema-type]"),
                errors("s.json", "{\"version\":1,\"name\":\"x\",\"rootfs\":   [],\"process\":{\"args\":[\"a\"]}}"));
    }
}
