package dev.jrun.host;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one reader of small host files (/proc, /sys, /etc): java.io, because it is on every cold
 * run and NIO's channel classes cost milliseconds to start; and the first read(2) asks for 64 KiB,
 * because sysctl files answer a read at a non-zero offset with nothing (a reader that read in
 * pieces once got "4" for cap_last_cap's "40" and left container root with CAP_SYS_ADMIN).
 */
public final class SmallFile {
    private static final int FIRST_READ = 65536;

    private SmallFile() {}

    /** The file as ASCII/UTF-8 text. */
    public static String read(String path) throws IOException {
        try (FileInputStream in = new FileInputStream(path)) {
            byte[] b = new byte[FIRST_READ];
            int n = Math.max(in.read(b), 0);
            if (n == FIRST_READ) { // larger than any file read here: read on
                byte[] rest = in.readAllBytes();
                b = Arrays.copyOf(b, n + rest.length);
                System.arraycopy(rest, 0, b, n, rest.length);
                n = b.length;
            }
            return new String(b, 0, n, StandardCharsets.UTF_8);
        }
    }

    /** As {@link #read}, or null when the file cannot be read. */
    public static String readOrNull(String path) {
        try {
            return read(path);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
