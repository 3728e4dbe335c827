package dev.jrun.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Namespace files, read as the namespace articles do: /proc/PID/ns/TYPE is a magic link whose
 * target names the namespace ("net:[4026531840]"); a bind mount of one (what `jrun ns persist`
 * makes) is a plain file to readlink, so its namespace is the root field of its nsfs line in
 * /proc/self/mountinfo. Used by lint (a joined namespace's type) and the ns commands.
 */
public final class NsFiles {
    private NsFiles() {}

    /** An nsfs mount: where it is, and the namespace it keeps ("net:[4026532...]"). */
    public record NsMount(Path point, String namespace) {}

    /** readlink of /proc/PID/ns/TYPE, or null when the process is gone or not ours to look at. */
    public static String link(String pid, String type) {
        return readlink(Path.of("/proc", pid, "ns", type));
    }

    /** This mount namespace's nsfs mounts, oldest first. */
    public static List<NsMount> mounts() throws IOException {
        List<NsMount> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // "id parent maj:min root mountpoint options ... - fstype source super"
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length < 5 || dash < 0 || !line.substring(dash + 3).startsWith("nsfs ")) continue;
            out.add(new NsMount(Path.of(unescape(f[4])), unescape(f[3])));
        }
        return out;
    }

    /**
     * The kernel's name of the namespace type {@code file} refers to ("net", "mnt", ...): from the
     * magic link, else from the newest nsfs mount on it; null when it is neither.
     */
    public static String typeOf(Path file) {
        String target = readlink(file);
        if (target == null) {
            try {
                Path real = file.toRealPath();
                for (NsMount m : mounts()) if (m.point().equals(real)) target = m.namespace();
            } catch (IOException e) {
                return null;
            }
        }
        int colon = target == null ? -1 : target.indexOf(":[");
        return colon > 0 && target.endsWith("]") ? target.substring(0, colon) : null;
    }

    private static String readlink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as octal (\040). */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) return false;
        for (int i = from; i < from + 3; i++) if (s.charAt(i) < '0' || s.charAt(i) > '7') return false;
        return true;
    }
}
