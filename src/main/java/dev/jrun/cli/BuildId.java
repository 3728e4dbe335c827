package dev.jrun.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Identifies this build of jrun, for the plan cache. */
final class BuildId {
    private BuildId() {}

    /**
     * This build of jrun: the version and the jar's size and mtime, so that cached plans never
     * outlive the code that compiled them (a rebuilt planner may order or fill steps differently).
     */
    static String of() {
        String v = dev.jrun.Version.VERSION;
        try {
            Path jar = Path.of(BuildId.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return v + " " + jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
        } catch (Exception | Error e) {
            return v + " unknown build " + System.nanoTime(); // never matches: no caching
        }
    }
}
