package dev.jrun.net;

import dev.jrun.host.SearchPath;
import java.io.File;

/** The external programs networking uses (nft, pasta, slirp4netns), found on PATH as execvp would. */
final class Helpers {
    private Helpers() {}

    /** The first executable {@code name} on PATH, or null. */
    static String find(String name) {
        for (String candidate : SearchPath.candidates(name, System.getenv("PATH"))) {
            File f = new File(candidate);
            if (f.canExecute() && !f.isDirectory()) return f.getPath();
        }
        return null;
    }
}
