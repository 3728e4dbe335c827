package dev.jrun.lint;

import dev.jrun.spec.Location;

/**
 * Where the nodes of a spec's document are, addressed by JSON pointer ("/mounts/2/destination").
 * Rules use it to point at the exact key or value at fault; the model's own {@code at}
 * locations are the fallback.
 */
public interface SourceMap {
    /** The value's position, or null when the document has no such node. */
    Location value(String pointer);

    /** The position of the key naming the node, or null when the document has no such key. */
    Location key(String pointer);

    /** A spec built in code: every element is taken as written, located by its {@code at}. */
    SourceMap NONE = new SourceMap() {
        @Override
        public Location value(String pointer) {
            return null;
        }

        @Override
        public Location key(String pointer) {
            return null;
        }
    };

    /** A JSON pointer from its tokens, escaped per RFC 6901 ("~" as "~0", "/" as "~1"). */
    static String pointer(Object... tokens) {
        StringBuilder sb = new StringBuilder();
        for (Object t : tokens) {
            sb.append('/').append(String.valueOf(t).replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }
}
