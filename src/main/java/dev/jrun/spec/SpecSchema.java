package dev.jrun.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The spec format's JSON Schema ({@code schema/jrun-spec.schema.json}, shipped in the jar) and
 * validation against it. Kept apart from {@link SchemaCheck} so that reading the schema's text
 * (for {@code jrun schema} or the validation cache) does not load everit and org.json.
 */
public final class SpecSchema {
    public static final String RESOURCE = "/dev/jrun/spec/jrun-spec.schema.json";

    private SpecSchema() {}

    private static final class Bytes {
        static final byte[] BYTES = load();

        private static byte[] load() {
            try (InputStream in = SpecSchema.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException("jrun is built wrong: " + RESOURCE + " is not in the jar");
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The schema's bytes as shipped (do not modify the array). */
    public static byte[] bytes() {
        return Bytes.BYTES;
    }

    /** The schema as text, what {@code jrun schema} prints. */
    public static String text() {
        return new String(Bytes.BYTES, StandardCharsets.UTF_8);
    }

    /**
     * Validates a document against the schema; every violation becomes one diagnostic at the
     * offending key or value. The schema is parsed once per JVM, on first use.
     *
     * <p>Rule ids: {@code schema-unknown-key}, {@code schema-required}, {@code schema-type},
     * {@code schema-enum}, {@code schema-pattern}, {@code schema-range}, {@code schema-unique},
     * {@code schema-one-of}, {@code schema} for anything else, and {@code too-many-errors} in
     * place of all findings after the first 50.
     */
    public static List<Diagnostic> validate(SourceTree tree) {
        return SchemaCheck.validate(tree);
    }
}
