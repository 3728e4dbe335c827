package dev.jrun.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The host's device nodes under {@code /dev}, looked up by type and number: lint's
 * {@code device-node} rule and the planner (a device given by numbers is the host's node with them)
 * ask the same scan. One instance serves a whole lint run (all its files, on all its threads). The tree is scanned
 * lazily, a level at a time ({@code /dev/*}, then {@code /dev/* /*}, ...), and only as deep as a
 * lookup needs: most nodes are at the top, a few one level down ({@code /dev/net/tun}).
 */
public final class DeviceNodes {
    /** stat(2)'s st_mode file types (inode(7)). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    /** /dev/bus/usb/001/002 is as deep as device nodes go. */
    private static final int MAX_DEPTH = 4;
    /** A bound for an odd /dev (a huge /dev/shm): lint must stay fast whatever the host has. */
    private static final int MAX_ENTRIES = 20_000;

    /** A device node: {@code type} 'c' (character) or 'b' (block), and its numbers. */
    public record Node(char type, long major, long minor) {
        /** "character device 1:3" */
        public String describe() {
            return (type == 'c' ? "character" : "block") + " device " + major + ":" + minor;
        }
    }

    private final Map<Node, Path> byNumber = new HashMap<>();
    private List<Path> next;
    private int depth;
    private int entries;

    public DeviceNodes(Path root) {
        this.next = List.of(root);
    }

    /** A fresh scan of the host's /dev, for one lint run. */
    public static DeviceNodes host() {
        return new DeviceNodes(Path.of("/dev"));
    }

    /**
     * The device node {@code p} is (following symlinks, as a bind mount of it does), or null when
     * it is some other kind of file.
     */
    public static Node of(Path p, LinkOption... options) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", options);
        int type = (Integer) a.get("mode") & S_IFMT;
        if (type != S_IFCHR && type != S_IFBLK) return null;
        long rdev = (Long) a.get("rdev");
        return new Node(type == S_IFCHR ? 'c' : 'b', major(rdev), minor(rdev));
    }

    /** glibc's encoding of dev_t (gnu_dev_major and gnu_dev_minor, bits/sysmacros.h). */
    public static long major(long dev) {
        return ((dev & 0x00000000000fff00L) >>> 8) | ((dev & 0xfffff00000000000L) >>> 32);
    }

    public static long minor(long dev) {
        return (dev & 0x00000000000000ffL) | ((dev & 0x00000ffffff00000L) >>> 12);
    }

    /** The first node with these numbers in breadth-first, name order (c 1 3 is /dev/null), or null. */
    public synchronized Path find(Node wanted) {
        while (true) {
            Path p = byNumber.get(wanted);
            if (p != null || next.isEmpty()) return p;
            scanLevel();
        }
    }

    private void scanLevel() {
        depth++;
        List<Path> deeper = new ArrayList<>();
        for (Path dir : next) {
            List<Path> children;
            try (Stream<Path> s = Files.list(dir)) {
                children = s.sorted().toList();
            } catch (IOException | UncheckedIOException | SecurityException e) {
                continue; // an unreadable directory holds nothing lint can name
            }
            for (Path c : children) {
                if (++entries > MAX_ENTRIES) {
                    next = List.of();
                    return;
                }
                try {
                    // Not following links: /dev/fd and /dev/disk/by-* point at nodes found anyway, or out of /dev.
                    Map<String, Object> a = Files.readAttributes(c, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    int type = (Integer) a.get("mode") & S_IFMT;
                    if (type == S_IFDIR && depth < MAX_DEPTH) {
                        deeper.add(c);
                    } else if (type == S_IFCHR || type == S_IFBLK) {
                        Node n = of(c, LinkOption.NOFOLLOW_LINKS);
                        if (n != null) byNumber.putIfAbsent(n, c);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone since the listing, or unreadable: skip it
                }
            }
        }
        next = deeper;
    }
}
