package dev.jrun.spec;

import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Builds the typed {@link Spec} from a document, applying the format's defaults and resolving
 * host paths against the spec's folder. It checks every type it reads, so it is safe on a
 * document that skipped schema validation (the run-time path with a cached digest): a mismatch
 * becomes a diagnostic, never a ClassCastException. Keys it does not know are ignored here; the
 * schema reports them.
 */
final class ModelBuilder {
    private static final long MAX_ID = 4294967294L; // (uid_t) -1 is "no id" to the kernel
    private static final long MAX_MAP_SIZE = 4294967295L;
    /** The kernel's dev_t holds a 12-bit major and a 20-bit minor number (MINORBITS, linux/kdev_t.h). */
    private static final long MAX_MAJOR = 4095;
    private static final long MAX_MINOR = 1048575;
    private static final Pattern UMASK = Pattern.compile("0?[0-7]{1,3}");
    private static final int MAX_PORT = 65535;
    private static final String PORT_RULE = Spec.Port.RULE_ID;

    private final SourceTree tree;
    private final Path file;
    private final Path dir;
    private final List<Diagnostic> out;

    ModelBuilder(SourceTree tree, Path file, List<Diagnostic> out) {
        this.tree = tree;
        this.file = file;
        Path parent = file.toAbsolutePath().normalize().getParent();
        this.dir = parent == null ? Path.of("/") : parent;
        this.out = out;
    }

    /** The spec, or null when anything was wrong (see the diagnostics). */
    Spec build() {
        int before = errorCount();
        Node.Mapping root = (Node.Mapping) tree.root();
        Long version = integer(field(root, "", "version", true), "/version", 0, Integer.MAX_VALUE);
        if (version != null && version != 1) {
            out.add(Diagnostic.error(tree.locate("/version"), "schema-enum", "version: must be 1, found " + version));
        }
        String name = string(field(root, "", "name", true), "/name");
        Spec.Rootfs rootfs = rootfs(field(root, "", "rootfs", true));
        String hostname = optString(root, "", "hostname", name);
        String domainname = optString(root, "", "domainname", null);
        Set<Namespace> namespaces = namespaces(field(root, "", "namespaces", false));
        List<Spec.JoinNamespace> joins = joins(field(root, "", "namespaces", false));
        Spec.IdMappings idMappings = idMappings(field(root, "", "idMappings", false), root.at());
        boolean defaultMounts = optBool(root, "", "defaultMounts", true);
        List<Spec.Mount> mounts = mounts(field(root, "", "mounts", false));
        List<Spec.ConfFile> files = files(field(root, "", "files", false));
        List<Spec.Volume> volumes = volumes(field(root, "", "volumes", false));
        Spec.ProcessSpec process = process(field(root, "", "process", true));
        Spec.Network network = network(field(root, "", "network", false), root.at());
        Spec.Security security = security(field(root, "", "security", false), root.at());
        List<Spec.Device> devices = devices(field(root, "", "devices", false));
        if (errorCount() > before) return null;
        return new Spec(file, version.intValue(), name, rootfs, hostname, domainname, namespaces, idMappings,
                defaultMounts, mounts, files, volumes, process, network, security, devices, root.at(), joins);
    }

    private Spec.Rootfs rootfs(Node n) {
        Node.Mapping m = mapping(n, "/rootfs");
        if (m == null) return null;
        if (m.get("host") != null) {
            Boolean host = bool(m.get("host"), "/rootfs/host");
            if (Boolean.FALSE.equals(host)) {
                out.add(Diagnostic.error(tree.locate("/rootfs/host"), "schema-enum", "rootfs.host: must be true, found false"));
            }
            return new Spec.Rootfs(null, true, true, true, m.at());
        }
        Path path = hostPath(string(field(m, "/rootfs", "path", true), "/rootfs/path"), "/rootfs/path");
        boolean readonly = optBool(m, "/rootfs", "readonly", true);
        boolean pivot = optBool(m, "/rootfs", "pivot", true);
        return new Spec.Rootfs(path, false, readonly, pivot, m.at());
    }

    /** The {type, path} entries: namespaces to join, not to create. */
    private List<Spec.JoinNamespace> joins(Node n) {
        if (n == null) return List.of();
        List<Spec.JoinNamespace> out = new java.util.ArrayList<>();
        List<Node> items = list(n, "/namespaces");
        for (int i = 0; items != null && i < items.size(); i++) {
            if (!(items.get(i) instanceof Node.Mapping m)) continue;
            String ptr = "/namespaces/" + i;
            String type = string(m.get("type"), ptr + "/type");
            String path = string(m.get("path"), ptr + "/path");
            Namespace ns = type == null ? null : Namespace.fromSpecName(type);
            if (ns != null && path != null) out.add(new Spec.JoinNamespace(ns, dir.resolve(path).normalize(), i, m.at()));
        }
        return List.copyOf(out);
    }

    private Set<Namespace> namespaces(Node n) {
        if (n == null) return Collections.unmodifiableSet(EnumSet.allOf(Namespace.class));
        EnumSet<Namespace> set = EnumSet.noneOf(Namespace.class);
        List<Node> items = list(n, "/namespaces");
        for (int i = 0; items != null && i < items.size(); i++) {
            String ptr = "/namespaces/" + i;
            if (items.get(i) instanceof Node.Mapping) continue; // a namespace to join (joins)
            String s = string(items.get(i), ptr);
            if (s == null) continue;
            Namespace ns = Namespace.fromSpecName(s);
            if (ns == null) {
                out.add(Diagnostic.error(tree.locate(ptr), "schema-enum", SourceTree.humanPath(ptr) + ": "
                        + DidYouMean.quote(s) + " is not one of user, mount, uts, ipc, pid, net, cgroup"));
            } else {
                set.add(ns);
            }
        }
        return Collections.unmodifiableSet(set);
    }

    private Spec.IdMappings idMappings(Node n, Location rootAt) {
        if (n == null) return new Spec.IdMappings(List.of(), List.of(), rootAt);
        Node.Mapping m = mapping(n, "/idMappings");
        if (m == null) return null;
        return new Spec.IdMappings(idMaps(m.get("uid"), "/idMappings/uid"), idMaps(m.get("gid"), "/idMappings/gid"), m.at());
    }

    private List<Spec.IdMap> idMaps(Node n, String ptr) {
        return eachMapping(n, ptr, (m, p) -> {
            Long container = integer(field(m, p, "container", true), p + "/container", 0, MAX_ID);
            Long host = integer(field(m, p, "host", true), p + "/host", 0, MAX_ID);
            Long size = integer(field(m, p, "size", true), p + "/size", 1, MAX_MAP_SIZE);
            return container != null && host != null && size != null ? new Spec.IdMap(container, host, size, m.at()) : null;
        });
    }

    private List<Spec.Mount> mounts(Node n) {
        return eachMapping(n, "/mounts", (m, p) -> {
            String destination = string(field(m, p, "destination", true), p + "/destination");
            String type = optString(m, p, "type", "bind");
            String source = optString(m, p, "source", null);
            List<String> options = strings(m.get("options"), p + "/options");
            return new Spec.Mount(destination, type, source, options, m.at());
        });
    }

    private List<Spec.ConfFile> files(Node n) {
        return eachMapping(n, "/files", (m, p) -> {
            String destination = string(field(m, p, "destination", true), p + "/destination");
            String content = optString(m, p, "content", null);
            String source = optString(m, p, "source", null);
            if ((content == null) == (source == null)) {
                out.add(Diagnostic.error(tree.locateKey(p), "schema-one-of",
                        SourceTree.humanPath(p) + ": give exactly one of \"content\" and \"source\""));
                return null;
            }
            return new Spec.ConfFile(destination, content, source == null ? null : hostPath(source, p + "/source"), m.at());
        });
    }

    private List<Spec.Volume> volumes(Node n) {
        return eachMapping(n, "/volumes", (m, p) -> {
            Path source = hostPath(string(field(m, p, "source", true), p + "/source"), p + "/source");
            String destination = string(field(m, p, "destination", true), p + "/destination");
            boolean readonly = optBool(m, p, "readonly", false);
            return new Spec.Volume(source, destination, readonly, m.at());
        });
    }

    /**
     * {@code item} applied to each mapping of the list {@code n} at {@code ptr}, with the item's
     * pointer; what is not a mapping is reported (by {@link #mapping}), and null results (items
     * {@code item} reported itself) are left out.
     */
    private <T> List<T> eachMapping(Node n, String ptr, BiFunction<Node.Mapping, String, T> item) {
        List<T> built = new ArrayList<>();
        List<Node> items = n == null ? List.of() : list(n, ptr);
        for (int i = 0; items != null && i < items.size(); i++) {
            String p = ptr + "/" + i;
            Node.Mapping m = mapping(items.get(i), p);
            T t = m == null ? null : item.apply(m, p);
            if (t != null) built.add(t);
        }
        return List.copyOf(built);
    }

    private Spec.ProcessSpec process(Node n) {
        Node.Mapping m = mapping(n, "/process");
        if (m == null) return null;
        Node argsNode = field(m, "/process", "args", true);
        List<String> args = argsNode == null ? List.of() : strings(argsNode, "/process/args");
        if (argsNode != null && args.isEmpty() && argsNode instanceof Node.Sequence) {
            out.add(Diagnostic.error(argsNode.at(), "schema-range", "process.args: needs at least 1 item(s)"));
        }
        Map<String, String> env = new LinkedHashMap<>();
        Node envNode = m.get("env");
        if (envNode != null) {
            Node.Mapping em = mapping(envNode, "/process/env");
            if (em != null) {
                for (Node.Entry e : em.entries().values()) {
                    String v = string(e.value(), SourceTree.pointer("/process/env", e.key()));
                    if (v != null) env.put(e.key(), v);
                }
            }
        }
        String cwd = optString(m, "/process", "cwd", "/");
        Spec.User user = user(m.get("user"), m.at());
        boolean terminal = optBool(m, "/process", "terminal", false);
        boolean init = optBool(m, "/process", "init", true);
        Spec.CapabilityChanges capabilities = capabilities(m.get("capabilities"), m.at());
        boolean noNewPrivileges = optBool(m, "/process", "noNewPrivileges", true);
        List<Spec.Rlimit> rlimits = rlimits(m.get("rlimits"));
        Integer umask = umask(m.get("umask"));
        Long oomScoreAdj = integer(m.get("oomScoreAdj"), "/process/oomScoreAdj", -1000, 1000);
        return new Spec.ProcessSpec(List.copyOf(args), Collections.unmodifiableMap(env), cwd, user, terminal, init,
                capabilities, noNewPrivileges, rlimits, umask, oomScoreAdj == null ? null : oomScoreAdj.intValue(), m.at());
    }

    private Spec.CapabilityChanges capabilities(Node n, Location processAt) {
        if (n == null) return new Spec.CapabilityChanges(List.of(), List.of(), processAt);
        Node.Mapping m = mapping(n, "/process/capabilities");
        if (m == null) return null;
        return new Spec.CapabilityChanges(capabilityNames(m.get("add"), "/process/capabilities/add"),
                capabilityNames(m.get("drop"), "/process/capabilities/drop"), m.at());
    }

    /** Normalized, but not checked: lint's capability-name says which are unknown, with a suggestion. */
    private List<String> capabilityNames(Node n, String ptr) {
        List<String> names = new ArrayList<>();
        for (String s : strings(n, ptr)) names.add(Spec.CapabilityChanges.normalize(s));
        return List.copyOf(names);
    }

    /** In spec order. Unlike other keys, an unknown name is reported here too: it is data, not structure. */
    private List<Spec.Rlimit> rlimits(Node n) {
        if (n == null) return List.of();
        Node.Mapping m = mapping(n, "/process/rlimits");
        if (m == null) return List.of();
        List<Spec.Rlimit> limits = new ArrayList<>();
        for (Node.Entry e : m.entries().values()) {
            String p = SourceTree.pointer("/process/rlimits", e.key());
            if (!Spec.Rlimit.NAMES.contains(e.key())) {
                out.add(Diagnostic.error(e.keyAt(), "schema-unknown-key", "unknown key " + DidYouMean.quote(e.key())
                        + " in process.rlimits" + DidYouMean.hint(e.key(), Spec.Rlimit.NAMES)));
                continue;
            }
            Node.Mapping lm = mapping(e.value(), p);
            if (lm == null) continue;
            Long soft = limit(field(lm, p, "soft", true), p + "/soft");
            Long hard = limit(field(lm, p, "hard", true), p + "/hard");
            if (soft != null && hard != null) limits.add(new Spec.Rlimit(e.key(), soft, hard, lm.at()));
        }
        return List.copyOf(limits);
    }

    private Long limit(Node n, String ptr) {
        if (n == null) return null;
        if (n instanceof Node.Scalar s && s.value() instanceof String str) {
            if (str.equals("unlimited")) return Spec.Rlimit.UNLIMITED;
            out.add(Diagnostic.error(n.at(), "schema-pattern", SourceTree.humanPath(ptr) + ": " + DidYouMean.quote(str)
                    + " is neither an integer nor \"unlimited\""));
            return null;
        }
        if (!(n instanceof Node.Scalar s && s.isInteger())) {
            mismatch(ptr, "an integer or \"unlimited\"", n);
            return null;
        }
        return integer(n, ptr, 0, Long.MAX_VALUE);
    }

    /** An octal string, or an integer taken as its value; null (or absent) is the default. */
    private Integer umask(Node n) {
        if (n == null || n instanceof Node.Scalar s && s.value() == null) return null;
        String ptr = "/process/umask";
        if (n instanceof Node.Scalar s && s.value() instanceof String str) {
            if (UMASK.matcher(str).matches()) return Integer.parseInt(str, 8);
            out.add(Diagnostic.error(n.at(), "schema-pattern", "process.umask: " + DidYouMean.quote(str)
                    + " is not an octal mode from 0 to 0777, such as \"0027\""));
            return null;
        }
        if (!(n instanceof Node.Scalar s && s.isInteger())) {
            mismatch(ptr, "an octal string such as \"0027\"", n);
            return null;
        }
        Long v = integer(n, ptr, 0, 0777);
        return v == null ? null : v.intValue();
    }

    private Spec.User user(Node n, Location processAt) {
        if (n == null) return new Spec.User(0, 0, List.of(), processAt);
        Node.Mapping m = mapping(n, "/process/user");
        if (m == null) return null;
        Long uid = integer(field(m, "/process/user", "uid", true), "/process/user/uid", 0, MAX_ID);
        Long gid = integer(field(m, "/process/user", "gid", true), "/process/user/gid", 0, MAX_ID);
        List<Long> groups = new ArrayList<>();
        Node g = m.get("additionalGids");
        List<Node> items = g == null ? List.of() : list(g, "/process/user/additionalGids");
        for (int i = 0; items != null && i < items.size(); i++) {
            Long id = integer(items.get(i), "/process/user/additionalGids/" + i, 0, MAX_ID);
            if (id != null) groups.add(id);
        }
        return uid == null || gid == null ? null : new Spec.User(uid, gid, List.copyOf(groups), m.at());
    }

    private Spec.Network network(Node n, Location rootAt) {
        if (n == null) return new Spec.Network(Spec.NetworkMode.NONE, rootAt);
        Node.Mapping m = mapping(n, "/network");
        if (m == null) return null;
        Spec.NetworkMode mode = m.get("mode") == null
                ? Spec.NetworkMode.NONE
                : networkMode(m.get("mode"), "/network/mode", EnumSet.allOf(Spec.NetworkMode.class));
        String bridge = optString(m, "/network", "bridge", Spec.Network.DEFAULT_BRIDGE);
        String subnet = optString(m, "/network", "subnet", Spec.Network.DEFAULT_SUBNET);
        String address = optString(m, "/network", "address", null);
        boolean nat = optBool(m, "/network", "nat", true);
        // Only slirp needs no root, so only slirp can stand in for a bridge.
        Spec.NetworkMode rootless = m.get("rootless") == null
                ? null
                : networkMode(m.get("rootless"), "/network/rootless", EnumSet.of(Spec.NetworkMode.SLIRP));
        List<Spec.Port> ports = ports(m.get("ports"));
        // Absent is null, "not given"; [] is a list, and says "no nameservers".
        List<String> dns = m.get("dns") == null ? null : strings(m.get("dns"), "/network/dns");
        if (mode == null) return null;
        return new Spec.Network(mode, bridge, subnet, address, nat, rootless, ports, dns, m.at());
    }

    /** A mode's name as the spec writes it: the enum's name in lower case, as the schema lists them. */
    private Spec.NetworkMode networkMode(Node n, String ptr, Set<Spec.NetworkMode> allowed) {
        String s = string(n, ptr);
        if (s == null) return null;
        List<String> names = new ArrayList<>();
        for (Spec.NetworkMode mode : allowed) {
            String name = mode.name().toLowerCase(Locale.ROOT);
            if (name.equals(s)) return mode;
            names.add(name);
        }
        out.add(Diagnostic.error(tree.locate(ptr), "schema-enum",
                SourceTree.humanPath(ptr) + ": " + DidYouMean.quote(s) + " is not one of " + String.join(", ", names)));
        return null;
    }

    /**
     * network.ports, each {@code [hostIp:]hostPort:containerPort[/tcp|/udp]}. What cannot become a
     * {@link Spec.Port} (the shape, the numbers, the protocol) is reported here, under lint's rule
     * id for ports: it is the same mistake lint's network-port finds in the rest (the host
     * address, a port published twice, the mode), and a user looks it up under one name.
     */
    private List<Spec.Port> ports(Node n) {
        List<Spec.Port> ports = new ArrayList<>();
        List<Node> items = n == null ? List.of() : list(n, "/network/ports");
        for (int i = 0; items != null && i < items.size(); i++) {
            String ptr = "/network/ports/" + i;
            String s = string(items.get(i), ptr);
            Spec.Port p = s == null ? null : port(s, ptr, items.get(i).at());
            if (p != null) ports.add(p);
        }
        return List.copyOf(ports);
    }

    private Spec.Port port(String s, String ptr, Location at) {
        String what = SourceTree.humanPath(ptr) + ": ";
        String protocol = "tcp";
        String rest = s;
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            protocol = s.substring(slash + 1).toLowerCase(Locale.ROOT);
            rest = s.substring(0, slash);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                out.add(Diagnostic.error(at, PORT_RULE, what + "protocol " + DidYouMean.quote(s.substring(slash + 1))
                        + " in " + DidYouMean.quote(s) + " is not tcp or udp"));
                return null;
            }
        }
        String[] parts = rest.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            out.add(Diagnostic.error(at, PORT_RULE, what + DidYouMean.quote(s) + " is not [hostIp:]hostPort:containerPort[/tcp|/udp];"
                    + " write e.g. \"8080:80\" or \"127.0.0.1:5353:53/udp\""));
            return null;
        }
        String last = parts[parts.length - 1].toLowerCase(Locale.ROOT);
        if (parts.length == 3 && (last.equals("tcp") || last.equals("udp"))) {
            out.add(Diagnostic.error(at, PORT_RULE, what + DidYouMean.quote(s) + " is not [hostIp:]hostPort:containerPort[/tcp|/udp];"
                    + " did you mean " + DidYouMean.quote(parts[0] + ":" + parts[1] + "/" + last) + "?"));
            return null;
        }
        Integer hostPort = portNumber(parts[parts.length - 2], "host port", s, what, at);
        Integer containerPort = portNumber(parts[parts.length - 1], "container port", s, what, at);
        if (hostPort == null || containerPort == null) return null;
        // The host address is kept as written: whether it is one is lint's to say (network-port).
        return new Spec.Port(parts.length == 3 ? parts[0] : null, hostPort, containerPort, protocol, at);
    }

    private Integer portNumber(String digits, String which, String port, String what, Location at) {
        boolean number = !digits.isEmpty() && digits.length() <= 5 && digits.chars().allMatch(c -> c >= '0' && c <= '9');
        int v = number ? Integer.parseInt(digits) : -1;
        if (v >= 1 && v <= MAX_PORT) return v;
        out.add(Diagnostic.error(at, PORT_RULE, what + which + " " + DidYouMean.quote(digits) + " in " + DidYouMean.quote(port)
                + " is not a number from 1 to " + MAX_PORT));
        return null;
    }

    private Spec.Security security(Node n, Location rootAt) {
        if (n == null) return new Spec.Security(new Spec.Seccomp(Spec.SeccompKind.DEFAULT, null, rootAt), null, null, rootAt);
        Node.Mapping m = mapping(n, "/security");
        if (m == null) return null;
        Spec.Seccomp seccomp = seccomp(m.get("seccomp"), m.at());
        // Absent is null, "jrun's default list"; [] is a list, and turns it off.
        List<String> masked = m.get("maskedPaths") == null ? null : strings(m.get("maskedPaths"), "/security/maskedPaths");
        List<String> readonly = m.get("readonlyPaths") == null ? null : strings(m.get("readonlyPaths"), "/security/readonlyPaths");
        return new Spec.Security(seccomp, masked, readonly, m.at());
    }

    private Spec.Seccomp seccomp(Node n, Location securityAt) {
        if (n == null) return new Spec.Seccomp(Spec.SeccompKind.DEFAULT, null, securityAt);
        String ptr = "/security/seccomp";
        String s = string(n, ptr);
        if (s == null) return null;
        switch (s) {
            case "default":
                return new Spec.Seccomp(Spec.SeccompKind.DEFAULT, null, n.at());
            case "unconfined":
                return new Spec.Seccomp(Spec.SeccompKind.UNCONFINED, null, n.at());
            case "":
                out.add(Diagnostic.error(n.at(), "schema-range", "security.seccomp: must not be empty"));
                return null;
            default:
                Path profile = hostPath(s, ptr);
                return profile == null ? null : new Spec.Seccomp(Spec.SeccompKind.PROFILE, profile, n.at());
        }
    }

    private List<Spec.Device> devices(Node n) {
        return eachMapping(n, "/devices", (m, p) -> {
            String path = string(field(m, p, "path", true), p + "/path");
            String type = optString(m, p, "type", null);
            if (type != null && !type.equals("c") && !type.equals("b")) {
                out.add(Diagnostic.error(tree.locate(p + "/type"), "schema-enum",
                        SourceTree.humanPath(p + "/type") + ": " + DidYouMean.quote(type) + " is not one of c, b"));
                return null;
            }
            Long major = integer(m.get("major"), p + "/major", 0, MAX_MAJOR);
            Long minor = integer(m.get("minor"), p + "/minor", 0, MAX_MINOR);
            // Which of type, major and minor are missing is lint's device-node to say, in words.
            return path == null ? null : new Spec.Device(path, type, major, minor, m.at());
        });
    }

    // ---- typed access: each returns null after recording a diagnostic when the node is wrong ----

    private Node field(Node.Mapping m, String ptr, String key, boolean required) {
        Node v = m.get(key);
        if (v == null && required) {
            out.add(Diagnostic.error(tree.locateKey(ptr), "schema-required", Messages.missing(ptr, key)));
        }
        return v;
    }

    private Node.Mapping mapping(Node n, String ptr) {
        if (n == null) return null;
        if (n instanceof Node.Mapping m) return m;
        mismatch(ptr, Messages.expectedMapping(tree.format()), n);
        return null;
    }

    private List<Node> list(Node n, String ptr) {
        if (n instanceof Node.Sequence s) return s.items();
        mismatch(ptr, Messages.expectedList(tree.format()), n);
        return null;
    }

    private List<String> strings(Node n, String ptr) {
        if (n == null) return List.of();
        List<Node> items = list(n, ptr);
        List<String> out = new ArrayList<>();
        for (int i = 0; items != null && i < items.size(); i++) {
            String s = string(items.get(i), ptr + "/" + i);
            if (s != null) out.add(s);
        }
        return List.copyOf(out);
    }

    private String string(Node n, String ptr) {
        if (n == null) return null;
        if (n instanceof Node.Scalar s && s.value() instanceof String str) {
            if (str.indexOf('\0') >= 0) {
                // No path, argument or variable can hold a NUL: the kernel would cut it there.
                out.add(Diagnostic.error(n.at(), "nul-char", SourceTree.humanPath(ptr) + ": contains a NUL character"));
                return null;
            }
            return str;
        }
        mismatch(ptr, "a string", n);
        return null;
    }

    private Boolean bool(Node n, String ptr) {
        if (n == null) return null;
        if (n instanceof Node.Scalar s && s.value() instanceof Boolean b) return b;
        mismatch(ptr, "true or false", n);
        return null;
    }

    private Long integer(Node n, String ptr, long min, long max) {
        if (n == null) return null;
        if (!(n instanceof Node.Scalar s && s.isInteger())) {
            mismatch(ptr, "an integer", n);
            return null;
        }
        Object v = s.value();
        BigInteger big = v instanceof BigInteger b ? b : v instanceof Long l ? BigInteger.valueOf(l) : Node.Scalar.integral(v);
        if (big.compareTo(BigInteger.valueOf(min)) < 0 || big.compareTo(BigInteger.valueOf(max)) > 0) {
            out.add(Diagnostic.error(n.at(), "schema-range",
                    SourceTree.humanPath(ptr) + ": " + big + " is outside " + min + ".." + max));
            return null;
        }
        return big.longValue();
    }

    private String optString(Node.Mapping m, String ptr, String key, String dflt) {
        Node v = m.get(key);
        return v == null ? dflt : string(v, SourceTree.pointer(ptr, key));
    }

    private boolean optBool(Node.Mapping m, String ptr, String key, boolean dflt) {
        Node v = m.get(key);
        if (v == null) return dflt;
        Boolean b = bool(v, SourceTree.pointer(ptr, key));
        return b == null ? dflt : b;
    }

    private Path hostPath(String s, String ptr) {
        if (s == null) return null;
        try {
            return dir.resolve(s).normalize();
        } catch (InvalidPathException e) {
            out.add(Diagnostic.error(tree.locate(ptr), "schema-type", SourceTree.humanPath(ptr) + ": not a valid path: " + e.getReason()));
            return null;
        }
    }

    private void mismatch(String ptr, String expected, Node found) {
        out.add(Diagnostic.error(found.at(), "schema-type", Messages.typeMismatch(ptr, expected, found, tree.format())));
    }

    private int errorCount() {
        return out.size();
    }
}
