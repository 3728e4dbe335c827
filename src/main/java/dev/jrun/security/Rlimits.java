package dev.jrun.security;

import java.util.List;

/** setrlimit(2) resource names, as specs write them, and their numbers (the same on x86_64 and aarch64). */
public final class Rlimits {
    private Rlimits() {}

    /** Index = RLIMIT_* number. */
    public static final List<String> NAMES = List.of("cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
            "memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime");

    /** RLIM_INFINITY, as specs write "unlimited" and the model stores it. */
    public static final long INFINITY = -1;

    public static int number(String name) {
        return NAMES.indexOf(name);
    }

    public static String name(int resource) {
        return resource >= 0 && resource < NAMES.size() ? NAMES.get(resource) : "rlimit " + resource;
    }

    public static String value(long v) {
        return v == INFINITY ? "unlimited" : Long.toString(v);
    }

    /** ulimit(1)'s option for a resource, for hints ("ulimit -Hn"). */
    public static String ulimitOption(int resource) {
        String o = "tfdscmunlvx  e r ";
        char c = resource >= 0 && resource < o.length() ? o.charAt(resource) : ' ';
        return c == ' ' ? "" : "-H" + c;
    }
}
