package dev.jrun;

/**
 * The build's version, filled in by Maven from pom.xml (src/main/java-templates): a constant, so
 * that the run path never opens the jar to read its manifest.
 */
public final class Version {
    private Version() {}

    public static final String VERSION = "${project.version}";
}
