package dev.jrun.spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Remembers spec contents that passed schema validation, so that `jrun run` of an unchanged spec
 * skips everit (about 100 ms of class loading on a cold JVM). An edited spec differs and is
 * validated again; a new jrun version or schema never trusts an old verdict.
 *
 * <p>An entry is a file under {@code $XDG_CACHE_HOME/jrun/valid/} (or {@code ~/.cache/jrun/valid/})
 * named by a CRC-32C of the content and holding the salted content itself: a hit is an exact
 * byte comparison. That needs no cryptographic digest, whose provider start-up alone cost a cold
 * run 18-33 ms (measured), and no collision can make an edited spec skip validation.
 * Everything here is best-effort: a cache that cannot be read or written only costs time.
 * Skipping the schema is safe because the model builder still checks every type it reads.
 */
public final class SpecCache {
    private final Path dir;

    /** A cache in {@code dir}; null disables it. */
    public SpecCache(Path dir) {
        this.dir = dir;
    }

    /** The per-user cache, as the XDG base directory spec places it. */
    public static SpecCache standard() {
        Path base = jrunCacheDir();
        return new SpecCache(base == null ? null : base.resolve("valid"));
    }

    /**
     * jrun's per-user cache directory, {@code $XDG_CACHE_HOME/jrun} or {@code ~/.cache/jrun}, or null
     * when neither is usable (no absolute XDG_CACHE_HOME and no home, e.g. user.home "?").
     * Every jrun cache lives below it.
     */
    public static Path jrunCacheDir() {
        try {
            String xdg = System.getenv("XDG_CACHE_HOME");
            if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "jrun");
            String home = System.getProperty("user.home");
            if (home == null || home.isEmpty() || home.equals("?")) return null;
            return Path.of(home, ".cache", "jrun");
        } catch (RuntimeException e) {
            return null;
        }
    }

    public Path dir() {
        return dir;
    }

    /** Whether these exact bytes, read as this file name's format, passed validation before. */
    public boolean isValid(String fileName, byte[] content) {
        if (dir == null) return false;
        try {
            Path entry = dir.resolve(key(fileName, content));
            byte[] salt = Salt.SALT;
            if (!Files.isRegularFile(entry) || Files.size(entry) != salt.length + content.length) return false;
            byte[] stored = Files.readAllBytes(entry);
            return Arrays.equals(stored, 0, salt.length, salt, 0, salt.length)
                    && Arrays.equals(stored, salt.length, stored.length, content, 0, content.length);
        } catch (Exception e) {
            return false;
        }
    }

    public void markValid(String fileName, byte[] content) {
        if (dir == null) return;
        try {
            Files.createDirectories(dir);
            Path entry = dir.resolve(key(fileName, content));
            Path tmp = Files.createTempFile(dir, ".entry", null);
            try {
                byte[] salt = Salt.SALT;
                byte[] all = Arrays.copyOf(salt, salt.length + content.length);
                System.arraycopy(content, 0, all, salt.length, content.length);
                Files.write(tmp, all);
                // rename(2) is atomic: a concurrent run sees the whole entry or none
                Files.move(tmp, entry, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (Exception e) {
            // best-effort: a read-only home or a full disk must not fail a run
        }
    }

    /** The entry's name: the format, the length and a CRC-32C over the salt and the content. */
    public static String key(String fileName, byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(Salt.SALT);
        crc.update(content);
        return String.valueOf(SourceTree.Format.of(fileName)).toLowerCase(java.util.Locale.ROOT)
                + "-" + content.length + "-" + Long.toHexString(crc.getValue());
    }

    /**
     * The jrun version and a CRC-32 of the schema: enough to notice any change of our own schema,
     * and CRC32 is native, where SHA-256 over 10 kB runs ~10 ms in a cold, interpreted JVM.
     */
    private static final class Salt {
        static final byte[] SALT = salt();

        private static byte[] salt() {
            String version = dev.jrun.Version.VERSION;
            CRC32 crc = new CRC32();
            byte[] schema = SpecSchema.bytes();
            crc.update(schema, 0, schema.length);
            return ("jrun " + (version == null ? "dev" : version) + " schema " + schema.length + ":" + crc.getValue() + "\0")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }
}
