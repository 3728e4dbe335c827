package dev.jrun.net;

import dev.jrun.host.SearchPath;
import java.io.File;

/** The external programs networking uses (nft, pasta, slirp4netns), found on PATH as execvp would. */
final class Helpers {
    private Helpers() {}

    /** The first executable {@code name} on PATH, then among the tools `make` fetched, or null. */
    static String find(String name) {
        java.util.List<String> candidates = new java.util.ArrayList<>(SearchPath.candidates(name, System.getenv("PATH")));
        java.nio.file.Path mine = dev.jrun.host.JrunHome.tool("bin/" + name);
        if (mine != null) candidates.add(mine.toString());
        for (String candidate : candidates) {
            File f = new File(candidate);
            if (f.canExecute() && !f.isDirectory()) return f.getPath();
        }
        return null;
    }
}
