package dev.jrun.spec;

import java.util.Set;

/** Wording shared by schema validation and the model builder, so both say the same thing. */
final class Messages {
    private static final Set<String> YAML11_BOOLEANS = Set.of(
            "yes", "no", "on", "off", "y", "n", "true", "false");

    private Messages() {}

    /** "process.env.PORT: expected a string, found the integer 8080; quote it: "8080"". */
    static String typeMismatch(String pointer, String expected, Node found, SourceTree.Format format) {
        StringBuilder b = new StringBuilder(SourceTree.humanPath(pointer)).append(": expected ").append(expected)
                .append(", found ");
        if (found == null) return b.append("nothing").toString();
        b.append(found.kindName(format));
        if (found instanceof Node.Scalar s && s.value() != null) {
            b.append(' ').append(s.show());
            if (expected.equals("a string")) {
                b.append("; quote it: ").append(DidYouMean.quote(String.valueOf(s.value())));
            } else if (expected.startsWith("true or false") && s.value() instanceof String str
                    && YAML11_BOOLEANS.contains(str.toLowerCase(java.util.Locale.ROOT))) {
                b.append("; write true or false without quotes");
            } else if (expected.equals(expectedList(format))) {
                b.append("; write a list, e.g. [").append(s.show()).append(']');
            }
        }
        return b.toString();
    }

    static String expectedMapping(SourceTree.Format f) {
        return f == SourceTree.Format.JSON ? "an object" : "a mapping";
    }

    static String expectedList(SourceTree.Format f) {
        return f == SourceTree.Format.JSON ? "an array" : "a list";
    }

    static String missing(String pointer, String key) {
        return "missing required key " + DidYouMean.quote(key) + " in " + SourceTree.humanPath(pointer);
    }
}
