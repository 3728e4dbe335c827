package dev.jrun.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The typed model of a valid spec (format version 1). Built by {@link SpecLoader} only after the
 * document passed JSON-Schema validation, so fields here are well-typed; semantic checks live in
 * {@code dev.jrun.lint}. Defaults from the format are already applied, except those that depend on
 * the invoking user (the default id map), which the planner fills in.
 *
 * <p>Every element that a user can get wrong carries the {@link Location} of its node.
 */
public record Spec(
        Path file,
        int version,
        String name,
        Rootfs rootfs,
        String hostname,
        String domainname,
        Set<Namespace> namespaces,
        IdMappings idMappings,
        boolean defaultMounts,
        List<Mount> mounts,
        List<ConfFile> files,
        List<Volume> volumes,
        ProcessSpec process,
        Network network,
        Security security,
        List<Device> devices,
        Location at,
        List<JoinNamespace> joins) {

    /** A spec that joins no existing namespace. */
    public Spec(Path file, int version, String name, Rootfs rootfs, String hostname, String domainname, Set<Namespace> namespaces,
            IdMappings idMappings, boolean defaultMounts, List<Mount> mounts, List<ConfFile> files, List<Volume> volumes,
            ProcessSpec process, Network network, Security security, List<Device> devices, Location at) {
        this(file, version, name, rootfs, hostname, domainname, namespaces, idMappings, defaultMounts, mounts, files, volumes,
                process, network, security, devices, at, List.of());
    }

    /**
     * A {@code namespaces} entry {@code {type, path}} (OCI style): the container joins the
     * namespace that file refers to (a bind mount `jrun ns persist` made, or /proc/PID/ns/TYPE)
     * instead of creating one; {@code path} is absolute (resolved against the spec's folder).
     */
    public record JoinNamespace(Namespace type, Path path, int index, Location at) {
        /** The ones jrun can join: those a thread of a multithreaded process may setns(2) into. */
        public static final java.util.Set<Namespace> JOINABLE =
                java.util.Collections.unmodifiableSet(java.util.EnumSet.of(Namespace.NET, Namespace.IPC, Namespace.UTS, Namespace.CGROUP));
    }

    /** Whether the spec joins an existing namespace of this type. */
    public boolean joins(Namespace ns) {
        for (JoinNamespace j : joins) if (j.type() == ns) return true;
        return false;
    }

    /** {@code path} is absolute (resolved against the spec's folder); null when {@code host}. */
    public record Rootfs(Path path, boolean host, boolean readonly, boolean pivot, Location at) {}

    /** One line of a uid_map/gid_map: {@code container host size}. */
    public record IdMap(long container, long host, long size, Location at) {}

    /** Both lists empty means "not given": the planner maps the invoking uid/gid to 0, size 1. */
    public record IdMappings(List<IdMap> uid, List<IdMap> gid, Location at) {
        public boolean isDefault() {
            return uid.isEmpty() && gid.isEmpty();
        }
    }

    /** An OCI-style mount; {@code source} may be null (e.g. tmpfs), options never null. */
    public record Mount(String destination, String type, String source, List<String> options, Location at) {}

    /** A conf file bind-mounted read-only: exactly one of {@code content} and {@code source}. */
    public record ConfFile(String destination, String content, Path source, Location at) {}

    /** A host bind mount; {@code source} is absolute (resolved against the spec's folder). */
    public record Volume(Path source, String destination, boolean readonly, Location at) {}

    public record User(long uid, long gid, List<Long> additionalGids, Location at) {}

    public record ProcessSpec(
            List<String> args,
            Map<String, String> env,
            String cwd,
            User user,
            boolean terminal,
            boolean init,
            CapabilityChanges capabilities,
            boolean noNewPrivileges,
            List<Rlimit> rlimits,
            /** null: the default (0022) */
            Integer umask,
            /** null: jrun's own is kept */
            Integer oomScoreAdj,
            Location at) {
        /** The defaults of everything issue-9 added, for code that builds a process in Java. */
        public ProcessSpec(List<String> args, Map<String, String> env, String cwd, User user, boolean terminal, boolean init,
                Location at) {
            this(args, env, cwd, user, terminal, init, CapabilityChanges.NONE, true, List.of(), null, null, at);
        }
    }

    /**
     * process.capabilities: names as written but upper case and with {@code CAP_} in front
     * ({@code net_admin} → {@code CAP_NET_ADMIN}), or {@code ALL}. Lint reports unknown names.
     */
    public record CapabilityChanges(List<String> add, List<String> drop, Location at) {
        public static final CapabilityChanges NONE = new CapabilityChanges(List.of(), List.of(), null);

        /** A name as the model keeps it: {@code net_admin}, {@code CAP_NET_ADMIN} → {@code CAP_NET_ADMIN}; {@code all} → {@code ALL}. */
        public static String normalize(String name) {
            String u = name.toUpperCase(java.util.Locale.ROOT);
            return u.equals("ALL") || u.startsWith("CAP_") ? u : "CAP_" + u;
        }
    }

    /**
     * process.rlimits entry: {@code name} as in the spec, lower case ({@code nofile}, {@code nproc}, ...);
     * {@code soft} and {@code hard} are {@link #UNLIMITED} for "unlimited".
     */
    public record Rlimit(String name, long soft, long hard, Location at) {
        /** RLIM_INFINITY, written "unlimited" in a spec. */
        public static final long UNLIMITED = -1L;

        /** The resources of setrlimit(2), as a spec names them (RLIMIT_NOFILE → nofile); the schema lists the same. */
        public static final List<String> NAMES = List.of("as", "core", "cpu", "data", "fsize", "locks", "memlock",
                "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");
    }

    /** security: null lists mean "the default list"; an empty list turns it off (OCI semantics). */
    public record Security(Seccomp seccomp, List<String> maskedPaths, List<String> readonlyPaths, Location at) {
        public static final Security DEFAULT = new Security(Seccomp.DEFAULT, null, null, null);
    }

    public enum SeccompKind { DEFAULT, UNCONFINED, PROFILE }

    /** security.seccomp: the default profile, none, or an OCI linux.seccomp JSON file (absolute, resolved against the spec's folder). */
    public record Seccomp(SeccompKind kind, Path profile, Location at) {
        public static final Seccomp DEFAULT = new Seccomp(SeccompKind.DEFAULT, null, null);
    }

    /**
     * A device the container may open: the host's node at {@code path}, or, with {@code type}
     * ("c" or "b"), {@code major} and {@code minor}, a host node with those numbers, bound at
     * {@code path} (an absolute container path).
     */
    public record Device(String path, String type, Long major, Long minor, Location at) {}

    public enum NetworkMode { NONE, HOST, BRIDGE, SLIRP }

    /**
     * network: the mode, and for {@code bridge} the bridge's name, its subnet (CIDR, the gateway is
     * its first address), a pinned address (null: leased), whether to masquerade the subnet's
     * outbound traffic; {@code rootless}: the mode a {@code bridge} spec falls back to when not run
     * as root (null: none, the run fails); ports to publish; DNS servers (null: not given).
     */
    public record Network(NetworkMode mode, String bridge, String subnet, String address, boolean nat,
            NetworkMode rootless, List<Port> ports, List<String> dns, Location at) {
        public static final String DEFAULT_BRIDGE = "jrun0";
        public static final String DEFAULT_SUBNET = "10.88.0.0/16";

        /** The defaults of everything but the mode. */
        public Network(NetworkMode mode, Location at) {
            this(mode, DEFAULT_BRIDGE, DEFAULT_SUBNET, null, true, null, List.of(), null, at);
        }
    }

    /**
     * network.ports entry {@code [hostIp:]hostPort:containerPort[/tcp|/udp]}: {@code hostIp} null
     * means every host address; {@code protocol} "tcp" or "udp".
     */
    public record Port(String hostIp, int hostPort, int containerPort, String protocol, Location at) {
        /**
         * The rule id of every finding about a port: the model builder's about its syntax (what
         * cannot become a Port) and lint's about the rest.
         */
        public static final String RULE_ID = "network-port";
    }

    public boolean has(Namespace ns) {
        return namespaces.contains(ns);
    }
}
