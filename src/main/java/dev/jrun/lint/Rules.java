package dev.jrun.lint;

import static dev.jrun.spec.Diagnostic.Severity.ERROR;
import static dev.jrun.spec.Diagnostic.Severity.WARNING;

import dev.jrun.security.SeccompProfile;
import dev.jrun.spec.Spec;
import java.util.List;

/** Every semantic rule, in the order the README lists them. Ids are stable: CI configs name them. */
public final class Rules {
    private Rules() {}

    public static final List<Rule> ALL = List.of(
            Rule.of("path-absolute", ERROR,
                    "mount, file, volume and device destinations, process.cwd and security.maskedPaths and"
                            + " readonlyPaths are absolute container paths",
                    PathRules::absolute),
            Rule.of("path-dotdot", ERROR,
                    "those paths have no \"..\" component", PathRules::dotDot),
            Rule.of("path-normalized", ERROR,
                    "those paths are normalized: no \"//\", no \".\" component, no trailing \"/\"",
                    PathRules::normalized),
            Rule.of("dest-unique", ERROR,
                    "no two mounts, files, volumes or devices share a destination (the second is reported)",
                    PathRules::unique),
            Rule.of("dest-root", ERROR,
                    "nothing is mounted over \"/\" itself: that is what rootfs is for", PathRules::notRoot),
            Rule.of("source-exists", ERROR,
                    "volume and file sources exist on the host; a file source is a regular file",
                    SourceRules::sourcesExist),
            Rule.of("rootfs-dir", ERROR,
                    "rootfs.path exists and is a directory", SourceRules::rootfsDirectory),
            Rule.of("exec-found", WARNING,
                    "process.args[0] exists in the rootfs (or the host for host: true), looked up in PATH"
                            + " when it has no \"/\"",
                    SourceRules::executableFound),
            Rule.of("device-node", ERROR,
                    "a device without numbers is a character or block device on the host; one with type, major and"
                            + " minor (all three) has a host node with those numbers under /dev",
                    DeviceRules::nodes),
            Rule.of("idmap-overlap", ERROR,
                    "uid (and gid) mapping ranges do not overlap, neither on the container nor on the host side",
                    IdMapRules::noOverlap),
            Rule.of("idmap-userns", ERROR,
                    "idMappings are only given together with a \"user\" namespace", IdMapRules::needsUserNamespace),
            Rule.of("user-mapped", ERROR,
                    "process.user's uid, gid and additionalGids are mapped (the default map maps only 0)",
                    IdMapRules::userMapped),
            Rule.of("hostname-uts", ERROR,
                    "hostname and domainname are set only with a \"uts\" namespace (else the host is renamed)",
                    NamespaceRules::hostnameNeedsUts),
            Rule.of("mount-ns", ERROR,
                    "mounts, files, volumes, devices, masked and read-only paths and a rootfs.path need a \"mount\" namespace",
                    NamespaceRules::mountsNeedMountNamespace),
            Rule.of("namespace-join", ERROR,
                    "a namespaces entry {type, path} joins a net, ipc, uts or cgroup namespace that exists, of that type"
                            + " (readlink, or the nsfs mount), not also created, and a net one only with network mode none",
                    NamespaceRules::joins),
            Rule.of("network-net", ERROR,
                    "an explicit network.mode none, bridge or slirp has a \"net\" namespace; host has none",
                    NamespaceRules::networkModeMatchesNet),
            Rule.of("network-host", WARNING,
                    "network.mode is not host, with which the container shares the host's network and reaches its"
                            + " loopback services",
                    NetworkRules::hostNetwork),
            Rule.of("network-unused", WARNING,
                    "network.bridge, subnet, address and nat are given only with mode bridge, and dns not with mode none"
                            + " (loopback only)",
                    NetworkRules::unused),
            Rule.of("network-bridge", ERROR,
                    "network.bridge is a Linux interface name: 1 to 15 bytes, not . or .., without /, :, % or white space",
                    NetworkRules::bridgeName),
            Rule.of("network-subnet", ERROR,
                    "network.subnet is an IPv4 CIDR with a prefix from /8 to /30 and its host bits zero",
                    NetworkRules::subnet),
            Rule.of("network-address", ERROR,
                    "network.address is an IPv4 address inside the subnet, and not its network, gateway (the first host)"
                            + " or broadcast address",
                    NetworkRules::address),
            Rule.of("network-rootless", ERROR,
                    "network.rootless, the fallback of a bridge spec run without root, is given only with mode bridge",
                    NetworkRules::rootless),
            Rule.of(Spec.Port.RULE_ID, ERROR,
                    "network.ports entries are [hostIp:]hostPort:containerPort[/tcp|/udp] with ports 1 to 65535 and an"
                            + " IPv4 hostIp, publish each host port once, and come with mode bridge or slirp",
                    NetworkRules::ports),
            Rule.of("network-dns", ERROR,
                    "network.dns entries are IPv4 addresses", NetworkRules::dns),
            Rule.of("network-dns-loopback", WARNING,
                    "network.dns has no loopback address (127.x) with mode bridge or slirp: in the container's own"
                            + " network namespace no resolver answers there",
                    NetworkRules::dnsLoopback),
            Rule.of("init-pid", WARNING,
                    "an explicit process.init: true comes with a \"pid\" namespace (the init only runs as PID 1)",
                    NamespaceRules::initNeedsPid),
            Rule.of("mount-option", ERROR,
                    "mount options are mount(8) flags or options the mount's filesystem type takes",
                    MountRules::options),
            Rule.of("mount-size", ERROR,
                    "size=, nr_blocks= and nr_inodes= are numbers with an optional k/m/g suffix or a percentage",
                    MountRules::sizes),
            Rule.of("mount-mode", ERROR,
                    "mode= and ptmxmode= are octal", MountRules::modes),
            Rule.of("bind-source", ERROR,
                    "bind mounts (also mounts without a type, which default to bind) have a source",
                    MountRules::bindSource),
            Rule.of("mount-type", WARNING,
                    "mount types are ones jrun knows (others may still work if the kernel has them)",
                    MountRules::type),
            Rule.of("mount-dev", ERROR,
                    "no mount has the option dev: jrun keeps nodev on every mount; devices go in devices",
                    MountRules::dev),
            Rule.of("capability-name", ERROR,
                    "process.capabilities names are capabilities(7) names (CAP_ optional, any case) or ALL",
                    ProcessRules::capabilityNames),
            Rule.of("no-new-privileges", WARNING,
                    "process.noNewPrivileges is not false (a setuid program could regain privileges)",
                    ProcessRules::noNewPrivileges),
            Rule.of("rlimit-range", ERROR,
                    "each rlimit's soft limit is at most its hard limit (unlimited is above any number)",
                    ProcessRules::rlimitRange),
            Rule.of("seccomp-unconfined", WARNING,
                    "security.seccomp is not unconfined (no filter at all)", SeccompRules::unconfined),
            // The id the profile parser puts on its own findings, which this rule passes on.
            Rule.of(SeccompProfile.RULE_ID, ERROR,
                    "a security.seccomp profile exists and is a valid OCI linux.seccomp profile (its own findings"
                            + " point into the profile)",
                    SeccompRules::profile),
            Rule.of("seccomp-syscall", WARNING,
                    "a seccomp profile names only syscalls libseccomp knows (checked when libseccomp is installed)",
                    SeccompRules::syscalls));

    public static Rule byId(String id) {
        for (Rule r : ALL) {
            if (r.id().equals(id)) return r;
        }
        return null;
    }
}
