package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

import dev.jrun.spec.Location;
import dev.jrun.spec.Spec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Container paths: mount, file, volume and device destinations, process.cwd, and the masked and
 * read-only paths. Each path gets at most one of the three shape findings (not absolute, then
 * "..", then not normalized), so that one typo does not produce a cascade.
 */
final class PathRules {
    private PathRules() {}

    /** A container path written in the spec, with what messages call it and the JSON pointer of its value. */
    record ContainerPath(String owner, String label, String pointer, String path, Location fallback) {}

    /** What is mounted somewhere, in document order: mounts, files, volumes, then devices. */
    static List<ContainerPath> destinations(Spec spec) {
        List<ContainerPath> out = new ArrayList<>();
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            out.add(new ContainerPath("mounts[" + i + "]", "destination", SourceMap.pointer("mounts", i, "destination"),
                    m.destination(), m.at()));
        }
        for (int i = 0; i < spec.files().size(); i++) {
            Spec.ConfFile f = spec.files().get(i);
            out.add(new ContainerPath("files[" + i + "]", "destination", SourceMap.pointer("files", i, "destination"),
                    f.destination(), f.at()));
        }
        for (int i = 0; i < spec.volumes().size(); i++) {
            Spec.Volume v = spec.volumes().get(i);
            out.add(new ContainerPath("volumes[" + i + "]", "destination", SourceMap.pointer("volumes", i, "destination"),
                    v.destination(), v.at()));
        }
        List<Spec.Device> devices = spec.devices() == null ? List.of() : spec.devices();
        for (int i = 0; i < devices.size(); i++) {
            Spec.Device d = devices.get(i);
            out.add(new ContainerPath("devices[" + i + "]", "device path", SourceMap.pointer("devices", i, "path"), d.path(), d.at()));
        }
        return out;
    }

    private static List<ContainerPath> allPaths(Spec spec) {
        List<ContainerPath> out = destinations(spec);
        Spec.ProcessSpec p = spec.process();
        if (p != null && p.cwd() != null) out.add(new ContainerPath("process", "cwd", "/process/cwd", p.cwd(), p.at()));
        Spec.Security s = spec.security();
        if (s != null) {
            securityPaths(s.maskedPaths(), "maskedPaths", "masked path", s.at(), out);
            securityPaths(s.readonlyPaths(), "readonlyPaths", "read-only path", s.at(), out);
        }
        return out;
    }

    private static void securityPaths(List<String> paths, String key, String label, Location fallback, List<ContainerPath> out) {
        for (int i = 0; paths != null && i < paths.size(); i++) {
            out.add(new ContainerPath("security." + key + "[" + i + "]", label, SourceMap.pointer("security", key, i),
                    paths.get(i), fallback));
        }
    }

    static boolean isAbsolute(String path) {
        return path != null && path.startsWith("/");
    }

    static boolean hasDotDot(String path) {
        for (String c : path.split("/", -1)) {
            if (c.equals("..")) return true;
        }
        return false;
    }

    /** "/a//b/./c/" → "/a/b/c"; the caller has ruled out relative paths and "..". */
    static String normalize(String path) {
        StringBuilder sb = new StringBuilder();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            sb.append('/').append(c);
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /** Absolute and free of "..": the paths whose meaning is clear enough to compare. */
    private static boolean wellShaped(String path) {
        return isAbsolute(path) && !hasDotDot(path);
    }

    static void absolute(Spec spec, Findings out) {
        for (ContainerPath p : allPaths(spec)) {
            if (p.path() == null || isAbsolute(p.path())) continue;
            out.error(out.value(p.pointer(), p.fallback()),
                    p.label() + " " + q(p.path()) + " is not absolute; container paths start with \"/\"");
        }
    }

    static void dotDot(Spec spec, Findings out) {
        for (ContainerPath p : allPaths(spec)) {
            if (!isAbsolute(p.path()) || !hasDotDot(p.path())) continue;
            out.error(out.value(p.pointer(), p.fallback()),
                    p.label() + " " + q(p.path()) + " contains \"..\"; write the path it leads to");
        }
    }

    static void normalized(Spec spec, Findings out) {
        for (ContainerPath p : allPaths(spec)) {
            if (!wellShaped(p.path())) continue;
            String n = normalize(p.path());
            if (n.equals(p.path())) continue;
            out.error(out.value(p.pointer(), p.fallback()),
                    p.label() + " " + q(p.path()) + " is not normalized; write " + q(n));
        }
    }

    static void unique(Spec spec, Findings out) {
        Map<String, ContainerPath> first = new HashMap<>();
        for (ContainerPath p : destinations(spec)) {
            if (!wellShaped(p.path())) continue;
            String n = normalize(p.path());
            ContainerPath earlier = first.putIfAbsent(n, p);
            if (earlier == null) continue;
            Location there = out.value(earlier.pointer(), earlier.fallback());
            out.error(out.value(p.pointer(), p.fallback()),
                    "destination " + q(n) + " is already used by " + earlier.owner()
                            + (there.line() > 0 ? " at line " + there.line() : "")
                            + "; mount each path once");
        }
    }

    static void notRoot(Spec spec, Findings out) {
        for (ContainerPath p : destinations(spec)) {
            if (!wellShaped(p.path()) || !normalize(p.path()).equals("/")) continue;
            out.error(out.value(p.pointer(), p.fallback()),
                    p.owner() + " would mount over \"/\" and hide the rootfs; set rootfs.path instead");
        }
    }
}
