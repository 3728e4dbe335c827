package dev.jrun.host;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The static init a detached container gets as PID 1 (docker --init and podman --init bind theirs
 * the same way): Debian's tini-static, or podman's catatonit. A copy of the JVM as PID 1 would
 * share its pages with a long-lived supervisor only until either writes them, so next to a
 * service it grows toward its whole touched heap; a static init costs ~1 MB. Looked up in
 * JRUN_INIT, then next to jrun ({@code build/tools/} of a checkout, which `make` fills), then the
 * system's.
 */
public final class StaticInit {
    private StaticInit() {}

    /** The init's path, or null when there is none. */
    public static String find() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("JRUN_INIT");
        if (env != null && !env.isEmpty()) candidates.add(env);
        java.nio.file.Path mine = JrunHome.tool("tini-static");
        if (mine != null) candidates.add(mine.toString());
        candidates.addAll(List.of("/usr/bin/tini-static", "/usr/bin/catatonit", "/usr/libexec/podman/catatonit"));
        for (String c : candidates) {
            File f = new File(c);
            if (f.isFile() && f.canExecute()) return f.getAbsolutePath();
        }
        return null;
    }
}
