package dev.jrun.runner;

import java.nio.file.Path;
import java.util.Map;

/**
 * Per-run options, built once at the CLI edge (from the environment) and handed down, so that
 * nothing deeper reads the environment.
 *
 * @param stallTimeoutMillis how long a child may make no progress before exec (JRUN_STALL_TIMEOUT_MS)
 * @param tempBase where the private dir goes; null: java.io.tmpdir (bin/jrun sets it from TMPDIR)
 * @param debugProgram print the child program (JRUN_DEBUG_PROGRAM)
 * @param debugTiming print the runner's phases (JRUN_DEBUG_TIMING)
 * @param debugStats print the runner's counters after the run (JRUN_DEBUG_STATS=1)
 */
public record RunOptions(long stallTimeoutMillis, Path tempBase, boolean debugProgram, boolean debugTiming, boolean debugStats) {
    public static final long DEFAULT_STALL_TIMEOUT_MS = 2000;

    public static RunOptions defaults() {
        return new RunOptions(DEFAULT_STALL_TIMEOUT_MS, null, false, false, false);
    }

    public static RunOptions fromEnvironment(Map<String, String> env) {
        return new RunOptions(millis(env.get("JRUN_STALL_TIMEOUT_MS")), null, env.get("JRUN_DEBUG_PROGRAM") != null,
                env.get("JRUN_DEBUG_TIMING") != null, "1".equals(env.get("JRUN_DEBUG_STATS")));
    }

    public RunOptions withStallTimeout(long millis) {
        return new RunOptions(millis, tempBase, debugProgram, debugTiming, debugStats);
    }

    public RunOptions withTempBase(Path base) {
        return new RunOptions(stallTimeoutMillis, base, debugProgram, debugTiming, debugStats);
    }

    private static long millis(String v) {
        try {
            return v == null ? DEFAULT_STALL_TIMEOUT_MS : Math.max(1, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_STALL_TIMEOUT_MS;
        }
    }
}
