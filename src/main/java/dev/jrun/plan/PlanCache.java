package dev.jrun.plan;

import dev.jrun.host.HostInfo;
import dev.jrun.spec.SpecCache;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Compiled plans of specs that ran before, so that `jrun run` of an unchanged spec skips the YAML
 * parser, the checks and the planner (about 50 ms of a cold start, measured). An entry holds
 * everything the plan was compiled from — the jrun version, the spec's absolute path and bytes,
 * and the host facts — and is used only when all of it is byte-for-byte the same. The host paths
 * of binds are stat'ed again on a hit, since a plan depends on whether each is a file.
 * Best-effort throughout: a cache that cannot be read or written only costs time.
 */
public final class PlanCache {
    private static final byte[] MAGIC = "jrun-plan 3\n".getBytes(StandardCharsets.US_ASCII);
    private final Path dir;

    /** A cache in {@code dir}; null disables it. */
    public PlanCache(Path dir) {
        this.dir = dir;
    }

    /** $XDG_CACHE_HOME/jrun/plans or ~/.cache/jrun/plans. */
    public static PlanCache standard() {
        Path base = SpecCache.jrunCacheDir();
        return new PlanCache(base == null ? null : base.resolve("plans"));
    }

    /** What a plan was compiled from: must match exactly for a hit. */
    public static byte[] source(Path specFile, byte[] spec, HostInfo host, String version) {
        String facts = version + "\n" + specFile.toAbsolutePath().normalize() + "\n" + host.uid() + " " + host.gid() + " " + host.lastCap() + "\n" + host.kernel() + "\n" + host.libseccomp()
                + "\n" + (host.resolvConf() == null ? "-" : host.resolvConf()) + "\n";
        byte[] f = facts.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(f, f.length + spec.length);
        System.arraycopy(spec, 0, all, f.length, spec.length);
        return all;
    }

    private Path entry(byte[] source) {
        CRC32C crc = new CRC32C();
        crc.update(source);
        return dir.resolve(source.length + "-" + Long.toHexString(crc.getValue()));
    }

    /** The cached steps compiled from exactly {@code source}, or null. */
    public List<Step> get(byte[] source) {
        if (dir == null) return null;
        byte[] all;
        // java.io, not NIO: this is the cold path, and FileInputStream is already loaded and linked.
        try (FileInputStream in = new FileInputStream(entry(source).toFile())) {
            all = in.readAllBytes();
        } catch (IOException | RuntimeException ex) {
            return null; // no entry (or unreadable): a miss
        }
        try {
            int n = MAGIC.length + source.length;
            if (all.length < n || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                    || !Arrays.equals(all, MAGIC.length, n, source, 0, source.length)) {
                return null;
            }
            List<Step> steps = PlanCodec.decode(all, n, all.length - n);
            return stillTrue(steps) ? steps : null;
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }

    /** The planner decided file-or-directory for bind sources by looking; look again. */
    private static boolean stillTrue(List<Step> steps) {
        for (Step s : steps) {
            if (s instanceof Step.Mount m && (m.flags() & MountFlags.MS_BIND) != 0 && m.purpose() != Step.Purpose.DEVICE
                    && m.source().startsWith("/") && new File(m.source()).isFile() == m.dir()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Leaves bin/jrun a hint that the next run of this spec will find its plan here: then it
     * starts the JVM with the AOT cache trained on that path alone, ~20 ms faster than the one
     * for every command (docs/design.md). The launcher names the spec by {@code key}, its absolute
     * path with '%' and '/' escaped, and compares the hint's mtime with the spec's and the jar's;
     * it asks for a new hint when it found none that holds. Only a file name is accepted, so the
     * key cannot point anywhere else. Best-effort.
     */
    public static void leaveHint(String key) {
        Path base = SpecCache.jrunCacheDir();
        if (key == null || base == null || key.isEmpty() || key.length() > 255 || key.indexOf('/') >= 0
                || key.indexOf('\0') >= 0 || key.equals(".") || key.equals("..")) {
            return;
        }
        try {
            Path hot = Files.createDirectories(base.resolve("hot"));
            Path hint = hot.resolve(key);
            if (!Files.exists(hint)) Files.createFile(hint);
            Files.setLastModifiedTime(hint, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            // no hint: the launcher uses the AOT cache for every command, which is only slower
        }
    }

    public void put(byte[] source, List<Step> steps) {
        if (dir == null) return;
        try {
            Files.createDirectories(dir);
            byte[] plan = PlanCodec.encode(steps);
            byte[] all = new byte[MAGIC.length + source.length + plan.length];
            System.arraycopy(MAGIC, 0, all, 0, MAGIC.length);
            System.arraycopy(source, 0, all, MAGIC.length, source.length);
            System.arraycopy(plan, 0, all, MAGIC.length + source.length, plan.length);
            Path tmp = Files.createTempFile(dir, ".plan", null);
            try {
                Files.write(tmp, all);
                // rename(2) is atomic: a concurrent run sees a whole entry or none
                Files.move(tmp, entry(source), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // best-effort: a read-only home or a full disk must not fail a run
        }
    }
}
