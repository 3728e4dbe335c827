package dev.jrun.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed spec document that remembers where every value and every key came from, so that
 * schema and lint findings point at {@code file:line:col} instead of a JSON pointer.
 *
 * <p>Pointers are RFC 6901 JSON pointers ({@code /mounts/2/destination}); a leading {@code #} as
 * everit writes them is accepted. A pointer that leads nowhere falls back to its nearest existing
 * ancestor, so a finding always has a place.
 */
public final class SourceTree {
    public enum Format {
        YAML, JSON;

        /**
         * By file name; null if neither. Here, not in SpecReader: a plan-cache hit asks this and
         * must not pay for SpecReader's parser factories.
         */
        public static Format of(String fileName) {
            String n = fileName.toLowerCase(java.util.Locale.ROOT);
            if (n.endsWith(".yaml") || n.endsWith(".yml")) return YAML;
            if (n.endsWith(".json")) return JSON;
            return null;
        }
    }

    private final String file;
    private final Format format;
    private final Node root;

    public SourceTree(String file, Format format, Node root) {
        this.file = file;
        this.format = format;
        this.root = root;
    }

    public String file() {
        return file;
    }

    public Format format() {
        return format;
    }

    public Node root() {
        return root;
    }

    /** The node at {@code pointer}, or null when there is none. */
    public Node node(String pointer) {
        Node n = root;
        for (String seg : segments(pointer)) {
            n = child(n, seg);
            if (n == null) return null;
        }
        return n;
    }

    /** Where the value at {@code pointer} starts (or its nearest existing ancestor's value). */
    public Location locate(String pointer) {
        Node n = root;
        for (String seg : segments(pointer)) {
            Node c = child(n, seg);
            if (c == null) break;
            n = c;
        }
        return n.at();
    }

    /**
     * Where the key of the last segment of {@code pointer} is written: for a mapping entry its
     * key, for a list item the item itself. For a missing key, the nearest existing ancestor's key.
     */
    public Location locateKey(String pointer) {
        Node n = root;
        Location at = root.at();
        for (String seg : segments(pointer)) {
            if (n instanceof Node.Mapping m && m.entries().containsKey(seg)) {
                Node.Entry e = m.entries().get(seg);
                at = e.keyAt();
                n = e.value();
            } else {
                Node c = child(n, seg);
                if (c == null) break;
                at = c.at();
                n = c;
            }
        }
        return at;
    }

    /** A location in this file with no line, for findings about the file as a whole. */
    public Location fileLocation() {
        return Location.unknown(file);
    }

    private static Node child(Node n, String seg) {
        if (n instanceof Node.Mapping m) return m.get(seg);
        if (n instanceof Node.Sequence s) {
            int i = index(seg);
            return i >= 0 && i < s.items().size() ? s.items().get(i) : null;
        }
        return null;
    }

    private static int index(String seg) {
        if (seg.isEmpty() || seg.length() > 9) return -1;
        for (int i = 0; i < seg.length(); i++) {
            if (seg.charAt(i) < '0' || seg.charAt(i) > '9') return -1;
        }
        return Integer.parseInt(seg);
    }

    /** The unescaped segments of a JSON pointer; "" and "#" are the root. */
    public static List<String> segments(String pointer) {
        String p = pointer.startsWith("#") ? pointer.substring(1) : pointer;
        List<String> out = new ArrayList<>();
        if (p.isEmpty()) return out;
        int start = p.startsWith("/") ? 1 : 0;
        for (String s : p.substring(start).split("/", -1)) {
            out.add(s.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    /** The pointer of {@code key} under {@code parent}, escaped as RFC 6901 says. */
    public static String pointer(String parent, String key) {
        return parent + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    /**
     * A pointer as people write paths: {@code /mounts/2/destination} becomes
     * {@code mounts[2].destination}; the root is "the spec root".
     */
    public static String humanPath(String pointer) {
        List<String> segs = segments(pointer);
        if (segs.isEmpty()) return "the spec root";
        StringBuilder b = new StringBuilder();
        for (String s : segs) {
            if (index(s) >= 0 && b.length() > 0) {
                b.append('[').append(s).append(']');
            } else {
                if (b.length() > 0) b.append('.');
                b.append(s);
            }
        }
        return b.toString();
    }
}
