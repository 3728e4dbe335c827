package dev.jrun.lint;

import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/** Runs the semantic rules over specs. */
public final class Linter {
    private Linter() {}

    /** The findings of every rule in {@link Rules#ALL} about one schema-valid spec, sorted. */
    public static List<Diagnostic> check(Spec spec, SourceMap source) {
        Findings out = new Findings(spec, source);
        for (Rule rule : Rules.ALL) {
            out.begin(rule);
            try {
                rule.check(spec, out);
            } catch (RuntimeException e) {
                // A bug in one rule must not hide the other findings, nor the other files' findings.
                out.error(out.value("", spec.at()), "internal error in lint rule " + rule.id() + ": " + e);
            }
        }
        List<Diagnostic> all = new ArrayList<>(out.diagnostics());
        all.sort(ORDER);
        return all;
    }

    /** file, line, column, then rule id and message, so that output never depends on rule order. */
    static final java.util.Comparator<Diagnostic> ORDER = java.util.Comparator.<Diagnostic>naturalOrder()
            .thenComparing(Diagnostic::ruleId)
            .thenComparing(Diagnostic::message);
}
