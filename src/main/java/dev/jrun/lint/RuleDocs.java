package dev.jrun.lint;

import dev.jrun.spec.Diagnostic.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line about every rule id a finding can carry: the semantic rules of {@link Rules#ALL} and
 * the checks the front end ({@code dev.jrun.spec}: reading, parsing, schema) makes before them.
 * SARIF's rule table and the README's rule table are built from it.
 */
public final class RuleDocs {
    /** The front end's ids, as dev.jrun.spec reports them; all are errors. */
    static final Map<String, String> FRONT_END = frontEnd();

    private RuleDocs() {}

    private static Map<String, String> frontEnd() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("io", "the spec file can be read");
        m.put("file-type", "a spec file ends in .yaml, .yml or .json");
        m.put("spec-too-large", "a spec is at most 1 MiB");
        m.put("not-utf8", "a spec is UTF-8 text");
        m.put("empty-spec", "a spec is not empty");
        m.put("yaml-syntax", "YAML is well-formed");
        m.put("json-syntax", "JSON is well-formed");
        m.put("too-deep", "nesting is at most 64 levels deep");
        m.put("duplicate-key", "no key appears twice in one mapping");
        m.put("yaml-alias", "no YAML anchors or aliases (repeat the value instead)");
        m.put("yaml-tag", "no YAML tags other than the core ones");
        m.put("multiple-documents", "a file holds one YAML document");
        m.put("not-a-mapping", "the top level is a mapping");
        m.put("nul-char", "no string holds a NUL character (execve(2) would cut it short)");
        m.put("schema-unknown-key", "every key is one the format defines (with a \"did you mean\")");
        m.put("schema-required", "required keys are present (version, name, rootfs, process, process.args, ...)");
        m.put("schema-type", "every value has the type the format says");
        m.put("schema-enum", "values from a fixed set (namespaces, network.mode and rootless, version) are in it");
        m.put("schema-pattern", "strings match their pattern (name, hostname, env names without \"=\")");
        m.put("schema-range", "numbers, strings and lists are within their bounds");
        m.put("schema-unique", "lists of unique items (namespaces) hold no duplicates");
        m.put("schema-one-of", "rootfs and files entries take exactly one of their forms");
        m.put("schema", "other JSON Schema violations");
        return m;
    }

    /** Every documented id: the front end's in pipeline order, then the semantic rules. */
    public static List<String> ids() {
        List<String> ids = new ArrayList<>(FRONT_END.keySet());
        for (Rule r : Rules.ALL) ids.add(r.id());
        return ids;
    }

    public static String summary(String id) {
        Rule r = Rules.byId(id);
        if (r != null) return r.summary();
        String s = FRONT_END.get(id);
        return s != null ? s : id;
    }

    public static Severity severity(String id) {
        Rule r = Rules.byId(id);
        return r != null ? r.severity() : Severity.ERROR;
    }

    /** jrun's version, from the build. */
    public static String version() {
        return dev.jrun.Version.VERSION;
    }

    /** The Markdown table in the README, with an anchor per id that SARIF help texts name. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| rule | severity | checks that |\n|---|---|---|\n");
        for (String id : ids()) {
            sb.append("| <a id=\"rule-").append(id).append("\"></a>`").append(id).append("` | ")
                    .append(severity(id).label()).append(" | ")
                    .append(summary(id).replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
