package dev.jrun.host;

import java.nio.file.Path;

/**
 * The checkout (or install) jrun runs from: where `make` puts the tools it fetches
 * ({@code build/tools/}: the static init, the slirp helpers). The launcher says it
 * ({@code -Djrun.home}); a JVM started otherwise (the tests) finds it from where this class was
 * loaded: {@code target/jrun.jar} or {@code target/classes}, both one level below it.
 */
public final class JrunHome {
    private JrunHome() {}

    private static final Path HOME = find();

    /** The home, or null when it cannot be told. */
    public static Path get() {
        return HOME;
    }

    /** {@code build/tools/NAME} below the home, or null. */
    public static Path tool(String name) {
        return HOME == null ? null : HOME.resolve("build/tools").resolve(name);
    }

    private static Path find() {
        String p = System.getProperty("jrun.home");
        if (p != null && !p.isEmpty()) return Path.of(p).toAbsolutePath().normalize();
        try {
            Path loaded = Path.of(JrunHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = loaded.getParent();
            return target == null || target.getParent() == null ? null : target.getParent();
        } catch (Exception e) {
            return null; // no code source (an AOT-linked class still has one; a custom loader may not)
        }
    }
}
