package dev.jrun.spec;

/**
 * One finding about a spec, printed compiler-style:
 * {@code specs/web.yaml:12:5: error: message [rule-id]}.
 */
public record Diagnostic(Location at, Severity severity, String message, String ruleId)
        implements Comparable<Diagnostic> {

    public enum Severity {
        ERROR, WARNING;

        public String label() {
            return this == ERROR ? "error" : "warning";
        }
    }

    public static Diagnostic error(Location at, String ruleId, String message) {
        return new Diagnostic(at, Severity.ERROR, message, ruleId);
    }

    public static Diagnostic warning(Location at, String ruleId, String message) {
        return new Diagnostic(at, Severity.WARNING, message, ruleId);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return at + ": " + severity.label() + ": " + message + " [" + ruleId + "]";
    }

    @Override
    public int compareTo(Diagnostic o) {
        int c = at.file().compareTo(o.at.file());
        if (c == 0) c = Integer.compare(at.line(), o.at.line());
        if (c == 0) c = Integer.compare(at.col(), o.at.col());
        return c;
    }
}
