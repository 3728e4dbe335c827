package dev.jrun.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a spec's bytes into a {@link SourceTree} with jackson's streaming parsers (databind is
 * too slow to load for a command that starts a container). Whatever the input, the result is a
 * tree or diagnostics, never an exception or a hang: size, nesting, aliases and the parsers'
 * own buffers are all bounded.
 *
 * <p>Rule ids: {@code file-type}, {@code spec-too-large}, {@code not-utf8}, {@code empty-spec},
 * {@code yaml-syntax}, {@code json-syntax}, {@code too-deep}, {@code duplicate-key},
 * {@code yaml-alias}, {@code yaml-tag}, {@code multiple-documents}, {@code not-a-mapping}.
 */
public final class SpecReader {
    /** Larger files are refused before parsing; a real spec is a few hundred bytes. */
    public static final int MAX_BYTES = 1 << 20;
    /** Containers nested deeper than this are refused; a real spec nests 4 deep. */
    public static final int MAX_DEPTH = 64;
    /**
     * More values than this are refused: a real spec has a few hundred, and a 1 MiB file of
     * tiny values would otherwise cost everit seconds and hundreds of MiB.
     */
    public static final int MAX_VALUES = 50_000;
    /** Stop reporting after this many findings: past it, they are one mistake's echoes. */
    private static final int MAX_FINDINGS = 20;
    private static final String CORE_TAG = "tag:yaml.org,2002:";

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH + 8) // a backstop only: Builder stops at MAX_DEPTH with a location
            .maxDocumentLength(MAX_BYTES)
            .maxStringLength(MAX_BYTES)
            .maxNameLength(MAX_BYTES)
            .maxNumberLength(100)
            .build();

    private static final YAMLFactory YAML = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(LIMITS)
            // YAML 1.2 booleans: `yes`, `on`, `no` are strings, as in the YAML language server.
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            // and `key:` with nothing after it is null, not "" (a quoted '' stays a string).
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
            // Builder reports duplicates itself, at the key and naming the first one, and goes on.
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(LIMITS)
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public record Result(SourceTree tree, List<Diagnostic> diagnostics) {
        public boolean hasErrors() {
            // a loop, not a stream: this is on the run path, where the first lambda costs ~10 ms
            for (Diagnostic d : diagnostics) {
                if (d.isError()) return true;
            }
            return false;
        }
    }

    private SpecReader() {}

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(MAX_BYTES);
        o.setNestingDepthLimit(MAX_DEPTH + 8);
        o.setMaxAliasesForCollections(0);
        o.setAllowDuplicateKeys(false);
        o.setAllowRecursiveKeys(false);
        o.setProcessComments(false);
        return o;
    }

    /** Parses {@code bytes}, read from {@code file} (used for the format and in locations). */
    public static Result read(String file, byte[] bytes) {
        SourceTree.Format format = SourceTree.Format.of(file);
        if (format == null) {
            return fail(Diagnostic.error(Location.unknown(file), "file-type",
                    "not a spec file: jrun reads .yaml, .yml and .json files"));
        }
        if (bytes.length > MAX_BYTES) {
            return fail(Diagnostic.error(Location.unknown(file), "spec-too-large", String.format(Locale.ROOT,
                    "file is %,d bytes; a spec may be at most %,d bytes (1 MiB)", bytes.length, MAX_BYTES)));
        }
        List<Diagnostic> out = new ArrayList<>();
        String text = decode(file, bytes, out);
        if (text == null) return new Result(null, out);
        Node root;
        try {
            root = new Builder(file, format, text, out).document();
        } catch (Stop stop) {
            root = null;
        }
        if (root == null) {
            return new Result(null, out);
        }
        if (!(root instanceof Node.Mapping)) {
            boolean empty = root instanceof Node.Scalar s && (s.value() == null || "".equals(s.value()));
            out.add(empty
                    ? Diagnostic.error(root.at(), "empty-spec", "the spec is empty; it needs at least version, name, rootfs and process")
                    : Diagnostic.error(root.at(), "not-a-mapping",
                            "a spec must be " + (format == SourceTree.Format.JSON ? "an object" : "a mapping")
                                    + " of keys (version, name, ...), found " + root.kindName(format)));
            return new Result(null, out);
        }
        return new Result(new SourceTree(file, format, root), out);
    }

    private static Result fail(Diagnostic d) {
        return new Result(null, List.of(d));
    }

    /** Strict UTF-8 (a BOM is allowed); null and a finding when the bytes are not UTF-8 text. */
    private static String decode(String file, byte[] bytes, List<Diagnostic> out) {
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            start = 3;
        } else if (bytes.length >= 2 && ((bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff
                || (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe)) {
            out.add(Diagnostic.error(Location.unknown(file), "not-utf8", "file is UTF-16; save it as UTF-8"));
            return null;
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer chars = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, chars, true);
        if (!r.isError()) r = dec.flush(chars);
        if (r.isError()) {
            int bad = in.position();
            out.add(Diagnostic.error(byteLocation(file, bytes, start, bad), "not-utf8", String.format(Locale.ROOT,
                    "file is not UTF-8 text: invalid byte 0x%02X", bytes[bad] & 0xff)));
            return null;
        }
        chars.flip();
        String text = chars.toString();
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            out.add(Diagnostic.error(charLocation(file, text, nul), "not-utf8",
                    "file contains a NUL byte; a spec must be UTF-8 text"));
            return null;
        }
        return text;
    }

    private static Location byteLocation(String file, byte[] bytes, int start, int offset) {
        int line = 1;
        int col = 1;
        for (int i = start; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                col = 1;
            } else if ((bytes[i] & 0xc0) != 0x80) {
                col++; // count characters, not continuation bytes
            }
        }
        return new Location(file, line, col);
    }

    private static Location charLocation(String file, String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Location(file, line, offset - lineStart + 1);
    }

    /** Thrown to abandon a document after a fatal finding was recorded. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    /** Builds the tree with one recursive descent; depth is checked before each container. */
    private static final class Builder {
        private final String file;
        private final SourceTree.Format format;
        private final String text;
        private final List<Diagnostic> out;
        private JsonParser p;
        private int values;

        Builder(String file, SourceTree.Format format, String text, List<Diagnostic> out) {
            this.file = file;
            this.format = format;
            this.text = text;
            this.out = out;
        }

        private boolean yaml() {
            return format == SourceTree.Format.YAML;
        }

        /** The root node; null (with a finding) when there is no usable document. */
        Node document() {
            try (JsonParser parser = yaml() ? YAML.createParser(text) : JSON.createParser(text)) {
                p = parser;
                JsonToken t = p.nextToken();
                if (t == null) {
                    out.add(Diagnostic.error(new Location(file, 1, 1), "empty-spec",
                            "the spec is empty; it needs at least version, name, rootfs and process"));
                    return null;
                }
                Node root = value(t, 1);
                JsonToken extra = p.nextToken();
                if (extra != null) {
                    out.add(yaml()
                            ? Diagnostic.error(here(), "multiple-documents",
                                    "a spec is one YAML document; remove the second '---' and what follows")
                            : Diagnostic.error(here(), "json-syntax", "unexpected content after the end of the JSON value"));
                    return null;
                }
                return root;
            } catch (Stop stop) {
                throw stop;
            } catch (StreamConstraintsException e) {
                String m = e.getOriginalMessage();
                boolean deep = m != null && m.contains("nesting depth");
                out.add(Diagnostic.error(where(e.getLocation()), deep ? "too-deep" : syntaxRule(),
                        deep ? "nesting deeper than " + MAX_DEPTH + " levels" : firstLine(m)));
            } catch (JsonProcessingException e) {
                syntaxError(e);
            } catch (IOException | RuntimeException e) {
                // snakeyaml's own YAMLException and anything unforeseen: still one line, no trace.
                syntaxError(e);
            } catch (StackOverflowError e) {
                out.add(Diagnostic.error(new Location(file, 1, 1), "too-deep", "nesting too deep to read"));
            }
            return null;
        }

        private Node value(JsonToken t, int depth) throws IOException {
            Location at = here();
            if (++values > MAX_VALUES) {
                out.add(Diagnostic.error(at, "spec-too-large", String.format(Locale.ROOT,
                        "more than %,d values; a spec is far smaller than this", MAX_VALUES)));
                throw new Stop();
            }
            checkTag(at);
            switch (t) {
                case START_OBJECT: {
                    tooDeep(depth, at);
                    Map<String, Node.Entry> entries = new LinkedHashMap<>();
                    while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                        if (t != JsonToken.FIELD_NAME) throw new JsonParseException(p, "expected a key");
                        String key = p.currentName();
                        Location keyAt = here();
                        Node v = value(p.nextToken(), depth + 1);
                        Node.Entry first = entries.get(key);
                        if (first != null) {
                            report(Diagnostic.error(keyAt, "duplicate-key", "duplicate key " + DidYouMean.quote(key)
                                    + " (first at " + first.keyAt().line() + ":" + first.keyAt().col() + ")"));
                        } else {
                            entries.put(key, new Node.Entry(key, keyAt, v));
                        }
                    }
                    return new Node.Mapping(entries, at);
                }
                case START_ARRAY: {
                    tooDeep(depth, at);
                    List<Node> items = new ArrayList<>();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        items.add(value(t, depth + 1));
                    }
                    return new Node.Sequence(items, at);
                }
                case VALUE_STRING:
                    if (yaml() && ((YAMLParser) p).isCurrentAlias()) {
                        // The parser does not expand aliases; refusing them makes alias bombs impossible.
                        // One finding is enough: a bomb has hundreds.
                        out.add(Diagnostic.error(at, "yaml-alias", "YAML aliases are not supported in jrun specs; repeat the value (*"
                                + p.getText() + ")"));
                        throw new Stop();
                    }
                    return new Node.Scalar(p.getText(), at);
                case VALUE_NUMBER_INT: {
                    Number n = p.getNumberValue();
                    return new Node.Scalar(n instanceof BigInteger ? n : Long.valueOf(n.longValue()), at);
                }
                case VALUE_NUMBER_FLOAT:
                    return new Node.Scalar(p.getDecimalValue(), at);
                case VALUE_TRUE:
                    return new Node.Scalar(Boolean.TRUE, at);
                case VALUE_FALSE:
                    return new Node.Scalar(Boolean.FALSE, at);
                case VALUE_NULL:
                    return new Node.Scalar(null, at);
                case VALUE_EMBEDDED_OBJECT:
                    report(Diagnostic.error(at, "yaml-tag", "binary values (!!binary) are not supported in jrun specs"));
                    return new Node.Scalar(null, at);
                default:
                    throw new JsonParseException(p, "unexpected " + t);
            }
        }

        /** Custom tags would silently change nothing here but mean something elsewhere: refuse them. */
        private void checkTag(Location at) throws IOException {
            if (!yaml()) return;
            Object tag = p.getTypeId();
            if (tag != null && !tag.toString().startsWith(CORE_TAG)) {
                report(Diagnostic.error(at, "yaml-tag", "YAML tag !" + tag + " is not supported in jrun specs"));
            }
        }

        private void tooDeep(int depth, Location at) {
            if (depth > MAX_DEPTH) {
                out.add(Diagnostic.error(at, "too-deep", "nesting deeper than " + MAX_DEPTH + " levels"));
                throw new Stop();
            }
        }

        private void report(Diagnostic d) {
            out.add(d);
            if (out.size() >= MAX_FINDINGS) throw new Stop();
        }

        private Location here() {
            return where(p.currentTokenLocation());
        }

        private Location where(JsonLocation l) {
            if (l == null || l.getLineNr() <= 0) return new Location(file, 1, 1);
            return new Location(file, l.getLineNr(), Math.max(1, l.getColumnNr()));
        }

        private String syntaxRule() {
            return yaml() ? "yaml-syntax" : "json-syntax";
        }

        private void syntaxError(Exception e) {
            MarkedYAMLException marked = markedCause(e);
            if (marked != null && marked.getProblemMark() != null) {
                Mark m = marked.getProblemMark();
                String msg = marked.getProblem() == null ? "invalid YAML" : marked.getProblem();
                if (msg.contains("\\t(TAB)")) msg = "a tab cannot start a token; indent with spaces, not tabs";
                if (marked.getContext() != null && marked.getContextMark() != null) {
                    Mark c = marked.getContextMark();
                    msg += " (" + marked.getContext() + " at " + (c.getLine() + 1) + ":" + (c.getColumn() + 1) + ")";
                }
                out.add(Diagnostic.error(new Location(file, m.getLine() + 1, m.getColumn() + 1), "yaml-syntax",
                        "YAML syntax error: " + firstLine(msg)));
                return;
            }
            Location at = e instanceof JsonProcessingException j ? where(j.getLocation()) : p == null ? new Location(file, 1, 1) : here();
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            if (msg == null || msg.isBlank()) msg = e.getClass().getSimpleName();
            out.add(Diagnostic.error(at, syntaxRule(), (yaml() ? "YAML" : "JSON") + " syntax error: " + firstLine(msg)));
        }

        private static MarkedYAMLException markedCause(Throwable e) {
            for (int i = 0; e != null && i < 8; i++, e = e.getCause()) {
                if (e instanceof MarkedYAMLException m) return m;
            }
            return null;
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
