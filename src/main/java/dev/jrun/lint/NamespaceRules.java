package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.spec.Spec;

/** Settings that only make sense, or are only safe, inside a namespace the spec must then ask for. */
final class NamespaceRules {
    private NamespaceRules() {}

    /** Without a new UTS namespace, sethostname(2) would rename the host itself. */
    static void hostnameNeedsUts(Spec spec, Findings out) {
        if (spec.has(Namespace.UTS)) return;
        for (String key : new String[] {"hostname", "domainname"}) {
            String value = key.equals("hostname") ? spec.hostname() : spec.domainname();
            if (value == null || !out.written("/" + key)) continue;
            out.error(out.key("/" + key, spec.at()),
                    key + " without a \"uts\" namespace would rename the host; add \"uts\" to namespaces");
        }
    }

    /** Without a new mount namespace, every mount would be made in the host's. */
    static void mountsNeedMountNamespace(Spec spec, Findings out) {
        if (spec.has(Namespace.MOUNT)) return;
        String hint = " need a \"mount\" namespace, or they would change the host's mounts; add \"mount\" to namespaces";
        if (!spec.mounts().isEmpty()) out.error(out.key("/mounts", spec.mounts().get(0).at()), "mounts" + hint);
        if (!spec.files().isEmpty()) out.error(out.key("/files", spec.files().get(0).at()), "files" + hint);
        if (!spec.volumes().isEmpty()) out.error(out.key("/volumes", spec.volumes().get(0).at()), "volumes" + hint);
        if (spec.devices() != null && !spec.devices().isEmpty()) {
            out.error(out.key("/devices", spec.devices().get(0).at()), "devices" + hint);
        }
        // Only lists the spec gives: the default lists are the planner's to apply or leave out.
        Spec.Security s = spec.security();
        if (s != null && s.maskedPaths() != null && !s.maskedPaths().isEmpty()) {
            out.error(out.key("/security/maskedPaths", s.at()), "security.maskedPaths" + hint);
        }
        if (s != null && s.readonlyPaths() != null && !s.readonlyPaths().isEmpty()) {
            out.error(out.key("/security/readonlyPaths", s.at()), "security.readonlyPaths" + hint);
        }
        Spec.Rootfs r = spec.rootfs();
        if (r != null && !r.host()) {
            out.error(out.key("/rootfs", r.at()), "rootfs.path needs a \"mount\" namespace to become the root;"
                    + " add \"mount\" to namespaces, or use rootfs: {host: true}");
        }
    }

    /** Only an explicit mode is checked: with the default, leaving "net" out simply means the host's. */
    static void networkModeMatchesNet(Spec spec, Findings out) {
        Spec.Network n = spec.network();
        if (n == null || n.mode() == null || !out.written("/network/mode")) return;
        String mode = n.mode().name().toLowerCase(java.util.Locale.ROOT);
        boolean net = spec.has(Namespace.NET) || spec.joins(Namespace.NET);
        if (n.mode() == Spec.NetworkMode.HOST && net) {
            out.error(out.value("/network/mode", n.at()), "network mode \"host\" shares the host's network,"
                    + " but namespaces has \"net\"; remove \"net\" or choose another mode");
        } else if (n.mode() != Spec.NetworkMode.HOST && !net) {
            out.error(out.value("/network/mode", n.at()), "network mode " + q(mode) + " needs a \"net\" namespace;"
                    + " add \"net\" to namespaces, or use mode \"host\"");
        }
    }

    /** The init only exists as PID 1 of a new PID namespace; elsewhere the flag does nothing. */
    static void initNeedsPid(Spec spec, Findings out) {
        Spec.ProcessSpec p = spec.process();
        if (p == null || !p.init() || spec.has(Namespace.PID) || !out.written("/process/init")) return;
        out.warning(out.key("/process/init", p.at()),
                "init runs only as PID 1 of a new \"pid\" namespace; add \"pid\" to namespaces or remove init");
    }

    /**
     * namespaces entries {type, path}: a type jrun can join, not also created or joined twice, a
     * file that exists and is a namespace of that type; a joined net comes configured, so only
     * with mode none.
     */
    static void joins(Spec spec, Findings out) {
        java.util.Set<Namespace> seen = java.util.EnumSet.noneOf(Namespace.class);
        for (Spec.JoinNamespace j : spec.joins()) {
            String ptr = "/namespaces/" + j.index();
            Location typeAt = out.value(ptr + "/type", j.at());
            Location pathAt = out.value(ptr + "/path", j.at());
            String type = j.type().specName();
            if (!Spec.JoinNamespace.JOINABLE.contains(j.type())) {
                out.error(typeAt, "jrun joins only net, ipc, uts and cgroup namespaces: a " + type + " namespace can only be"
                        + " entered by a single-threaded process, before the container is made; write \"" + type
                        + "\" to create one instead");
                continue;
            }
            if (spec.has(j.type())) {
                out.error(typeAt, "namespaces both creates \"" + type + "\" and joins one; remove \"" + type
                        + "\" or this {type: " + type + ", path} entry");
            } else if (!seen.add(j.type())) {
                out.error(typeAt, "namespaces joins two " + type + " namespaces; keep one");
            }
            Spec.Network n = spec.network();
            if (j.type() == Namespace.NET && n != null && n.mode() != null && n.mode() != Spec.NetworkMode.NONE) {
                String mode = n.mode().name().toLowerCase(java.util.Locale.ROOT);
                out.error(typeAt, "a joined net namespace comes with its own interfaces, and network mode " + q(mode)
                        + " would make a network of its own; use mode none (the default) with it");
            }
            java.nio.file.Path file = j.path();
            if (!java.nio.file.Files.exists(file)) {
                out.error(pathAt, "namespace file " + file + " does not exist; keep one with `jrun ns persist NAME DIR`, or"
                        + " name /proc/PID/ns/" + j.type().procName + " of a running process");
                continue;
            }
            String actual = dev.jrun.host.NsFiles.typeOf(file);
            if (actual == null) {
                out.error(pathAt, file + " is not a namespace file jrun can read: neither /proc/PID/ns/TYPE (of a process"
                        + " of yours) nor a bind mount of one, as `jrun ns persist` makes");
            } else if (!actual.equals(j.type().procName)) {
                Namespace other = null;
                for (Namespace x : Namespace.values()) if (x.procName.equals(actual)) other = x;
                out.error(pathAt, file + " is " + article(actual) + " namespace, not " + type + "; "
                        + (other == null ? "" : "set type: " + other.specName() + ", or ") + "name " + article(type) + " namespace file");
            }
        }
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }
}
