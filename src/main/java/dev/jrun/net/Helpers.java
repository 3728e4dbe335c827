package dev.jrun.net;

import java.io.File;

/** The external programs networking uses (nft, pasta, slirp4netns), found on PATH. */
final class Helpers {
    private Helpers() {}

    /** The first executable {@code name} on PATH, or null. */
    static String find(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            File f = new File(dir, name);
            if (f.canExecute() && !f.isDirectory()) return f.getPath();
        }
        return null;
    }
}
