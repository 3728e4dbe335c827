package dev.jrun.host;

import java.util.ArrayList;
import java.util.List;

/** execvp(3)'s rule for finding a program, used by the planner (the exec candidates) and by lint. */
public final class SearchPath {
    /** The PATH a container gets when the spec's env sets none (Docker's, and execvp's default). */
    public static final String DEFAULT = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private SearchPath() {}

    /**
     * The paths execvp(3) tries for {@code program}, in order: the program itself when it has a
     * slash, else each PATH entry with the program appended; an empty entry means the current
     * directory, as in execvp.
     */
    public static List<String> candidates(String program, String path) {
        if (program.contains("/")) return List.of(program);
        List<String> out = new ArrayList<>();
        for (String dir : (path == null ? DEFAULT : path).split(":", -1)) {
            if (dir.isEmpty()) dir = ".";
            out.add(dir.endsWith("/") ? dir + program : dir + "/" + program);
        }
        return out;
    }

    /** The PATH value in an environment list ({@code K=V} entries), or null. */
    public static String in(List<String> env) {
        String path = null;
        for (String kv : env) if (kv.startsWith("PATH=")) path = kv.substring(5);
        return path;
    }
}
