package dev.jrun.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The documentation of rule ids stays what the code does. */
class RuleDocsTest {
    @Test
    void docsHoldTheTableOfTheCode() throws IOException {
        String doc = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertTrue(doc.contains(RuleDocs.markdown()),
                "README.md's lint rule table is out of date; it should read:\n" + RuleDocs.markdown());
    }

    /** A rule id the front end starts using, or renames, must be documented (and get SARIF text). */
    @Test
    void everyIdTheCorpusShowsIsDocumented() throws IOException {
        TreeSet<String> seen = new TreeSet<>();
        Pattern id = Pattern.compile("\\[([a-z0-9-]+)]$", Pattern.MULTILINE);
        for (Path spec : LintCorpusTest.corpus()) {
            Matcher m = id.matcher(Files.readString(spec.resolveSibling(spec.getFileName() + ".expected"), StandardCharsets.UTF_8));
            while (m.find()) seen.add(m.group(1));
        }
        List<String> undocumented = new ArrayList<>(seen);
        undocumented.removeAll(RuleDocs.ids());
        assertEquals(List.of(), undocumented);
    }

    @Test
    void idsAreListedOnce() {
        assertEquals(RuleDocs.ids().size(), new TreeSet<>(RuleDocs.ids()).size());
    }
}
