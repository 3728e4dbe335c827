package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

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
        boolean net = spec.has(Namespace.NET);
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
}
