package dev.jrun.host;

import dev.jrun.sys.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one chroot-style resolver of container paths, shared by lint and the runner: a model of the
 * container's tree — which host directory backs each container path (the rootfs, a bind source, or
 * a fresh filesystem the child will mount) — in which a path is resolved as the kernel would
 * inside the container: symlinks relative to the container's root, {@code ..} clamped at it. So a
 * rootfs whose /bin/sh links to /bin/busybox is checked against its own busybox, not the host's,
 * and a mount destination behind a link like {@code /etc -> /host/etc} stays in the rootfs.
 */
public final class ContainerPaths {
    private static final int MAX_LINKS = 40; // path_resolution(7)

    /** Thrown for a destination that cannot be resolved; carries the errno the kernel would give. */
    public static final class Unresolvable extends Exception {
        public final int errno;

        Unresolvable(int errno, String message) {
            super(message, null, false, false);
            this.errno = errno;
        }
    }

    /** A mounted filesystem seen from the parent: host-backed (bind) or fresh (tmpfs, proc...). */
    private record Backing(Path host) {}

    private final String root;
    private final Map<String, Backing> mounts = new HashMap<>();
    private final Set<String> createdDirs = new HashSet<>();
    private final Map<String, String> createdLinks = new HashMap<>();

    /** @param root the host path the container's / will be; {@code rootHost} backs it, or null if fresh */
    public ContainerPaths(String root, Path rootHost) {
        this.root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
        mounts.put("/", new Backing(rootHost));
    }

    /** A model of just {@code root}, read-only: what lint looks at. */
    public static ContainerPaths of(Path root) {
        return new ContainerPaths(root.toString(), root);
    }

    /** The host path the child uses for a resolved container path (before it enters the root). */
    public String host(String containerPath) {
        return containerPath.equals("/") ? root : root + containerPath;
    }

    public void mounted(String containerPath, Path bindSource) {
        mounts.put(containerPath, new Backing(bindSource));
    }

    public void createdDir(String containerPath) {
        createdDirs.add(containerPath);
    }

    public void createdLink(String containerPath, String target) {
        createdLinks.put(containerPath, target);
    }

    /** Where the host can look at a container path now, or null when it lies in a fresh filesystem. */
    public Path backing(String containerPath) {
        String p = containerPath;
        while (true) {
            Backing b = mounts.get(p);
            if (b != null) {
                if (b.host == null) return null;
                String rest = containerPath.substring(p.length());
                return rest.isEmpty() ? b.host : Path.of(b.host + (p.equals("/") ? "/" : "") + rest);
            }
            int slash = p.lastIndexOf('/');
            p = slash <= 0 ? "/" : p.substring(0, slash);
        }
    }

    public enum Kind { DIR, FILE, MISSING }

    public Kind kind(String containerPath) {
        if (createdDirs.contains(containerPath) || mounts.containsKey(containerPath)) return Kind.DIR;
        Path h = backing(containerPath);
        if (h == null) return Kind.MISSING;
        if (Files.isDirectory(h, LinkOption.NOFOLLOW_LINKS)) return Kind.DIR;
        return Files.exists(h, LinkOption.NOFOLLOW_LINKS) ? Kind.FILE : Kind.MISSING;
    }

    /**
     * Resolves {@code path} inside the container: the result is absolute, normalized, symlink-free.
     * Missing components are taken as they are (the runner creates them as mount points).
     */
    public String resolve(String path) throws Unresolvable {
        Deque<String> todo = new ArrayDeque<>(split(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            String candidate = done.isEmpty() ? "/" + c : join(done) + "/" + c;
            String target = linkTarget(candidate);
            if (target != null) {
                if (++links > MAX_LINKS) throw new Unresolvable(Errno.ELOOP, path);
                List<String> parts = split(target);
                for (int j = parts.size() - 1; j >= 0; j--) todo.addFirst(parts.get(j));
                if (target.startsWith("/")) done.clear();
                continue;
            }
            done.add(c);
        }
        return join(done);
    }

    private String linkTarget(String containerPath) throws Unresolvable {
        String made = createdLinks.get(containerPath);
        if (made != null) return made;
        if (mounts.containsKey(containerPath)) return null; // a mount point is what the mount shows
        Path h = backing(containerPath);
        if (h == null || !Files.isSymbolicLink(h)) return null;
        try {
            return Files.readSymbolicLink(h).toString();
        } catch (IOException e) {
            throw new Unresolvable(Errno.EACCES, containerPath);
        }
    }

    /** The host path of what {@code containerPath} names (symlinks followed inside), or null if it does not exist. */
    public Path existing(String containerPath) {
        try {
            Path p = backing(resolve(containerPath));
            return p != null && Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? p : null;
        } catch (Unresolvable e) {
            return null; // a loop or an unreadable link: the kernel would not find it either
        }
    }

    private static List<String> split(String p) {
        List<String> out = new ArrayList<>();
        for (String s : p.split("/")) if (!s.isEmpty()) out.add(s);
        return out;
    }

    private static String join(List<String> parts) {
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }
}
