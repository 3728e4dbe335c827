package dev.jrun.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.Location;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** The four output formats, read back the way their consumers read them. */
class FormatTest {
    static final Report REPORT = new Report(List.of(Path.of("specs/a b.yaml"), Path.of("specs/c.json")), List.of(
            Diagnostic.error(new Location("specs/a b.yaml", 3, 7), "dest-unique", "destination \"/x\" is already used; 100%, really:\nyes"),
            Diagnostic.warning(new Location("specs/a b.yaml", 9, 1), "exec-found", "\"sh\" is not in any PATH directory"),
            Diagnostic.error(Location.unknown("specs/c.json"), "not-utf8", "file is not UTF-8 text"),
            Diagnostic.error(new Location("specs/c.json", 1, 1), "some-future-rule", "x")));

    private static String write(Format f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.write(REPORT, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textIsOneCompilerStyleLinePerFinding() {
        assertEquals("""
                specs/a b.yaml:3:7: error: destination "/x" is already used; 100%, really:\\nyes [dest-unique]
                specs/a b.yaml:9:1: warning: "sh" is not in any PATH directory [exec-found]
                specs/c.json: error: file is not UTF-8 text [not-utf8]
                specs/c.json:1:1: error: x [some-future-rule]
                """, write(Format.TEXT));
    }

    @Test
    void jsonIsAnArrayOfFlatObjects() {
        JSONArray a = new JSONArray(write(Format.JSON));
        assertEquals(4, a.length());
        JSONObject first = a.getJSONObject(0);
        assertEquals(Set.of("file", "line", "column", "severity", "message", "rule"), first.keySet());
        assertEquals("specs/a b.yaml", first.getString("file"));
        assertEquals(3, first.getInt("line"));
        assertEquals(7, first.getInt("column"));
        assertEquals("error", first.getString("severity"));
        assertEquals(REPORT.diagnostics().get(0).message(), first.getString("message"));
        assertEquals("dest-unique", first.getString("rule"));
        assertEquals("warning", a.getJSONObject(1).getString("severity"));
    }

    @Test
    void sarifHasTheShapeCodeScanningReads() {
        JSONObject log = new JSONObject(write(Format.SARIF));
        assertEquals("2.1.0", log.getString("version"));
        assertTrue(log.getString("$schema").endsWith("sarif-schema-2.1.0.json"));
        JSONObject run = log.getJSONArray("runs").getJSONObject(0);
        JSONObject driver = run.getJSONObject("tool").getJSONObject("driver");
        assertEquals("jrun", driver.getString("name"));
        assertFalse(driver.getString("version").isEmpty());
        JSONArray rules = driver.getJSONArray("rules");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rules.length(); i++) {
            JSONObject r = rules.getJSONObject(i);
            assertTrue(ids.add(r.getString("id")), "rule listed twice: " + r.getString("id"));
            assertFalse(r.getJSONObject("shortDescription").getString("text").isEmpty());
            assertTrue(r.getJSONObject("help").getString("text").endsWith("#rule-" + r.getString("id") + ")"), r.toString());
        }
        for (Rule r : Rules.ALL) assertTrue(ids.contains(r.id()), r.id());
        assertTrue(ids.contains("schema-unknown-key") && ids.contains("yaml-syntax"), "front-end ids are described too");

        JSONArray results = run.getJSONArray("results");
        assertEquals(4, results.length());
        JSONObject first = results.getJSONObject(0);
        assertEquals("dest-unique", first.getString("ruleId"));
        assertEquals("dest-unique", rules.getJSONObject(first.getInt("ruleIndex")).getString("id"));
        assertEquals("error", first.getString("level"));
        JSONObject loc = first.getJSONArray("locations").getJSONObject(0).getJSONObject("physicalLocation");
        assertEquals("specs/a%20b.yaml", loc.getJSONObject("artifactLocation").getString("uri"));
        assertEquals("%SRCROOT%", loc.getJSONObject("artifactLocation").getString("uriBaseId"));
        assertEquals(3, loc.getJSONObject("region").getInt("startLine"));
        assertEquals(7, loc.getJSONObject("region").getInt("startColumn"));
        assertEquals("warning", results.getJSONObject(1).getString("level"));
        JSONObject wholeFile = results.getJSONObject(2).getJSONArray("locations").getJSONObject(0).getJSONObject("physicalLocation");
        assertFalse(wholeFile.has("region"), "SARIF lines are 1-based: a file-level finding has no region");
        JSONObject future = results.getJSONObject(3);
        assertEquals("some-future-rule", rules.getJSONObject(future.getInt("ruleIndex")).getString("id"));
    }

    @Test
    void githubCommandsEscapePropertiesAndData() {
        assertEquals("""
                ::error file=specs/a b.yaml,line=3,col=7,title=dest-unique::destination "/x" is already used; 100%25, really:%0Ayes
                ::warning file=specs/a b.yaml,line=9,col=1,title=exec-found::"sh" is not in any PATH directory
                ::error file=specs/c.json,title=not-utf8::file is not UTF-8 text
                ::error file=specs/c.json,line=1,col=1,title=some-future-rule::x
                """, write(Format.GITHUB));
        assertEquals("a%3Ab%2Cc%25d%0A", Format.property("a:b,c%d\n"));
    }

    @Test
    void summaryCountsWithPlurals() {
        assertEquals("3 errors, 1 warning in 2 files", REPORT.summary());
        assertEquals("no findings in 1 file", new Report(List.of(Path.of("x")), List.of()).summary());
        assertEquals("1 error in 1 file", new Report(List.of(Path.of("x")), REPORT.diagnostics().subList(0, 1)).summary());
    }

    @Test
    void formatsAreNamedAsOnTheCommandLine() {
        for (Format f : Format.values()) assertEquals(f, Format.byId(f.id()));
        assertEquals(null, Format.byId("xml"));
    }
}
