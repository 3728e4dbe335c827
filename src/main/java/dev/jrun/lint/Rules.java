package dev.jrun.lint;

import static dev.jrun.spec.Diagnostic.Severity.ERROR;
import static dev.jrun.spec.Diagnostic.Severity.WARNING;

import java.util.List;

/** Every semantic rule, in the order the README lists them. Ids are stable: CI configs name them. */
public final class Rules {
    private Rules() {}

    public static final List<Rule> ALL = List.of(
            Rule.of("path-absolute", ERROR,
                    "mount, file and volume destinations and process.cwd are absolute container paths",
                    PathRules::absolute),
            Rule.of("path-dotdot", ERROR,
                    "those paths have no \"..\" component", PathRules::dotDot),
            Rule.of("path-normalized", ERROR,
                    "those paths are normalized: no \"//\", no \".\" component, no trailing \"/\"",
                    PathRules::normalized),
            Rule.of("dest-unique", ERROR,
                    "no two mounts, files or volumes share a destination (the second is reported)",
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
                    "mounts, files, volumes and a rootfs.path need a \"mount\" namespace",
                    NamespaceRules::mountsNeedMountNamespace),
            Rule.of("network-net", ERROR,
                    "an explicit network.mode none, bridge or slirp has a \"net\" namespace; host has none",
                    NamespaceRules::networkModeMatchesNet),
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
                    MountRules::type));

    public static Rule byId(String id) {
        for (Rule r : ALL) {
            if (r.id().equals(id)) return r;
        }
        return null;
    }
}
