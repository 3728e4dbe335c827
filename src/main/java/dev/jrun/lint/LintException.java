package dev.jrun.lint;

/** A problem with what was asked of lint (a named path that is missing, an unreadable directory): exit 2. */
public final class LintException extends Exception {
    public LintException(String message) {
        super(message);
    }
}
