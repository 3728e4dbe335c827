package dev.jrun.spec;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.everit.json.schema.CombinedSchema;
import org.everit.json.schema.ConstSchema;
import org.everit.json.schema.EnumSchema;
import org.everit.json.schema.NullSchema;
import org.everit.json.schema.NumberSchema;
import org.everit.json.schema.ObjectSchema;
import org.everit.json.schema.ReferenceSchema;
import org.everit.json.schema.Schema;
import org.everit.json.schema.StringSchema;
import org.everit.json.schema.ValidationException;
import org.everit.json.schema.loader.SchemaLoader;
import org.json.JSONArray;
import org.json.JSONObject;
import org.json.JSONTokener;

/**
 * everit validation, with its violations rewritten as diagnostics that point into the source:
 * everit reports JSON pointers and terse messages ("extraneous key [mounst] is not permitted"),
 * users want {@code file:line:col} and a suggestion.
 */
final class SchemaCheck {
    private static final Pattern QUOTED_KEY = Pattern.compile("key \\[(.*)\\]", Pattern.DOTALL);
    private static final Pattern EXPECTED_TYPE = Pattern.compile("expected type: (\\w+)");
    private static final Pattern INDEX = Pattern.compile("\\[\\d+\\]");
    /** Past this many findings a file is not a spec with mistakes but something else entirely. */
    static final int MAX_REPORTED = 50;

    private SchemaCheck() {}

    /** Loaded once per JVM, on first validation: parsing the schema is the slow part. */
    private static final class Holder {
        static final Schema SCHEMA;
        /** Key name → the places (human paths) where the schema allows it, for "it belongs in". */
        static final Map<String, List<String>> HOMES = new HashMap<>();

        static {
            JSONObject json = new JSONObject(new JSONTokener(new ByteArrayInputStream(SpecSchema.bytes())));
            SCHEMA = SchemaLoader.builder().schemaJson(json).draftV7Support().build().load().build();
            collectHomes(json, json, "", HOMES, 0);
            for (List<String> places : HOMES.values()) places.sort(Comparator.naturalOrder());
        }
    }

    /** One rewritten violation, with what is needed to pick among oneOf branches and to dedupe. */
    private record Finding(Diagnostic d, String keyword, String pointer, String key, String suggestion) {}

    static List<Diagnostic> validate(SourceTree tree) {
        Object json = toJson(tree.root());
        try {
            Holder.SCHEMA.validate(json);
            return List.of();
        } catch (ValidationException e) {
            return new Rewriter(tree).all(e);
        }
    }

    static Object toJson(Node n) {
        if (n instanceof Node.Mapping m) {
            JSONObject o = new JSONObject();
            for (Node.Entry e : m.entries().values()) o.put(e.key(), toJson(e.value()));
            return o;
        }
        if (n instanceof Node.Sequence s) {
            JSONArray a = new JSONArray();
            for (Node item : s.items()) a.put(toJson(item));
            return a;
        }
        Object v = ((Node.Scalar) n).value();
        if (v == null) return JSONObject.NULL;
        // 1.0 is an integer to JSON Schema; let everit see it as one.
        BigInteger i = Node.Scalar.integral(v);
        return i != null ? i : v;
    }

    private static final class Rewriter {
        private final SourceTree tree;
        private final SourceTree.Format format;

        Rewriter(SourceTree tree) {
            this.tree = tree;
            this.format = tree.format();
        }

        List<Diagnostic> all(ValidationException e) {
            List<Finding> findings = rewrite(e);
            // A misspelled required key shows up twice: as unknown and as missing. Say it once.
            Set<String> suggested = new HashSet<>();
            for (Finding f : findings) {
                if (f.suggestion() != null) suggested.add(f.pointer() + "\0" + f.suggestion());
            }
            Set<String> seen = new HashSet<>();
            List<Diagnostic> out = new ArrayList<>();
            for (Finding f : findings) {
                if (f.keyword().equals("required") && suggested.contains(f.pointer() + "\0" + f.key())) continue;
                if (seen.add(f.d().at() + "\0" + f.d().message())) out.add(f.d());
            }
            out.sort(Comparator.naturalOrder());
            if (out.size() > MAX_REPORTED) {
                int more = out.size() - MAX_REPORTED;
                Location at = out.get(MAX_REPORTED).at();
                out = new ArrayList<>(out.subList(0, MAX_REPORTED));
                out.add(Diagnostic.error(at, "too-many-errors", String.format(java.util.Locale.ROOT,
                        "%,d more schema errors from here on are not shown", more)));
            }
            return out;
        }

        private List<Finding> rewrite(ValidationException e) {
            List<ValidationException> causes = e.getCausingExceptions();
            if ("oneOf".equals(e.getKeyword()) && !causes.isEmpty()) return oneOf(e);
            if ("anyOf".equals(e.getKeyword()) && !causes.isEmpty()) return anyOf(e);
            if (causes.isEmpty()) return List.of(leaf(e));
            List<Finding> out = new ArrayList<>();
            for (ValidationException c : causes) out.addAll(rewrite(c));
            return out;
        }

        /**
         * A oneOf failure carries every branch's failures; reporting them all is noise ("missing
         * host" about a rootfs that clearly means a path). Report the branch the document seems to
         * mean: the one that knows most of its keys, then the one with fewest failures.
         */
        private List<Finding> oneOf(ValidationException e) {
            String pointer = ptr(e);
            List<Schema> branches = new ArrayList<>(((CombinedSchema) e.getViolatedSchema()).getSubschemas());
            Map<Integer, List<Finding>> byBranch = new HashMap<>();
            int next = 0;
            for (ValidationException c : e.getCausingExceptions()) {
                int i = branchIndex(e, c, next++);
                byBranch.computeIfAbsent(i, k -> new ArrayList<>()).addAll(rewrite(c));
            }
            Node node = tree.node(pointer);
            int bestKnown = -1;
            int bestErrors = Integer.MAX_VALUE;
            List<Integer> tied = new ArrayList<>();
            for (Map.Entry<Integer, List<Finding>> b : byBranch.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey()).toList()) {
                int known = 0;
                if (node instanceof Node.Mapping m && b.getKey() < branches.size()) {
                    Set<String> props = properties(branches.get(b.getKey()));
                    for (String k : m.entries().keySet()) if (props.contains(k)) known++;
                }
                int errors = b.getValue().size();
                if (known > bestKnown || (known == bestKnown && errors < bestErrors)) {
                    bestKnown = known;
                    bestErrors = errors;
                    tied.clear();
                }
                if (known == bestKnown && errors == bestErrors) tied.add(b.getKey());
            }
            if (tied.isEmpty()) return List.of(fallback(e));
            if (tied.size() > 1) {
                List<Finding> all = tied.stream().flatMap(i -> byBranch.get(i).stream()).toList();
                boolean allAtHere = all.stream().allMatch(f -> f.pointer().equals(pointer));
                if (allAtHere && all.stream().allMatch(f -> f.keyword().equals("required"))) {
                    List<String> keys = all.stream().map(Finding::key).distinct().map(DidYouMean::quote).toList();
                    return List.of(new Finding(Diagnostic.error(tree.locateKey(pointer), "schema-required",
                            SourceTree.humanPath(pointer) + ": needs " + orList(keys)), "oneOf", pointer, null, null));
                }
                if (allAtHere && all.stream().allMatch(f -> f.keyword().equals("additionalProperties"))) {
                    List<String> keys = all.stream().map(Finding::key).distinct()
                            .sorted(Comparator.comparingInt((String k) -> tree.locateKey(SourceTree.pointer(pointer, k)).line())
                                    .thenComparingInt(k -> tree.locateKey(SourceTree.pointer(pointer, k)).col()))
                            .toList();
                    Location at = tree.locateKey(SourceTree.pointer(pointer, keys.get(keys.size() - 1)));
                    return List.of(new Finding(Diagnostic.error(at, "schema-one-of", SourceTree.humanPath(pointer) + ": "
                            + andList(keys.stream().map(DidYouMean::quote).toList()) + " cannot be used together"),
                            "oneOf", pointer, null, null));
                }
            }
            return byBranch.get(tied.get(0));
        }

        /**
         * everit turns {@code "type": ["string", "integer"]} into an anyOf with one branch per type,
         * and a failing value fails all of them. Only the branch of the value's own type says what
         * is wrong (a pattern, a bound); when no branch has its type, one finding lists the types.
         */
        private List<Finding> anyOf(ValidationException e) {
            List<String> types = new ArrayList<>();
            List<Finding> ofItsType = new ArrayList<>();
            for (ValidationException c : e.getCausingExceptions()) {
                String type = c.getCausingExceptions().isEmpty() && "type".equals(c.getKeyword()) ? expectedType(c) : null;
                if (type != null) {
                    types.add(type);
                } else {
                    ofItsType.addAll(rewrite(c));
                }
            }
            if (!ofItsType.isEmpty()) return ofItsType;
            types.sort(Comparator.naturalOrder()); // everit's branch order varies from run to run
            String pointer = ptr(e);
            return List.of(finding(e, pointer, "schema-type", Messages.typeMismatch(pointer, orList(types), tree.node(pointer), format)));
        }

        /** What a "type" violation expected, in words, or null when everit words it otherwise. */
        private String expectedType(ValidationException e) {
            if (e.getViolatedSchema() instanceof NullSchema) return "null";
            Matcher m = EXPECTED_TYPE.matcher(Objects.toString(e.getErrorMessage(), ""));
            return m.find() ? humanType(m.group(1)) : null;
        }

        /** Which oneOf branch a cause came from: its schema location says ".../oneOf/N". */
        private static int branchIndex(ValidationException parent, ValidationException cause, int fallback) {
            String prefix = Objects.toString(parent.getSchemaLocation(), "") + "/oneOf/";
            String loc = cause.getSchemaLocation();
            if (loc != null && loc.startsWith(prefix)) {
                String rest = loc.substring(prefix.length());
                int slash = rest.indexOf('/');
                try {
                    return Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
                } catch (NumberFormatException ignored) {
                    // fall through
                }
            }
            return fallback;
        }

        private Finding leaf(ValidationException e) {
            String pointer = ptr(e);
            String path = SourceTree.humanPath(pointer);
            Node node = tree.node(pointer);
            Schema schema = e.getViolatedSchema();
            String keyword = Objects.toString(e.getKeyword(), "");
            switch (keyword) {
                case "additionalProperties": {
                    String key = quotedKey(e);
                    if (key == null) break;
                    Set<String> allowed = properties(schema);
                    String suggestion = DidYouMean.closest(key, allowed);
                    String msg = "unknown key " + DidYouMean.quote(key) + " in " + path;
                    if (suggestion != null) {
                        msg += "; did you mean " + DidYouMean.quote(suggestion) + "?";
                    } else {
                        String place = INDEX.matcher(path).replaceAll("[]");
                        List<String> homes = Holder.HOMES.getOrDefault(key, List.of()).stream()
                                .filter(h -> !h.equals(place)).toList();
                        if (!homes.isEmpty()) {
                            msg += "; it belongs in " + orList(homes);
                        } else if (!allowed.isEmpty()) {
                            msg += "; allowed here: " + allowed.stream().sorted().collect(Collectors.joining(", "));
                        }
                    }
                    return new Finding(Diagnostic.error(tree.locateKey(SourceTree.pointer(pointer, key)), "schema-unknown-key", msg),
                            keyword, pointer, key, suggestion);
                }
                case "required": {
                    String key = quotedKey(e);
                    if (key == null) break;
                    return new Finding(Diagnostic.error(tree.locateKey(pointer), "schema-required", Messages.missing(pointer, key)),
                            keyword, pointer, key, null);
                }
                case "type": {
                    Matcher m = EXPECTED_TYPE.matcher(Objects.toString(e.getErrorMessage(), ""));
                    if (!m.find()) break;
                    return finding(e, pointer, "schema-type", Messages.typeMismatch(pointer, humanType(m.group(1)), node, format));
                }
                case "const": {
                    Object permitted = ((ConstSchema) schema).getPermittedValue();
                    return finding(e, pointer, "schema-enum", path + ": must be " + show(permitted) + ", found " + show(node));
                }
                case "enum": {
                    List<Object> values = ((EnumSchema) schema).getPossibleValuesAsList();
                    List<String> names = values.stream().map(String::valueOf).toList();
                    String msg = path + ": " + show(node) + " is not one of " + String.join(", ", names);
                    if (node instanceof Node.Scalar s && s.value() instanceof String str) {
                        String suggestion = DidYouMean.closest(str, names);
                        if (suggestion != null) msg += "; did you mean " + DidYouMean.quote(suggestion) + "?";
                    }
                    return finding(e, pointer, "schema-enum", msg);
                }
                case "pattern": {
                    Pattern p = ((StringSchema) schema).getPattern();
                    String loc = Objects.toString(e.getSchemaLocation(), "");
                    if (loc.endsWith("/propertyNames")) {
                        // everit points at the key itself: /process/env/A=
                        List<String> segs = SourceTree.segments(pointer);
                        String key = segs.isEmpty() ? "" : segs.get(segs.size() - 1);
                        String parent = pointer.substring(0, Math.max(0, pointer.lastIndexOf('/')));
                        return new Finding(Diagnostic.error(tree.locateKey(pointer), "schema-pattern",
                                SourceTree.humanPath(parent) + ": key " + DidYouMean.quote(key) + " does not match the pattern " + p),
                                keyword, pointer, key, null);
                    }
                    return finding(e, pointer, "schema-pattern", path + ": " + show(node) + " does not match the pattern " + p);
                }
                case "minLength": {
                    Integer min = ((StringSchema) schema).getMinLength();
                    return finding(e, pointer, "schema-range", min != null && min == 1
                            ? path + ": must not be empty"
                            : path + ": must be at least " + min + " characters long");
                }
                case "maxLength": {
                    Integer max = ((StringSchema) schema).getMaxLength();
                    int len = node instanceof Node.Scalar s && s.value() instanceof String str
                            ? str.codePointCount(0, str.length()) : -1;
                    return finding(e, pointer, "schema-range", path + ": is " + len + " characters long; at most " + max + " allowed");
                }
                case "minItems":
                    return finding(e, pointer, "schema-range", path + ": needs at least "
                            + firstNumber(e.getErrorMessage(), "1") + " item(s)");
                case "minimum":
                case "maximum": {
                    NumberSchema ns = (NumberSchema) schema;
                    boolean min = keyword.equals("minimum");
                    return finding(e, pointer, "schema-range", path + ": " + show(node) + " is "
                            + (min ? "less than the minimum " + ns.getMinimum() : "greater than the maximum " + ns.getMaximum()));
                }
                case "uniqueItems": {
                    Node dup = firstDuplicate(node);
                    String msg = dup == null ? path + ": items must be unique" : path + ": " + show(dup) + " is listed twice";
                    return new Finding(Diagnostic.error(dup == null ? tree.locate(pointer) : dup.at(), "schema-unique", msg),
                            keyword, pointer, null, null);
                }
                default:
                    break;
            }
            return fallback(e);
        }

        private Finding finding(ValidationException e, String pointer, String rule, String msg) {
            return new Finding(Diagnostic.error(tree.locate(pointer), rule, msg), Objects.toString(e.getKeyword(), ""), pointer, null, null);
        }

        private Finding fallback(ValidationException e) {
            String pointer = ptr(e);
            String msg = Objects.toString(e.getErrorMessage(), "invalid value");
            if (msg.startsWith("#: ")) msg = msg.substring(3);
            return finding(e, pointer, "schema", SourceTree.humanPath(pointer) + ": " + msg);
        }

        private String humanType(String everitType) {
            return switch (everitType) {
                case "String" -> "a string";
                case "Boolean" -> "true or false";
                case "Integer" -> "an integer";
                case "Number" -> "a number";
                case "JSONObject" -> Messages.expectedMapping(format);
                case "JSONArray" -> Messages.expectedList(format);
                case "Null" -> "null";
                default -> everitType;
            };
        }

        private String show(Object valueOrNode) {
            if (valueOrNode instanceof Node.Scalar s) return s.value() == null ? "null" : s.show();
            if (valueOrNode instanceof Node n) return n.kindName(format);
            if (valueOrNode instanceof String s) return DidYouMean.quote(s);
            return String.valueOf(valueOrNode);
        }
    }

    private static String ptr(ValidationException e) {
        String p = e.getPointerToViolation();
        return p == null ? "" : p.startsWith("#") ? p.substring(1) : p;
    }

    private static String quotedKey(ValidationException e) {
        Matcher m = QUOTED_KEY.matcher(Objects.toString(e.getErrorMessage(), ""));
        return m.find() ? m.group(1) : null;
    }

    private static String firstNumber(String s, String dflt) {
        Matcher m = Pattern.compile("(\\d+)").matcher(Objects.toString(s, ""));
        return m.find() ? m.group(1) : dflt;
    }

    private static Node firstDuplicate(Node n) {
        if (!(n instanceof Node.Sequence s)) return null;
        Set<Object> seen = new HashSet<>();
        for (Node item : s.items()) {
            if (!seen.add(toJson(item).toString())) return item;
        }
        return null;
    }

    private static Set<String> properties(Schema s) {
        if (s instanceof ReferenceSchema r) s = r.getReferredSchema();
        return s instanceof ObjectSchema o ? o.getPropertySchemas().keySet() : Set.of();
    }

    static String orList(List<String> items) {
        return joinLast(items, " or ");
    }

    static String andList(List<String> items) {
        return joinLast(items, " and ");
    }

    private static String joinLast(List<String> items, String last) {
        if (items.size() <= 1) return String.join("", items);
        return String.join(", ", items.subList(0, items.size() - 1)) + last + items.get(items.size() - 1);
    }

    /** Walks the schema JSON and records, for each key name, the human paths that allow it. */
    private static void collectHomes(JSONObject root, JSONObject schema, String path, Map<String, List<String>> homes, int depth) {
        if (depth > 16) return;
        if (schema.has("$ref")) {
            String ref = schema.getString("$ref");
            if (ref.startsWith("#/definitions/")) {
                JSONObject defs = root.optJSONObject("definitions");
                JSONObject target = defs == null ? null : defs.optJSONObject(ref.substring("#/definitions/".length()));
                if (target != null) collectHomes(root, target, path, homes, depth + 1);
            }
            return;
        }
        JSONObject props = schema.optJSONObject("properties");
        if (props != null) {
            for (String k : props.keySet()) {
                List<String> places = homes.computeIfAbsent(k, x -> new ArrayList<>());
                String here = path.isEmpty() ? "the spec root" : path;
                if (!places.contains(here)) places.add(here);
                JSONObject sub = props.optJSONObject(k);
                if (sub != null) collectHomes(root, sub, path.isEmpty() ? k : path + "." + k, homes, depth + 1);
            }
        }
        JSONObject items = schema.optJSONObject("items");
        if (items != null) collectHomes(root, items, path + "[]", homes, depth + 1);
        JSONArray oneOf = schema.optJSONArray("oneOf");
        if (oneOf != null) {
            for (int i = 0; i < oneOf.length(); i++) {
                JSONObject b = oneOf.optJSONObject(i);
                if (b != null) collectHomes(root, b, path, homes, depth + 1);
            }
        }
    }
}
