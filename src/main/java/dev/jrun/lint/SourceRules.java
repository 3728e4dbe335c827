package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

import dev.jrun.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What a spec names on the host: volume and file sources, the rootfs and the program in it. */
final class SourceRules {
    /** The PATH execvp(3) and the planner use when the spec's env sets none. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private SourceRules() {}

    static void sourcesExist(Spec spec, Findings out) {
        for (int i = 0; i < spec.volumes().size(); i++) {
            Spec.Volume v = spec.volumes().get(i);
            if (v.source() != null && !Files.exists(v.source())) {
                out.error(out.value(SourceMap.pointer("volumes", i, "source"), v.at()),
                        "volume source " + q(Paths.display(v.source())) + " does not exist");
            }
        }
        for (int i = 0; i < spec.files().size(); i++) {
            Spec.ConfFile f = spec.files().get(i);
            if (f.source() == null) continue;
            String where = SourceMap.pointer("files", i, "source");
            if (!Files.exists(f.source())) {
                out.error(out.value(where, f.at()), "file source " + q(Paths.display(f.source())) + " does not exist");
            } else if (!Files.isRegularFile(f.source())) {
                out.error(out.value(where, f.at()), "file source " + q(Paths.display(f.source()))
                        + " is not a regular file; bind a directory with volumes instead");
            }
        }
    }

    static void rootfsDirectory(Spec spec, Findings out) {
        Spec.Rootfs r = spec.rootfs();
        if (r == null || r.host() || r.path() == null) return;
        if (!Files.exists(r.path())) {
            out.error(out.value("/rootfs/path", r.at()), "rootfs " + q(Paths.display(r.path())) + " does not exist");
        } else if (!Files.isDirectory(r.path())) {
            out.error(out.value("/rootfs/path", r.at()), "rootfs " + q(Paths.display(r.path())) + " is not a directory");
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
        String where = r.host() ? "the host" : "rootfs " + q(Paths.display(root));
        var at = out.value("/process/args/0", p.at());
        if (program.isEmpty()) {
            out.warning(at, "process.args[0] is empty");
        } else if (program.contains("/")) {
            String path = program.startsWith("/") ? program : cwd(p) + "/" + program;
            Path found = Paths.resolveIn(root, path);
            if (found == null) {
                out.warning(at, q(program) + " does not exist in " + where);
            } else if (Files.isDirectory(found)) {
                out.warning(at, q(program) + " is a directory in " + where);
            }
        } else {
            String path = searchPath(p.env());
            for (String dir : path.split(":")) {
                if (!dir.startsWith("/")) continue;
                Path found = Paths.resolveIn(root, dir + "/" + program);
                if (found != null && !Files.isDirectory(found)) return;
            }
            out.warning(at, q(program) + " is not in any PATH directory of " + where + " (PATH=" + q(path) + ")");
        }
    }

    private static String cwd(Spec.ProcessSpec p) {
        return p.cwd() == null ? "/" : p.cwd();
    }

    private static String searchPath(Map<String, String> env) {
        String path = env == null ? null : env.get("PATH");
        return path == null ? DEFAULT_PATH : path;
    }
}
