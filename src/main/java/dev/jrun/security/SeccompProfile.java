package dev.jrun.security;

import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.DidYouMean;
import dev.jrun.spec.Location;
import dev.jrun.spec.Node;
import dev.jrun.spec.SourceTree;
import dev.jrun.spec.SpecReader;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A seccomp profile in the OCI {@code linux.seccomp} format, with Docker's extensions for profiles
 * that serve many containers: {@code archMap} (sub-architectures per native one) and
 * {@code includes}/{@code excludes} on a rule (by capability, architecture, kernel version).
 * {@link #resolve} applies those for one container and gives the flat OCI profile that
 * {@code dev.jrun.sys.Seccomp} compiles to BPF. Pure data: nothing here touches the kernel.
 *
 * <p>Rules keep the JSON pointer they were read from ({@code /syscalls/3}) so that whatever is
 * said about a rule later (an unknown syscall, a conflict) can be located with {@link #locate}.
 */
public final class SeccompProfile {
    /** The rule id of every finding about a profile. */
    public static final String RULE_ID = "seccomp-profile";

    /** An action as OCI names it ({@code SCMP_ACT_ERRNO}); {@code ret} is errnoRet, else 0. */
    public record Action(Kind kind, int ret) {
        public enum Kind {
            KILL, KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, TRACE, LOG, ALLOW;

            public String ociName() {
                return "SCMP_ACT_" + name();
            }

            /** Only these carry a value: the errno, or the message for the tracer. */
            public boolean takesRet() {
                return this == ERRNO || this == TRACE;
            }
        }

        public static final Action ALLOW = new Action(Kind.ALLOW, 0);

        public static Action errno(int errno) {
            return new Action(Kind.ERRNO, errno);
        }

        @Override
        public String toString() {
            return kind.takesRet() ? kind.ociName() + "(" + ret + ")" : kind.ociName();
        }
    }

    /** The comparisons of {@code SCMP_CMP_*}; MASKED_EQ is {@code (arg & value) == valueTwo}. */
    public enum Op {
        NE, LT, LE, EQ, GE, GT, MASKED_EQ;

        public String ociName() {
            return "SCMP_CMP_" + name();
        }
    }

    /** One comparison of argument {@code index} (0-5); values are unsigned 64-bit, kept as bits. */
    public record Arg(int index, long value, long valueTwo, Op op) {}

    /**
     * Docker's condition on a rule. In {@code includes} every listed capability is required and
     * the arch must be listed, the kernel at least minKernel; in {@code excludes} any listed
     * capability, a listed arch or a kernel of at least minKernel drops the rule.
     */
    public record Filter(List<String> caps, List<String> arches, String minKernel) {
        public static final Filter NONE = new Filter(List.of(), List.of(), null);

        public Filter {
            caps = List.copyOf(caps);
            arches = List.copyOf(arches);
        }

        public boolean isEmpty() {
            return caps.isEmpty() && arches.isEmpty() && minKernel == null;
        }
    }

    /** {@code archMap}: the architectures a filter for {@code architecture} also covers. */
    public record ArchMapping(String architecture, List<String> subArchitectures) {
        public ArchMapping {
            subArchitectures = List.copyOf(subArchitectures);
        }
    }

    /** One entry of {@code syscalls}; {@code pointer} is where it was read, null if built in code. */
    public record Rule(List<String> names, Action action, List<Arg> args, Filter includes, Filter excludes,
            String comment, String pointer) {
        public Rule {
            names = List.copyOf(names);
            args = List.copyOf(args);
        }

        public Rule(List<String> names, Action action, List<Arg> args) {
            this(names, action, args, Filter.NONE, Filter.NONE, null, null);
        }

        boolean isConditional() {
            return !includes.isEmpty() || !excludes.isEmpty();
        }
    }

    /** The profile, or each place where it is wrong ({@link #diagnostics}), file:line:col first. */
    public static final class InvalidProfileException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient List<Diagnostic> diagnostics;

        InvalidProfileException(List<Diagnostic> diagnostics) {
            super(summary(diagnostics), null, false, false);
            this.diagnostics = List.copyOf(diagnostics);
        }

        public List<Diagnostic> diagnostics() {
            return diagnostics;
        }

        private static String summary(List<Diagnostic> ds) {
            Diagnostic d = ds.get(0);
            String first = d.at() + ": " + d.message();
            return ds.size() == 1 ? first : first + " (and " + (ds.size() - 1) + " more)";
        }
    }

    private final Action defaultAction;
    private final List<String> architectures;
    private final List<ArchMapping> archMap;
    private final List<String> flags;
    private final List<Rule> syscalls;
    private final SourceTree source;

    public SeccompProfile(Action defaultAction, List<String> architectures, List<ArchMapping> archMap,
            List<String> flags, List<Rule> syscalls) {
        this(defaultAction, architectures, archMap, flags, syscalls, null);
    }

    private SeccompProfile(Action defaultAction, List<String> architectures, List<ArchMapping> archMap,
            List<String> flags, List<Rule> syscalls, SourceTree source) {
        this.defaultAction = defaultAction;
        this.architectures = List.copyOf(architectures);
        this.archMap = List.copyOf(archMap);
        this.flags = List.copyOf(flags);
        this.syscalls = List.copyOf(syscalls);
        this.source = source;
    }

    public Action defaultAction() {
        return defaultAction;
    }

    /** {@code SCMP_ARCH_*} names; the native architecture is always in a filter, listed or not. */
    public List<String> architectures() {
        return architectures;
    }

    public List<ArchMapping> archMap() {
        return archMap;
    }

    /** {@code SECCOMP_FILTER_FLAG_*} for the seccomp(2) call that loads the filter. */
    public List<String> flags() {
        return flags;
    }

    public List<Rule> syscalls() {
        return syscalls;
    }

    /** True when nothing is left for {@link #resolve}: no archMap, no includes or excludes. */
    public boolean isResolved() {
        if (!archMap.isEmpty()) return false;
        for (Rule r : syscalls) {
            if (r.isConditional()) return false;
        }
        return true;
    }

    /** The rules that name {@code syscall}, in order. */
    public List<Rule> rulesFor(String syscall) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : syscalls) {
            if (r.names.contains(syscall)) out.add(r);
        }
        return out;
    }

    /** Where {@code pointer} (a rule's, or below it) is written; the file alone if unknown. */
    public Location locate(String pointer) {
        if (source == null || pointer == null) return Location.unknown(source == null ? "seccomp profile" : source.file());
        return source.locate(pointer);
    }

    // ---- resolving Docker's conditions ----

    /** {@link #resolve(Set, String, String)} for this host's architecture and kernel. */
    public SeccompProfile resolve(Set<String> capabilities) {
        return resolve(capabilities, System.getProperty("os.arch"), System.getProperty("os.version"));
    }

    /**
     * The flat profile for a container with the {@code capabilities} (its bounding set; "CAP_" may
     * be left out) on {@code arch} ({@code amd64}/{@code x86_64} or {@code arm64}/{@code aarch64})
     * under kernel {@code kernelRelease} ({@code uname -r}), as moby's setupSeccomp does: archMap
     * becomes the architectures of that arch, rules whose conditions fail are dropped, the others
     * lose their conditions.
     */
    public SeccompProfile resolve(Set<String> capabilities, String arch, String kernelRelease) {
        String goArch = goArch(arch);
        int[] kernel = kernelVersion(kernelRelease);
        if (kernel == null) throw new IllegalArgumentException("not a kernel release: " + DidYouMean.quote(kernelRelease));
        Set<String> caps = new LinkedHashSet<>();
        for (String c : capabilities) {
            String u = c.toUpperCase(Locale.ROOT);
            caps.add(u.startsWith("CAP_") ? u : "CAP_" + u);
        }
        List<String> archs = new ArrayList<>(architectures);
        String native_ = "amd64".equals(goArch) ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64";
        for (ArchMapping m : archMap) {
            if (m.architecture.equals(native_)) {
                archs.add(m.architecture);
                archs.addAll(m.subArchitectures);
                break;
            }
        }
        List<Rule> kept = new ArrayList<>();
        for (Rule r : syscalls) {
            if (applies(r, caps, goArch, kernel)) {
                kept.add(new Rule(r.names, r.action, r.args, Filter.NONE, Filter.NONE, r.comment, r.pointer));
            }
        }
        return new SeccompProfile(defaultAction, archs, List.of(), flags, kept, source);
    }

    private static boolean applies(Rule r, Set<String> caps, String arch, int[] kernel) {
        Filter ex = r.excludes;
        if (ex.arches.contains(arch)) return false;
        for (String c : ex.caps) {
            if (caps.contains(c)) return false;
        }
        if (ex.minKernel != null && compare(kernel, kernelVersion(ex.minKernel)) >= 0) return false;
        Filter in = r.includes;
        if (!in.arches.isEmpty() && !in.arches.contains(arch)) return false;
        if (!caps.containsAll(in.caps)) return false;
        return in.minKernel == null || compare(kernel, kernelVersion(in.minKernel)) >= 0;
    }

    /** Docker's arch names (Go's GOARCH) for the two architectures jrun runs on. */
    private static String goArch(String arch) {
        switch (arch) {
            case "amd64":
            case "x86_64":
                return "amd64";
            case "arm64":
            case "aarch64":
                return "arm64";
            default:
                throw new IllegalArgumentException("jrun supports x86_64 and aarch64, not " + DidYouMean.quote(arch));
        }
    }

    private static final Pattern KERNEL = Pattern.compile("^(\\d{1,6})\\.(\\d{1,6})");

    /** major.minor of a release such as "6.18.0-1-amd64", or null. */
    private static int[] kernelVersion(String release) {
        Matcher m = release == null ? null : KERNEL.matcher(release);
        if (m == null || !m.find()) return null;
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static int compare(int[] a, int[] b) {
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }

    // ---- the built-in profile ----

    private static final String DEFAULT_RESOURCE = "default-seccomp.json";

    /**
     * jrun's default: the effect of Docker's default profile (moby profiles/seccomp/default.json,
     * which podman's containers/common follows): EPERM for everything not allowed, namespaces and
     * mounts only with CAP_SYS_ADMIN, clone3 answered ENOSYS so libc falls back to a clone whose
     * flags a filter can read. Unconditional here; {@link #resolve} it for a container.
     */
    public static SeccompProfile defaultProfile() {
        return DefaultHolder.PROFILE;
    }

    private static final class DefaultHolder {
        static final SeccompProfile PROFILE = load();

        private static SeccompProfile load() {
            try (InputStream in = SeccompProfile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) throw new IllegalStateException("jrun is built without " + DEFAULT_RESOURCE);
                return parse(DEFAULT_RESOURCE, in.readAllBytes());
            } catch (IOException | InvalidProfileException e) {
                throw new IllegalStateException("jrun's built-in seccomp profile is broken: " + e.getMessage(), e);
            }
        }
    }

    // ---- parsing ----

    /** Parses a profile file (JSON, or YAML by its name) of {@code bytes}; {@code file} names it in messages. */
    public static SeccompProfile parse(String file, byte[] bytes) throws InvalidProfileException {
        SpecReader.Result r = SpecReader.read(SourceTree.Format.of(file) == null ? file + ".json" : file, bytes);
        List<Diagnostic> errors = new ArrayList<>();
        for (Diagnostic d : r.diagnostics()) {
            if (!d.isError()) continue;
            // SpecReader speaks of specs; these two findings read wrong for a profile.
            if (d.ruleId().equals("empty-spec") || d.ruleId().equals("not-a-mapping")) {
                errors.add(Diagnostic.error(d.at(), RULE_ID, "a seccomp profile must be an object with at least \"defaultAction\""));
            } else {
                errors.add(d);
            }
        }
        if (!errors.isEmpty() || r.tree() == null) throw new InvalidProfileException(errors);
        return parse(r.tree(), "");
    }

    /** Parses {@code text}, a JSON profile. */
    public static SeccompProfile parse(String file, String text) throws InvalidProfileException {
        return parse(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses the profile at {@code pointer} in {@code tree} (a spec may carry one inline). */
    public static SeccompProfile parse(SourceTree tree, String pointer) throws InvalidProfileException {
        Reader reader = new Reader(tree);
        Node node = tree.node(pointer);
        if (node == null) {
            reader.error(tree.locate(pointer), pointer, "no seccomp profile here");
        }
        SeccompProfile p = reader.profile(node, pointer);
        if (!reader.errors.isEmpty()) throw new InvalidProfileException(reader.errors);
        return p;
    }

    private static final List<String> TOP_KEYS = List.of("defaultAction", "defaultErrnoRet", "architectures",
            "archMap", "flags", "syscalls", "listenerPath", "listenerMetadata", "comment");
    private static final List<String> RULE_KEYS = List.of("names", "name", "action", "errnoRet", "args",
            "comment", "includes", "excludes");
    private static final List<String> ARG_KEYS = List.of("index", "value", "valueTwo", "op");
    private static final List<String> FILTER_KEYS = List.of("caps", "arches", "minKernel");
    private static final List<String> ARCHMAP_KEYS = List.of("architecture", "subArchitectures");

    private static final List<String> ACTIONS = names(Action.Kind.values(), "SCMP_ACT_");
    private static final List<String> OPS = names(Op.values(), "SCMP_CMP_");

    /** libseccomp's architectures (seccomp_arch_resolve_name(3)), as OCI spells them. */
    static final List<String> ARCHITECTURES = List.of("SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
            "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
            "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    /** Docker's names in includes/excludes (Go's GOARCH, and x32). */
    private static final List<String> FILTER_ARCHES = List.of("amd64", "x86", "x32", "arm", "arm64", "mips",
            "mipsle", "mips64", "mips64n32", "mipsel64", "mipsel64n32", "ppc", "ppc64", "ppc64le", "s390",
            "s390x", "riscv64", "loong64");

    private static final List<String> FLAGS = List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW");

    private static final Pattern SYSCALL_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern MIN_KERNEL = Pattern.compile("\\d{1,6}\\.\\d{1,6}");
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    /** The kernel caps SECCOMP_RET_ERRNO's data at MAX_ERRNO; TRACE passes 16 bits to the tracer. */
    private static final int MAX_ERRNO = 4095;

    private static <E extends Enum<E>> List<String> names(E[] values, String prefix) {
        List<String> out = new ArrayList<>();
        for (E e : values) out.add(prefix + e.name());
        return List.copyOf(out);
    }

    /** One pass over the tree that records every problem instead of stopping at the first. */
    private static final class Reader {
        private final SourceTree tree;
        final List<Diagnostic> errors = new ArrayList<>();

        Reader(SourceTree tree) {
            this.tree = tree;
        }

        SeccompProfile profile(Node node, String ptr) {
            Node.Mapping m = mapping(node, ptr);
            if (m == null) return null;
            keys(m, ptr, TOP_KEYS);
            for (String unsupported : List.of("listenerPath", "listenerMetadata")) {
                if (m.get(unsupported) != null) {
                    error(at(ptr + "/" + unsupported), ptr + "/" + unsupported,
                            "not supported: jrun has no seccomp agent (SCMP_ACT_NOTIFY)");
                }
            }
            Action defaultAction = null;
            String actionName = requiredString(m, ptr, "defaultAction");
            if (actionName != null) {
                defaultAction = action(actionName, m.get("defaultErrnoRet"), ptr + "/defaultAction", ptr + "/defaultErrnoRet");
            }
            List<String> architectures = enumList(m.get("architectures"), ptr + "/architectures", ARCHITECTURES, "architecture");
            List<ArchMapping> archMap = new ArrayList<>();
            Node.Sequence maps = sequence(m.get("archMap"), ptr + "/archMap");
            if (maps != null) {
                for (int i = 0; i < maps.items().size(); i++) {
                    ArchMapping a = archMapping(maps.items().get(i), ptr + "/archMap/" + i);
                    if (a != null) archMap.add(a);
                }
                if (!architectures.isEmpty()) {
                    error(at(ptr + "/archMap"), ptr + "/archMap", "give \"architectures\" or \"archMap\", not both");
                }
            }
            List<String> flags = enumList(m.get("flags"), ptr + "/flags", FLAGS, "flag");
            List<Rule> rules = new ArrayList<>();
            Node.Sequence calls = sequence(m.get("syscalls"), ptr + "/syscalls");
            if (calls != null) {
                for (int i = 0; i < calls.items().size(); i++) {
                    Rule r = rule(calls.items().get(i), ptr + "/syscalls/" + i, defaultAction);
                    if (r != null) rules.add(r);
                }
            }
            return new SeccompProfile(defaultAction, architectures, archMap, flags, rules, tree);
        }

        private ArchMapping archMapping(Node node, String ptr) {
            Node.Mapping m = mapping(node, ptr);
            if (m == null) return null;
            keys(m, ptr, ARCHMAP_KEYS);
            String arch = requiredString(m, ptr, "architecture");
            if (arch != null) checkEnum(arch, ptr + "/architecture", ARCHITECTURES, "architecture");
            List<String> subs = enumList(m.get("subArchitectures"), ptr + "/subArchitectures", ARCHITECTURES, "architecture");
            return arch == null ? null : new ArchMapping(arch, subs);
        }

        private Rule rule(Node node, String ptr, Action defaultAction) {
            Node.Mapping m = mapping(node, ptr);
            if (m == null) return null;
            keys(m, ptr, RULE_KEYS);
            List<String> names = new ArrayList<>();
            Node.Sequence list = sequence(m.get("names"), ptr + "/names");
            Node single = m.get("name");
            if (list != null && single != null) {
                error(at(ptr + "/name"), ptr + "/name", "give \"name\" or \"names\", not both");
            } else if (list == null && single == null) {
                error(at(ptr), ptr, "a rule needs \"names\": the syscalls it applies to");
            } else if (list != null && list.items().isEmpty()) {
                error(at(ptr + "/names"), ptr + "/names", "an empty list applies to no syscall; name at least one");
            }
            if (list != null) {
                for (int i = 0; i < list.items().size(); i++) {
                    String n = syscallName(list.items().get(i), ptr + "/names/" + i);
                    if (n != null) names.add(n);
                }
            } else if (single != null) {
                String n = syscallName(single, ptr + "/name");
                if (n != null) names.add(n);
            }
            String actionName = requiredString(m, ptr, "action");
            Action action = actionName == null ? null : action(actionName, m.get("errnoRet"), ptr + "/action", ptr + "/errnoRet");
            List<Arg> args = new ArrayList<>();
            Node.Sequence argList = sequence(m.get("args"), ptr + "/args");
            if (argList != null) {
                for (int i = 0; i < argList.items().size(); i++) {
                    Arg a = arg(argList.items().get(i), ptr + "/args/" + i);
                    if (a != null) args.add(a);
                }
            }
            String comment = optionalString(m, ptr, "comment");
            Filter includes = filter(m.get("includes"), ptr + "/includes");
            Filter excludes = filter(m.get("excludes"), ptr + "/excludes");
            if (action == null) return null;
            return new Rule(names, action, args, includes, excludes, comment, ptr);
        }

        private String syscallName(Node node, String ptr) {
            String s = string(node, ptr);
            if (s == null) return null;
            if (!SYSCALL_NAME.matcher(s).matches()) {
                error(at(ptr), ptr, DidYouMean.quote(s) + " is not a syscall name (lowercase letters, digits and '_')");
                return null;
            }
            return s;
        }

        private Action action(String name, Node ret, String ptr, String retPtr) {
            if (name.equals("SCMP_ACT_NOTIFY")) {
                error(at(ptr), ptr, "SCMP_ACT_NOTIFY is not supported: jrun has no seccomp agent to answer it");
                return null;
            }
            if (!checkEnum(name, ptr, ACTIONS, "action")) return null;
            Action.Kind kind = Action.Kind.valueOf(name.substring("SCMP_ACT_".length()));
            if (ret == null) return new Action(kind, kind.takesRet() ? 1 : 0); // EPERM, as runc and crun default it
            if (!kind.takesRet()) {
                error(at(retPtr), retPtr, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value, not " + name);
                return null;
            }
            int max = kind == Action.Kind.ERRNO ? MAX_ERRNO : 0xffff;
            BigInteger v = integer(ret, retPtr, BigInteger.valueOf(max));
            return v == null ? null : new Action(kind, v.intValue());
        }

        private Arg arg(Node node, String ptr) {
            Node.Mapping m = mapping(node, ptr);
            if (m == null) return null;
            keys(m, ptr, ARG_KEYS);
            BigInteger index = required(m, ptr, "index")
                    ? integer(m.get("index"), ptr + "/index", BigInteger.valueOf(5), "is not an argument index: a syscall has arguments 0 to 5")
                    : null;
            BigInteger value = required(m, ptr, "value") ? integer(m.get("value"), ptr + "/value", U64_MAX) : null;
            BigInteger valueTwo = m.get("valueTwo") == null ? BigInteger.ZERO : integer(m.get("valueTwo"), ptr + "/valueTwo", U64_MAX);
            String opName = requiredString(m, ptr, "op");
            Op op = opName != null && checkEnum(opName, ptr + "/op", OPS, "operator")
                    ? Op.valueOf(opName.substring("SCMP_CMP_".length())) : null;
            if (op != null && op != Op.MASKED_EQ && valueTwo != null && valueTwo.signum() != 0) {
                error(at(ptr + "/valueTwo"), ptr + "/valueTwo", "only SCMP_CMP_MASKED_EQ uses valueTwo (the value under the mask), not " + opName);
            }
            if (index == null || value == null || valueTwo == null || op == null) return null;
            return new Arg(index.intValue(), value.longValue(), valueTwo.longValue(), op);
        }

        private Filter filter(Node node, String ptr) {
            if (node == null) return Filter.NONE;
            Node.Mapping m = mapping(node, ptr);
            if (m == null) return Filter.NONE;
            keys(m, ptr, FILTER_KEYS);
            List<String> caps = enumList(m.get("caps"), ptr + "/caps", Capabilities.allNames(), "capability");
            List<String> arches = enumList(m.get("arches"), ptr + "/arches", FILTER_ARCHES, "architecture");
            String minKernel = optionalString(m, ptr, "minKernel");
            if (minKernel != null && !MIN_KERNEL.matcher(minKernel).matches()) {
                error(at(ptr + "/minKernel"), ptr + "/minKernel", DidYouMean.quote(minKernel) + " is not a kernel version such as \"4.8\"");
                minKernel = null;
            }
            return new Filter(caps, arches, minKernel);
        }

        // ---- typed access, each failure recorded at its place ----

        private Node.Mapping mapping(Node node, String ptr) {
            if (node instanceof Node.Mapping m) return m;
            if (node != null) error(node.at(), ptr, "must be an object, found " + node.kindName(SourceTree.Format.JSON));
            return null;
        }

        private Node.Sequence sequence(Node node, String ptr) {
            if (node == null || node instanceof Node.Scalar s && s.value() == null) return null;
            if (node instanceof Node.Sequence s) return s;
            error(node.at(), ptr, "must be an array, found " + node.kindName(SourceTree.Format.JSON));
            return null;
        }

        private String string(Node node, String ptr) {
            if (node instanceof Node.Scalar s && s.value() instanceof String str) return str;
            error(node.at(), ptr, "must be a string, found " + node.kindName(SourceTree.Format.JSON));
            return null;
        }

        private boolean required(Node.Mapping m, String ptr, String key) {
            if (m.get(key) != null) return true;
            error(m.at(), ptr, "missing \"" + key + "\"");
            return false;
        }

        private String requiredString(Node.Mapping m, String ptr, String key) {
            return required(m, ptr, key) ? string(m.get(key), ptr + "/" + key) : null;
        }

        private String optionalString(Node.Mapping m, String ptr, String key) {
            Node n = m.get(key);
            return n == null ? null : string(n, ptr + "/" + key);
        }

        /** An integer from 0 to {@code max}, or null (recorded). */
        private BigInteger integer(Node node, String ptr, BigInteger max) {
            return integer(node, ptr, max, null);
        }

        /** The same, with {@code outOfRange} said of an integer that is not in range. */
        private BigInteger integer(Node node, String ptr, BigInteger max, String outOfRange) {
            BigInteger v = null;
            if (node instanceof Node.Scalar s && s.isInteger()) {
                Object o = s.value();
                v = o instanceof Long l ? BigInteger.valueOf(l) : o instanceof BigInteger b ? b : ((BigDecimal) o).toBigIntegerExact();
            }
            if (v != null && v.signum() >= 0 && v.compareTo(max) <= 0) return v;
            if (v != null && outOfRange != null) {
                error(node.at(), ptr, v + " " + outOfRange);
            } else {
                String found = node instanceof Node.Scalar s ? s.show() : node.kindName(SourceTree.Format.JSON);
                error(node.at(), ptr, "must be an integer from 0 to " + max + ", found " + found);
            }
            return null;
        }

        private List<String> enumList(Node node, String ptr, List<String> known, String what) {
            List<String> out = new ArrayList<>();
            Node.Sequence s = sequence(node, ptr);
            if (s == null) return out;
            for (int i = 0; i < s.items().size(); i++) {
                String v = string(s.items().get(i), ptr + "/" + i);
                if (v != null && checkEnum(v, ptr + "/" + i, known, what)) out.add(v);
            }
            return out;
        }

        private boolean checkEnum(String value, String ptr, List<String> known, String what) {
            if (known.contains(value)) return true;
            if (value.equals("SECCOMP_FILTER_FLAG_NEW_LISTENER") || value.equals("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) {
                error(at(ptr), ptr, value + " is not supported: jrun has no seccomp agent (SCMP_ACT_NOTIFY)");
                return false;
            }
            String hint = aliasHint(value);
            if (hint.isEmpty()) hint = DidYouMean.hint(value, known);
            if (hint.isEmpty() && known.size() <= 10) hint = "; one of " + String.join(", ", known);
            error(at(ptr), ptr, "unknown " + what + " " + DidYouMean.quote(value) + hint);
            return false;
        }

        /** The names people carry over from uname(1) and OCI into Docker's arch conditions, and back. */
        private static String aliasHint(String value) {
            Map<String, String> aliases = Map.of("x86_64", "amd64", "aarch64", "arm64", "i386", "x86",
                    "SCMP_ARCH_AMD64", "SCMP_ARCH_X86_64", "SCMP_ARCH_ARM64", "SCMP_ARCH_AARCH64");
            String a = aliases.get(value);
            return a == null ? "" : "; did you mean \"" + a + "\"?";
        }

        private void keys(Node.Mapping m, String ptr, List<String> known) {
            for (String k : m.entries().keySet()) {
                if (known.contains(k)) continue;
                String kp = SourceTree.pointer(ptr, k);
                error(tree.locateKey(kp), kp, "unknown key " + DidYouMean.quote(k) + DidYouMean.hint(k, known));
            }
        }

        private Location at(String ptr) {
            return tree.locate(ptr);
        }

        private void error(Location at, String ptr, String message) {
            errors.add(Diagnostic.error(at, RULE_ID, (ptr.isEmpty() ? "/" : ptr) + ": " + message));
        }
    }
}
