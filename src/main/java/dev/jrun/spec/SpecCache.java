package dev.jrun.spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Remembers the digests of spec contents that passed schema validation, so that `jrun run` of
 * an unchanged spec skips everit (about 100 ms of class loading on a cold JVM). An edited spec
 * has a new digest and is validated again. The digest covers the jrun version and the schema
 * too, so a new schema never trusts an old verdict.
 *
 * <p>Entries are empty files named by the digest under {@code $XDG_CACHE_HOME/jrun/valid/} (or
 * {@code ~/.cache/jrun/valid/}). Everything here is best-effort: a cache that cannot be read or
 * written only costs time. Skipping the schema is safe because the model builder still checks
 * every type it reads.
 */
public final class SpecCache {
    private final Path dir;

    /** A cache in {@code dir}; null disables it. */
    public SpecCache(Path dir) {
        this.dir = dir;
    }

    /** The per-user cache, as the XDG base directory spec places it. */
    public static SpecCache standard() {
        try {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base;
            if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
                base = Path.of(xdg);
            } else {
                String home = System.getProperty("user.home");
                if (home == null || home.isEmpty() || home.equals("?")) return new SpecCache(null);
                base = Path.of(home, ".cache");
            }
            return new SpecCache(base.resolve("jrun").resolve("valid"));
        } catch (RuntimeException e) {
            return new SpecCache(null);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Whether these exact bytes, read as this file name's format, passed validation before. */
    public boolean isValid(String fileName, byte[] content) {
        if (dir == null) return false;
        try {
            return Files.isRegularFile(dir.resolve(key(fileName, content)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    public void markValid(String fileName, byte[] content) {
        if (dir == null) return;
        try {
            Files.createDirectories(dir);
            Path entry = dir.resolve(key(fileName, content));
            if (!Files.exists(entry)) Files.write(entry, new byte[0]);
        } catch (Exception e) {
            // best-effort: a read-only home or a full disk must not fail a run
        }
    }

    /** SHA-256 over the jrun version, the schema, the format and the content, in hex. */
    public static String key(String fileName, byte[] content) {
        MessageDigest md = sha256();
        md.update(Salt.SALT);
        SourceTree.Format format = SpecReader.formatOf(fileName);
        md.update(String.valueOf(format).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(content);
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The jrun version and a CRC-32 of the schema: enough to notice any change of our own schema,
     * and CRC32 is native, where SHA-256 over 10 kB runs ~10 ms in a cold, interpreted JVM.
     */
    private static final class Salt {
        static final byte[] SALT = salt();

        private static byte[] salt() {
            String version = SpecCache.class.getPackage().getImplementationVersion();
            CRC32 crc = new CRC32();
            byte[] schema = SpecSchema.bytes();
            crc.update(schema, 0, schema.length);
            return ("jrun " + (version == null ? "dev" : version) + " schema " + schema.length + ":" + crc.getValue() + "\0")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
