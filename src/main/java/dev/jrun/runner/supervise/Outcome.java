package dev.jrun.runner.supervise;

/** How one attempt at a container ended, as the supervisor's retry policy needs to know it. */
public sealed interface Outcome {
    /** The process ran and ended with {@code code} (its exit status, 128+N for signal N). */
    record Exited(int code) implements Outcome {}

    /**
     * The process ended with {@code code}, but jrun's init had stopped responding: the status was
     * read from the process's zombie and the init killed (docs/design.md, "Why the child cannot hang").
     */
    record Recovered(int code) implements Outcome {}

    /** The child was found asleep in futex before exec (a stuck JVM copy) and killed: retry at once. */
    record Stuck() implements Outcome {}

    /** The child made no progress before exec within the stall timeout and was killed: retry. */
    record TimedOut() implements Outcome {}

    /** The init stopped responding after the process had exited, and the process's status is gone. */
    record StatusLost() implements Outcome {}
}
