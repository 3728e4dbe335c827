package dev.jrun.lint;

import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.spec.Spec;
import java.util.List;

/** uid_map/gid_map lines and the ids the process runs as (user_namespaces(7)). */
final class IdMapRules {
    private IdMapRules() {}

    static void noOverlap(Spec spec, Findings out) {
        Spec.IdMappings m = spec.idMappings();
        if (m == null) return;
        overlaps("uid", m.uid(), out);
        overlaps("gid", m.gid(), out);
    }

    /** The kernel refuses a map whose ranges overlap on either side (EINVAL on the write). */
    private static void overlaps(String kind, List<Spec.IdMap> maps, Findings out) {
        for (int j = 1; j < maps.size(); j++) {
            Spec.IdMap b = maps.get(j);
            for (int i = 0; i < j; i++) {
                Spec.IdMap a = maps.get(i);
                String side = intersect(a.container(), a.size(), b.container(), b.size()) ? "container"
                        : intersect(a.host(), a.size(), b.host(), b.size()) ? "host" : null;
                if (side == null) continue;
                long aStart = side.equals("container") ? a.container() : a.host();
                long bStart = side.equals("container") ? b.container() : b.host();
                out.error(out.value(SourceMap.pointer("idMappings", kind, j), b.at()),
                        kind + " mapping " + j + " overlaps mapping " + i + " on the " + side + " side ("
                                + range(bStart, b.size()) + " and " + range(aStart, a.size()) + ")");
                break;
            }
        }
    }

    private static boolean intersect(long a, long aSize, long b, long bSize) {
        return a < b + bSize && b < a + aSize;
    }

    private static String range(long start, long size) {
        return size == 1 ? String.valueOf(start) : start + "-" + (start + size - 1);
    }

    static void needsUserNamespace(Spec spec, Findings out) {
        Spec.IdMappings m = spec.idMappings();
        if (m == null || m.isDefault() || spec.has(Namespace.USER)) return;
        out.error(out.key("/idMappings", m.at()),
                "idMappings need a \"user\" namespace; add \"user\" to namespaces or remove idMappings");
    }

    /** setuid/setgid/setgroups fail with EINVAL for an id the namespace does not map. */
    static void userMapped(Spec spec, Findings out) {
        Spec.ProcessSpec p = spec.process();
        if (!spec.has(Namespace.USER) || p == null) return;
        Spec.IdMappings m = spec.idMappings();
        boolean byDefault = m == null || m.isDefault();
        Spec.User u = p.user();
        long uid = u == null ? 0 : u.uid();
        long gid = u == null ? 0 : u.gid();
        Location userAt = u != null ? u.at() : p.at();
        if (!mapped(uid, byDefault ? null : m.uid())) {
            out.error(idAt(out, "/process/user/uid", "/idMappings/uid", userAt), unmapped("uid", uid, byDefault));
        }
        if (!mapped(gid, byDefault ? null : m.gid())) {
            out.error(idAt(out, "/process/user/gid", "/idMappings/gid", userAt), unmapped("gid", gid, byDefault));
        }
        if (u == null || u.additionalGids() == null) return;
        for (int k = 0; k < u.additionalGids().size(); k++) {
            long g = u.additionalGids().get(k);
            if (!mapped(g, byDefault ? null : m.gid())) {
                out.error(out.value(SourceMap.pointer("process", "user", "additionalGids", k), userAt),
                        unmapped("additional gid", g, byDefault));
            }
        }
    }

    /** An id the author wrote is reported there; an implied 0 at the map that lacks it. */
    private static Location idAt(Findings out, String idPointer, String mapPointer, Location fallback) {
        if (out.written(idPointer)) return out.value(idPointer, fallback);
        return out.key(mapPointer, out.key("/idMappings", fallback));
    }

    /** {@code maps} null means the default map, which maps only container id 0. */
    private static boolean mapped(long id, List<Spec.IdMap> maps) {
        if (maps == null) return id == 0;
        for (Spec.IdMap x : maps) {
            if (id >= x.container() && id < x.container() + x.size()) return true;
        }
        return false;
    }

    private static String unmapped(String what, long id, boolean byDefault) {
        String kind = what.endsWith("uid") ? "uid" : "gid";
        return what + " " + id + " is not mapped in the user namespace; "
                + (byDefault ? "the default id map maps only 0 (add idMappings." + kind + ", which needs root or new" + kind + "map)"
                        : "add a range holding it to idMappings." + kind);
    }
}
