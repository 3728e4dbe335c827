package dev.jrun.security;

import dev.jrun.Version;
import dev.jrun.host.HostInfo;
import dev.jrun.spec.SpecCache;
import dev.jrun.sys.Seccomp;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The seccomp filter of a container: a profile (jrun's default, or an OCI file), resolved for the
 * container's capabilities, compiled to BPF by libseccomp. Compiling costs ~100 ms in a cold JVM
 * (libseccomp's binding and the profile's parse), so filters are kept in a per-user cache keyed by
 * everything they depend on — the profile's bytes, the capabilities, jrun's version, the
 * architecture, the kernel and libseccomp's file ({@link HostInfo}) — and a new spec with the default profile
 * reuses the BPF the last one made. The plan cache keeps each plan's BPF anyway.
 */
public final class SeccompFilters {
    private SeccompFilters() {}

    private static final byte[] MAGIC = "jrun-seccomp 1\n".getBytes(StandardCharsets.US_ASCII);
    /** A compiled filter and what the plan says of it. */
    public record Filter(byte[] bpf, String description) {
        public int instructions() {
            return bpf.length / Seccomp.SOCK_FILTER_SIZE;
        }
    }

    /** The profile could not be read, parsed or compiled: the message says which and what to do. */
    public static final class FilterException extends Exception {
        public FilterException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param profile null for jrun's default profile, else an OCI profile file
     * @param capabilities the container's bounding set (the profile's includes/excludes test it)
     * @param host the kernel (minKernel conditions) and libseccomp the filter is made for
     */
    public static Filter compile(Path profile, long capabilities, HostInfo host) throws FilterException {
        String kernel = host.kernel();
        byte[] source = profile == null ? defaultBytes() : read(profile);
        String what = profile == null ? "jrun's default profile (Docker's)" : "profile " + profile;
        List<String> caps = Capabilities.names(capabilities);
        byte[] key = key(source, caps, kernel, host.libseccomp());
        Path cache = cacheFile(key);
        Filter cached = cache == null ? null : lookUp(cache, key);
        if (cached != null) return cached;
        SeccompProfile resolved;
        try {
            SeccompProfile parsed = profile == null ? SeccompProfile.defaultProfile() : SeccompProfile.parse(profile.toString(), source);
            resolved = parsed.resolve(new java.util.HashSet<>(caps), System.getProperty("os.arch"), kernel);
        } catch (SeccompProfile.InvalidProfileException e) {
            throw new FilterException(e.getMessage());
        }
        Seccomp.Program program;
        try {
            program = Seccomp.compile(resolved);
        } catch (Seccomp.SeccompException e) {
            throw new FilterException(e.getMessage());
        }
        if (program.instructions() > Seccomp.BPF_MAXINSNS) {
            throw new FilterException(what + " compiles to " + program.instructions() + " BPF instructions; the kernel takes at most "
                    + Seccomp.BPF_MAXINSNS);
        }
        Filter f = new Filter(program.bpf(), what + ", " + resolved.syscalls().size() + " rule groups for these capabilities, default "
                + resolved.defaultAction() + ", " + program.instructions() + " BPF instructions");
        if (cache != null) store(cache, key, f);
        return f;
    }

    private static byte[] defaultBytes() throws FilterException {
        try (InputStream in = SeccompProfile.class.getResourceAsStream("default-seccomp.json")) {
            if (in == null) throw new FilterException("jrun is built without its default seccomp profile");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new FilterException("jrun's default seccomp profile cannot be read: " + e.getMessage());
        }
    }

    private static byte[] read(Path profile) throws FilterException {
        try {
            return Files.readAllBytes(profile);
        } catch (IOException e) {
            throw new FilterException("cannot read the seccomp profile " + profile + ": " + e.getMessage());
        }
    }

    private static byte[] key(byte[] source, List<String> caps, String kernel, String libseccomp) {
        String facts = Version.VERSION + "\n" + System.getProperty("os.arch") + "\n" + kernel + "\n" + libseccomp + "\n"
                + String.join(",", caps) + "\n";
        byte[] f = facts.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(f, f.length + source.length);
        System.arraycopy(source, 0, all, f.length, source.length);
        return all;
    }

    private static Path cacheFile(byte[] key) {
        Path base = SpecCache.jrunCacheDir();
        if (base == null) return null;
        CRC32C crc = new CRC32C();
        crc.update(key);
        return base.resolve("seccomp").resolve(key.length + "-" + Long.toHexString(crc.getValue()));
    }

    /** An entry is MAGIC, the key, the description's length and bytes, then the BPF: used only on an exact key match. */
    private static Filter lookUp(Path file, byte[] key) {
        byte[] all;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            all = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int n = MAGIC.length + key.length;
        if (all.length < n + 4 || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || !Arrays.equals(all, MAGIC.length, n, key, 0, key.length)) {
            return null;
        }
        int len = (all[n] & 0xff) << 24 | (all[n + 1] & 0xff) << 16 | (all[n + 2] & 0xff) << 8 | (all[n + 3] & 0xff);
        if (len < 0 || n + 4 + len > all.length) return null;
        String description = new String(all, n + 4, len, StandardCharsets.UTF_8);
        byte[] bpf = Arrays.copyOfRange(all, n + 4 + len, all.length);
        return bpf.length == 0 || bpf.length % Seccomp.SOCK_FILTER_SIZE != 0 ? null : new Filter(bpf, description);
    }

    private static void store(Path file, byte[] key, Filter f) {
        try {
            Files.createDirectories(file.getParent());
            byte[] d = f.description().getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[MAGIC.length + key.length + 4 + d.length + f.bpf().length];
            int i = 0;
            System.arraycopy(MAGIC, 0, all, i, MAGIC.length);
            i += MAGIC.length;
            System.arraycopy(key, 0, all, i, key.length);
            i += key.length;
            all[i++] = (byte) (d.length >>> 24);
            all[i++] = (byte) (d.length >>> 16);
            all[i++] = (byte) (d.length >>> 8);
            all[i++] = (byte) d.length;
            System.arraycopy(d, 0, all, i, d.length);
            i += d.length;
            System.arraycopy(f.bpf(), 0, all, i, f.bpf().length);
            Path tmp = Files.createTempFile(file.getParent(), ".bpf", null);
            try {
                Files.write(tmp, all);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // best-effort: the next plan compiles it again
        }
    }
}
