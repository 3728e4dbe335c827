package dev.jrun.lint;

import dev.jrun.plan.Json;
import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.Location;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How findings are printed: for people, for scripts, for code scanning, for GitHub Actions. */
public enum Format {
    /** {@code FILE:LINE:COL: error|warning: message [rule-id]}, one per line. */
    TEXT {
        @Override
        public void write(Report report, PrintStream out) {
            // Messages quote spec strings with escapes; a stray line break must still not split a finding.
            for (Diagnostic d : report.diagnostics()) out.println(d.toString().replace("\r", "\\r").replace("\n", "\\n"));
        }
    },

    /** An array of {@code {file, line, column, severity, message, rule}}. */
    JSON {
        @Override
        public void write(Report report, PrintStream out) {
            List<Object> all = new ArrayList<>();
            for (Diagnostic d : report.diagnostics()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("file", d.at().file());
                o.put("line", d.at().line());
                o.put("column", d.at().col());
                o.put("severity", d.severity().label());
                o.put("message", d.message());
                o.put("rule", d.ruleId());
                all.add(o);
            }
            out.println(Json.write(all));
        }
    },

    /** SARIF 2.1.0, as GitHub code scanning and other SAST dashboards read it. */
    SARIF {
        @Override
        public void write(Report report, PrintStream out) {
            out.println(Json.write(Sarif.log(report)));
        }
    },

    /**
     * GitHub Actions workflow commands, {@code ::error file=F,line=L,col=C,title=RULE::message},
     * which GitHub shows as annotations on the pull request's diff.
     */
    GITHUB {
        @Override
        public void write(Report report, PrintStream out) {
            for (Diagnostic d : report.diagnostics()) {
                StringBuilder sb = new StringBuilder("::").append(d.isError() ? "error" : "warning");
                sb.append(" file=").append(property(d.at().file()));
                if (d.at().line() > 0) {
                    sb.append(",line=").append(d.at().line()).append(",col=").append(d.at().col());
                }
                sb.append(",title=").append(property(d.ruleId()));
                sb.append("::").append(data(d.message()));
                out.println(sb);
            }
        }
    };

    public abstract void write(Report report, PrintStream out);

    /** The --format spelling: text, json, sarif, github. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code id}, or null. */
    public static Format byId(String id) {
        for (Format f : values()) {
            if (f.id().equals(id)) return f;
        }
        return null;
    }

    /** Workflow command data: '%', CR and LF are escaped (actions/toolkit, command.ts). */
    static String data(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** Workflow command properties escape ':' and ',' too, which would end the property. */
    static String property(String s) {
        return data(s).replace(":", "%3A").replace(",", "%2C");
    }

    /** The SARIF log: one run, every known rule, one result per finding. */
    static final class Sarif {
        static final String SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

        private Sarif() {}

        static Map<String, Object> log(Report report) {
            List<String> ids = new ArrayList<>(RuleDocs.ids());
            for (Diagnostic d : report.diagnostics()) {
                if (!ids.contains(d.ruleId())) ids.add(d.ruleId());
            }
            List<Object> rules = new ArrayList<>();
            for (String id : ids) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", id);
                r.put("shortDescription", Map.of("text", RuleDocs.summary(id)));
                // No helpUri: jrun has no canonical web home; the README in the linted repo's jrun
                // checkout documents each rule under the anchor named here.
                r.put("help", Map.of("text", RuleDocs.summary(id) + " (jrun README, Lint rules, #rule-" + id + ")"));
                r.put("defaultConfiguration", Map.of("level", RuleDocs.severity(id).label()));
                rules.add(r);
            }
            List<Object> results = new ArrayList<>();
            for (Diagnostic d : report.diagnostics()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("ruleId", d.ruleId());
                r.put("ruleIndex", ids.indexOf(d.ruleId()));
                r.put("level", d.severity().label());
                r.put("message", Map.of("text", d.message()));
                r.put("locations", List.of(Map.of("physicalLocation", physicalLocation(d.at()))));
                results.add(r);
            }
            Map<String, Object> driver = new LinkedHashMap<>();
            driver.put("name", "jrun");
            driver.put("version", RuleDocs.version());
            driver.put("rules", rules);
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("tool", Map.of("driver", driver));
            run.put("results", results);
            Map<String, Object> log = new LinkedHashMap<>();
            log.put("$schema", SCHEMA);
            log.put("version", "2.1.0");
            log.put("runs", List.of(run));
            return log;
        }

        private static Map<String, Object> physicalLocation(Location at) {
            Map<String, Object> artifact = new LinkedHashMap<>();
            String uri = uri(at.file());
            artifact.put("uri", uri);
            if (!uri.startsWith("file:")) artifact.put("uriBaseId", "%SRCROOT%");
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("artifactLocation", artifact);
            // SARIF regions are 1-based; a finding about the whole file has none.
            if (at.line() > 0) {
                Map<String, Object> region = new LinkedHashMap<>();
                region.put("startLine", at.line());
                if (at.col() > 0) region.put("startColumn", at.col());
                p.put("region", region);
            }
            return p;
        }

        /** A relative URI (forward slashes, percent-encoded) for a path under the working dir. */
        static String uri(String file) {
            Path p = Path.of(file);
            if (p.isAbsolute()) {
                Path cwd = Path.of("").toAbsolutePath();
                if (!p.normalize().startsWith(cwd)) return p.toUri().toASCIIString();
                p = cwd.relativize(p.normalize());
            }
            try {
                return new URI(null, null, p.toString().replace('\\', '/'), null).toASCIIString();
            } catch (URISyntaxException e) {
                return p.toString();
            }
        }
    }
}
