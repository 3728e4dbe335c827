package dev.jrun.lint;

import dev.jrun.spec.Diagnostic.Severity;
import dev.jrun.spec.Spec;

/**
 * One semantic check over a schema-valid {@link Spec}, named by a stable id that appears in every
 * finding ({@code [dest-unique]}) and in the README. The registry is {@link Rules#ALL}.
 */
public interface Rule {
    String id();

    /** Severity of its findings (a few rules also report the other one; see their docs). */
    Severity severity();

    /** One line for the README table and SARIF's shortDescription. */
    String summary();

    void check(Spec spec, Findings out);

    interface Check {
        void check(Spec spec, Findings out);
    }

    static Rule of(String id, Severity severity, String summary, Check check) {
        record Simple(String id, Severity severity, String summary, Check body) implements Rule {
            @Override
            public void check(Spec spec, Findings out) {
                body.check(spec, out);
            }
        }
        return new Simple(id, severity, summary, check);
    }
}
