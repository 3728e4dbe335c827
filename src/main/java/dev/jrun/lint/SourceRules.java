package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

import dev.jrun.host.ContainerPaths;
import dev.jrun.host.SearchPath;
import dev.jrun.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a spec names on the host: volume and file sources, the rootfs and the program in it. */
final class SourceRules {
    private static final Path CWD = Path.of("").toAbsolutePath();

    private SourceRules() {}

    /** How to show a host path in a message: relative to the working directory when inside it. */
    static String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (abs.startsWith(CWD) && !abs.equals(CWD)) return CWD.relativize(abs).toString();
        return abs.toString();
    }

    static void sourcesExist(Spec spec, Findings out) {
        for (int i = 0; i < spec.volumes().size(); i++) {
            Spec.Volume v = spec.volumes().get(i);
            if (v.source() != null && !Files.exists(v.source())) {
                out.error(out.value(SourceMap.pointer("volumes", i, "source"), v.at()),
                        "volume source " + q(display(v.source())) + " does not exist");
            }
        }
        for (int i = 0; i < spec.files().size(); i++) {
            Spec.ConfFile f = spec.files().get(i);
            if (f.source() == null) continue;
            String where = SourceMap.pointer("files", i, "source");
            if (!Files.exists(f.source())) {
                out.error(out.value(where, f.at()), "file source " + q(display(f.source())) + " does not exist");
            } else if (!Files.isRegularFile(f.source())) {
                out.error(out.value(where, f.at()), "file source " + q(display(f.source()))
                        + " is not a regular file; bind a directory with volumes instead");
            }
        }
    }

    static void rootfsDirectory(Spec spec, Findings out) {
        Spec.Rootfs r = spec.rootfs();
        if (r == null || r.host() || r.path() == null) return;
        if (!Files.exists(r.path())) {
            out.error(out.value("/rootfs/path", r.at()), "rootfs " + q(display(r.path())) + " does not exist");
        } else if (!Files.isDirectory(r.path())) {
            out.error(out.value("/rootfs/path", r.at()), "rootfs " + q(display(r.path())) + " is not a directory");
        }
    }

    /**
     * Warns when process.args[0] is not in the rootfs: a warning, not an error, because a mount or
     * volume may put it there at run time.
     */
    static void executableFound(Spec spec, Findings out) {
        Spec.ProcessSpec p = spec.process();
        Spec.Rootfs r = spec.rootfs();
        if (p == null || p.args() == null || p.args().isEmpty() || r == null) return;
        Path root = r.host() ? Path.of("/") : r.path();
        if (root == null || !Files.isDirectory(root)) return;
        String program = p.args().get(0);
        String where = r.host() ? "the host" : "rootfs " + q(display(root));
        var at = out.value("/process/args/0", p.at());
        // The runner's own resolver and PATH rule: what lint finds is what the container will exec.
        ContainerPaths tree = ContainerPaths.of(root);
        if (program.isEmpty()) {
            out.warning(at, "process.args[0] is empty");
        } else if (program.contains("/")) {
            Path found = tree.existing(program.startsWith("/") ? program : cwd(p) + "/" + program);
            if (found == null) {
                out.warning(at, q(program) + " does not exist in " + where);
            } else if (Files.isDirectory(found)) {
                out.warning(at, q(program) + " is a directory in " + where);
            }
        } else {
            String path = p.env() == null ? null : p.env().get("PATH");
            for (String candidate : SearchPath.candidates(program, path)) {
                Path found = tree.existing(candidate.startsWith("/") ? candidate : cwd(p) + "/" + candidate);
                if (found != null && !Files.isDirectory(found)) return;
            }
            out.warning(at, q(program) + " is not in any PATH directory of " + where
                    + " (PATH=" + q(path == null ? SearchPath.DEFAULT : path) + ")");
        }
    }

    private static String cwd(Spec.ProcessSpec p) {
        return p.cwd() == null ? "/" : p.cwd();
    }
}
