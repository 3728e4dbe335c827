package dev.jrun.lint;

import dev.jrun.host.DeviceNodes;
import static dev.jrun.lint.Findings.q;

import dev.jrun.spec.DidYouMean;
import dev.jrun.spec.Spec;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code devices}: each names a node that exists on the host. jrun binds the host's node into the
 * container (mounts are nodev, so a node made inside could not be opened), so a device the host
 * lacks fails the run.
 */
final class DeviceRules {
    private DeviceRules() {}

    static void nodes(Spec spec, Findings out) {
        List<Spec.Device> devices = spec.devices() == null ? List.of() : spec.devices();
        for (int i = 0; i < devices.size(); i++) {
            Spec.Device d = devices.get(i);
            List<String> missing = new ArrayList<>();
            if (d.type() == null) missing.add("type");
            if (d.major() == null) missing.add("major");
            if (d.minor() == null) missing.add("minor");
            if (missing.size() == 3) {
                hostNode(d, i, out);
            } else if (!missing.isEmpty()) {
                out.error(out.value(SourceMap.pointer("devices", i), d.at()), "device " + q(d.path()) + " needs type, major and minor"
                        + " together, or none of them for the host's node at its path; missing " + String.join(" and ", missing));
            } else {
                numbered(d, i, out);
            }
        }
    }

    /** Without numbers, {@code path} is the host node's path too. */
    private static void hostNode(Spec.Device d, int i, Findings out) {
        // A relative path or one with ".." is the path rules' to report.
        if (d.path() == null || !PathRules.isAbsolute(d.path()) || PathRules.hasDotDot(d.path())) return;
        var at = out.value(SourceMap.pointer("devices", i, "path"), d.at());
        Path p;
        try {
            p = Path.of(d.path());
        } catch (InvalidPathException e) {
            return;
        }
        DeviceNodes.Node node;
        try {
            node = DeviceNodes.of(p);
        } catch (NoSuchFileException e) {
            String hint = siblingHint(p);
            out.error(at, "device " + q(d.path()) + " does not exist on the host"
                    + (hint.isEmpty() ? "; give type, major and minor to bind a host node found by its numbers" : hint));
            return;
        } catch (IOException | RuntimeException e) {
            String why = e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
            out.error(at, "device " + q(d.path()) + " cannot be looked at on the host: " + why);
            return;
        }
        if (node == null) {
            String kind = Files.isDirectory(p) ? "a directory" : Files.isRegularFile(p) ? "a regular file" : "a FIFO or a socket";
            out.error(at, "device " + q(d.path()) + " is " + kind + " on the host, not a character or block device");
        }
    }

    /** "; did you mean "/dev/null"?" for "/dev/nul", from the names next to it. */
    private static String siblingHint(Path p) {
        Path dir = p.getParent();
        if (dir == null || p.getFileName() == null) return "";
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.limit(10_000).map(c -> c.getFileName().toString()).toList();
        } catch (IOException | RuntimeException e) {
            return "";
        }
        String close = DidYouMean.closest(p.getFileName().toString(), names);
        return close == null ? "" : "; did you mean " + q(dir.resolve(close).toString()) + "?";
    }

    private static void numbered(Spec.Device d, int i, Findings out) {
        char type = d.type().charAt(0);
        DeviceNodes.Node wanted = new DeviceNodes.Node(type, d.major(), d.minor());
        if (out.devNodes().find(wanted) != null) return;
        Path other = out.devNodes().find(new DeviceNodes.Node(type == 'c' ? 'b' : 'c', d.major(), d.minor()));
        out.error(out.value(SourceMap.pointer("devices", i), d.at()), "device " + q(d.path()) + ": the host has no "
                + wanted.describe() + " under /dev"
                + (other == null ? "" : " (" + other + " is the " + (type == 'c' ? "block" : "character") + " device with those numbers)")
                + "; jrun binds a host node, it does not make one");
    }
}
