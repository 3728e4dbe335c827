package dev.jrun.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a parsed spec document, YAML or JSON alike, with the place it was read from. Only what
 * JSON can say exists here: mappings with string keys, sequences and scalars; YAML's extra
 * features (aliases, complex keys, binary tags) are refused by {@link SpecReader}.
 */
public sealed interface Node {
    Location at();

    /** A human name of the node's kind for messages; YAML and JSON name containers differently. */
    String kindName(SourceTree.Format format);

    /** Keys keep their own location so that a message about a key can point at the key itself. */
    record Entry(String key, Location keyAt, Node value) {}

    record Mapping(Map<String, Entry> entries, Location at) implements Node {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        public String kindName(SourceTree.Format format) {
            return format == SourceTree.Format.JSON ? "an object" : "a mapping";
        }
    }

    record Sequence(List<Node> items, Location at) implements Node {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kindName(SourceTree.Format format) {
            return format == SourceTree.Format.JSON ? "an array" : "a list";
        }
    }

    /**
     * {@code value} is a String, Boolean, Long, BigInteger, Double or BigDecimal as the parser
     * typed it, or null. YAML's {@code yes}/{@code on} are strings (YAML 1.2), quoted numbers too.
     */
    record Scalar(Object value, Location at) implements Node {
        /** An integer, or a number with no fraction such as 1.0 (JSON Schema counts it as an integer). */
        public boolean isInteger() {
            return value instanceof Long || value instanceof BigInteger || integral(value) != null;
        }

        /**
         * {@code v} as a BigInteger when it is a decimal with no fraction and at most 30 digits,
         * else null. The bound matters: {@code 1e30000000} is a short text whose BigInteger
         * takes seconds to compute.
         */
        static BigInteger integral(Object v) {
            if (!(v instanceof BigDecimal d)) return null;
            if (d.signum() == 0) return BigInteger.ZERO;
            if (d.precision() - d.scale() > 30) return null;
            BigDecimal s = d.stripTrailingZeros();
            return s.scale() <= 0 ? s.toBigIntegerExact() : null;
        }

        @Override
        public String kindName(SourceTree.Format format) {
            if (value == null) return "null";
            if (value instanceof String) return "a string";
            if (value instanceof Boolean) return "a boolean";
            return isInteger() ? "an integer" : "a number";
        }

        /** The value as a reader would write it: strings quoted, the rest as is. */
        public String show() {
            if (value instanceof String s) return DidYouMean.quote(s);
            return String.valueOf(value);
        }
    }
}
