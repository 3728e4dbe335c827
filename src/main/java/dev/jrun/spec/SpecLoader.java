package dev.jrun.spec;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The front of the pipeline: file → {@link SpecReader} (bytes to a located tree) →
 * {@link SpecSchema} (everit) → {@link ModelBuilder} (typed {@link Spec}, defaults applied).
 * Every problem on the way is a {@link Diagnostic}; nothing here throws for bad input.
 */
public final class SpecLoader {
    /**
     * {@code spec} is null when any error was found; {@code tree} is null when the file could
     * not be read or parsed (lint's semantic rules need it, and locate findings with it).
     */
    public record Result(Spec spec, List<Diagnostic> diagnostics, SourceTree tree) {
        public boolean ok() {
            return spec != null;
        }
    }

    private SpecLoader() {}

    /** Reads, validates against the schema and builds the spec. */
    public static Result load(Path file) {
        return load(file, true);
    }

    /**
     * With {@code validateSchema} false, everit is skipped; the model is still built with every
     * type checked, but unknown keys and patterns go unreported. For specs known to be valid.
     */
    public static Result load(Path file, boolean validateSchema) {
        List<Diagnostic> out = new ArrayList<>();
        byte[] bytes = readBytes(file, out);
        if (bytes == null) return new Result(null, out, null);
        return fromBytes(file, bytes, validateSchema);
    }

    /** As {@link #load(Path)}, with the content given (for tests and editors' unsaved buffers). */
    public static Result load(Path file, String content) {
        return fromBytes(file, content.getBytes(StandardCharsets.UTF_8), true);
    }

    /** For running: validates only specs whose content the cache does not know, and remembers passes. */
    public static Result loadCached(Path file, byte[] bytes, SpecCache cache) {
        String name = file.toString();
        boolean known = cache.isValid(name, bytes);
        Result r = fromBytes(file, bytes, !known);
        if (!known && r.ok()) cache.markValid(name, bytes);
        return r;
    }

    private static Result fromBytes(Path file, byte[] bytes, boolean validateSchema) {
        SpecReader.Result parsed = SpecReader.read(file.toString(), bytes);
        List<Diagnostic> out = new ArrayList<>(parsed.diagnostics());
        SourceTree tree = parsed.tree();
        if (tree == null || parsed.hasErrors()) return new Result(null, out, tree);
        if (validateSchema) {
            out.addAll(SpecSchema.validate(tree));
            for (Diagnostic d : out) {
                if (d.isError()) return new Result(null, out, tree);
            }
        }
        Spec spec = new ModelBuilder(tree, file, out).build();
        return new Result(spec, out, tree);
    }

    /** The file's bytes, or null with an {@code io} (or {@code file-type}, {@code spec-too-large}) finding. */
    public static byte[] readBytes(Path file, List<Diagnostic> out) {
        Location at = Location.unknown(file.toString());
        if (SourceTree.Format.of(file.toString()) == null) {
            // SpecReader words this finding; no need to open the file first.
            out.addAll(SpecReader.read(file.toString(), new byte[0]).diagnostics());
            return null;
        }
        // The common case in plain java.io, loaded and linked at JVM start: NIO's first use costs
        // milliseconds of every cold run. Anything unusual is read again below, which words it.
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            byte[] bytes = in.readNBytes(SpecReader.MAX_BYTES + 1);
            if (bytes.length <= SpecReader.MAX_BYTES) return bytes;
        } catch (IOException | RuntimeException e) {
            // below
        }
        try {
            if (Files.isDirectory(file)) {
                out.add(Diagnostic.error(at, "io", "is a directory, not a spec file"));
                return null;
            }
            // Refuse before reading: a multi-gigabyte file must not be pulled into memory.
            if (Files.isRegularFile(file) && Files.size(file) > SpecReader.MAX_BYTES) {
                out.add(tooLarge(at, Files.size(file)));
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(SpecReader.MAX_BYTES + 1);
                if (bytes.length > SpecReader.MAX_BYTES) {
                    out.add(tooLarge(at, -1));
                    return null;
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            out.add(Diagnostic.error(at, "io", "no such file"));
        } catch (AccessDeniedException e) {
            out.add(Diagnostic.error(at, "io", "permission denied"));
        } catch (FileSystemException e) {
            out.add(Diagnostic.error(at, "io", e.getReason() == null ? "cannot read the file" : e.getReason()));
        } catch (IOException | RuntimeException e) {
            out.add(Diagnostic.error(at, "io", "cannot read the file: " + e.getMessage()));
        }
        return null;
    }

    private static Diagnostic tooLarge(Location at, long size) {
        return Diagnostic.error(at, "spec-too-large", size < 0
                ? String.format(Locale.ROOT, "file is larger than %,d bytes (1 MiB), the limit for a spec", SpecReader.MAX_BYTES)
                : String.format(Locale.ROOT, "file is %,d bytes; a spec may be at most %,d bytes (1 MiB)", size, SpecReader.MAX_BYTES));
    }
}
