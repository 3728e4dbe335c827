package dev.jrun.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The host's device nodes, as the spec's {@code devices} name them (lint and the planner both look here). */
public final class DeviceNodes {
    private DeviceNodes() {}

    /** "c" or "b" for a character or block device node at {@code p} (not following a symlink), else null. */
    public static String type(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & 0170000) {
                case 0020000 -> "c";
                case 0060000 -> "b";
                default -> null;
            };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {major, minor} of a device node. */
    public static long[] numbers(Path p) throws IOException {
        long rdev = ((Number) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue();
        // glibc's gnu_dev_major/minor: 12 bits of major, 20 of minor, split across the 64-bit dev_t
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        return new long[] {major, minor};
    }

    /** A node under /dev (or one level below it) of this type and these numbers, or null. */
    public static String find(String type, long major, long minor) {
        return find(Path.of("/dev"), type, major, minor, 1);
    }

    private static String find(Path dir, String type, long major, long minor, int depth) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (type.equals(type(p))) {
                    long[] n = numbers(p);
                    if (n[0] == major && n[1] == minor) return p.toString();
                } else if (depth > 0 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    String found = find(p, type, major, minor, depth - 1);
                    if (found != null) return found;
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable directory holds nothing we can bind
        }
        return null;
    }
}
