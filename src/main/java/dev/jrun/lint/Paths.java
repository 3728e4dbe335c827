package dev.jrun.lint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Host-side path helpers for the rules that look at the filesystem. */
final class Paths {
    /** Linux's MAXSYMLINKS (fs/namei.c); a loop ends in "not found", as ELOOP would. */
    private static final int MAX_SYMLINKS = 40;

    private static final Path CWD = Path.of("").toAbsolutePath();

    private Paths() {}

    /** How to show a host path in a message: relative to the working directory when inside it. */
    static String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (abs.startsWith(CWD) && !abs.equals(CWD)) return CWD.relativize(abs).toString();
        return abs.toString();
    }

    /**
     * Resolves a container path inside {@code root} as a chroot would: symlinks are followed, but an
     * absolute link target starts again at {@code root} and ".." stops at it, so a rootfs whose
     * /bin/sh links to /bin/busybox is checked against its own busybox, not the host's.
     *
     * @return the host path of what {@code containerPath} names, or null if it does not exist
     */
    static Path resolveIn(Path root, String containerPath) {
        Deque<String> todo = new ArrayDeque<>(components(containerPath));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            Path p = join(root, done).resolve(c);
            if (Files.isSymbolicLink(p)) {
                if (++links > MAX_SYMLINKS) return null;
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    return null;
                }
                if (target.startsWith("/")) done.clear();
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) todo.addFirst(parts.get(i));
                continue;
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return null;
            done.add(c);
        }
        return join(root, done);
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (!c.isEmpty() && !c.equals(".")) out.add(c);
        }
        return out;
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) p = p.resolve(s);
        return p;
    }
}
