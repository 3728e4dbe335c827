package dev.jrun.lint;

import dev.jrun.host.DeviceNodes;
import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.Location;
import dev.jrun.spec.Node;
import dev.jrun.spec.SourceTree;
import dev.jrun.spec.Spec;
import dev.jrun.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Lints spec files: the front end's findings (reading, syntax, schema) and, when those leave a
 * model, the semantic {@link Rules}. Output order is deterministic: files by path, findings by
 * line and column.
 */
public final class Linter {
    /** A directory holding this file is skipped when met while searching a named directory. */
    public static final String IGNORE_FILE = ".jrunlintignore";

    /** file, line, column, then rule id and message, so that output never depends on rule order. */
    static final Comparator<Diagnostic> ORDER = Comparator.<Diagnostic>naturalOrder()
            .thenComparing(Diagnostic::ruleId)
            .thenComparing(Diagnostic::message);

    private Linter() {}

    /** Every finding about one file, sorted. Never throws: a file that can't be read is a finding. */
    public static List<Diagnostic> lintFile(Path file) {
        return lintFile(file, DeviceNodes.host());
    }

    /** {@code devNodes}: the run's scan of the host's /dev, shared by the files it lints. */
    private static List<Diagnostic> lintFile(Path file, DeviceNodes devNodes) {
        List<Diagnostic> all = new ArrayList<>();
        try {
            all.addAll(check(SpecLoader.load(file), devNodes));
        } catch (RuntimeException e) {
            // The front end turns every bad input into findings; this is a bug there, shown as one.
            all.add(Diagnostic.error(Location.unknown(file.toString()), "internal", "internal error while linting: " + e));
        }
        all.sort(ORDER);
        return all;
    }

    /**
     * Lints the named files, and the *.yaml, *.yml and *.json files under the named directories.
     *
     * @throws LintException when a named path does not exist or a directory cannot be searched
     */
    public static Report lintPaths(List<Path> paths) throws LintException {
        List<Path> files = expand(paths);
        List<Diagnostic> all = new ArrayList<>();
        // Files are independent and the front end shares only immutable state (factories, the
        // parsed schema); on 2 cores this cut a cold 1,000-file lint's median by ~20%.
        // forEachOrdered keeps the output in file order.
        DeviceNodes devNodes = DeviceNodes.host();
        files.parallelStream().map(f -> lintFile(f, devNodes)).forEachOrdered(all::addAll);
        return new Report(files, all);
    }

    /**
     * The spec files {@code paths} name, sorted and without repeats. Files are taken as named,
     * whatever their extension (the front end reports a wrong one); directories are searched
     * recursively, skipping hidden directories and those holding {@value #IGNORE_FILE}.
     */
    public static List<Path> expand(List<Path> paths) throws LintException {
        TreeSet<Path> out = new TreeSet<>(Comparator.comparing(Path::toString));
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                int before = out.size();
                search(p, out);
                if (out.size() == before) {
                    throw new LintException(p + ": no *.yaml, *.yml or *.json files in this directory");
                }
            } else if (Files.exists(p)) {
                out.add(p.normalize());
            } else {
                throw new LintException(p + ": no such file or directory");
            }
        }
        return List.copyOf(out);
    }

    private static void search(Path dir, TreeSet<Path> out) throws LintException {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (d.equals(dir)) return FileVisitResult.CONTINUE;
                    String name = d.getFileName().toString();
                    if (name.startsWith(".") || Files.exists(d.resolve(IGNORE_FILE))) return FileVisitResult.SKIP_SUBTREE;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) out.add(f.normalize());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new LintException(dir + ": cannot search the directory: " + e.getMessage());
        }
    }

    /** A loaded spec's findings: the front end's, then the rules' when there is a model. */
    public static List<Diagnostic> check(SpecLoader.Result loaded) {
        return check(loaded, DeviceNodes.host());
    }

    private static List<Diagnostic> check(SpecLoader.Result loaded, DeviceNodes devNodes) {
        List<Diagnostic> all = new ArrayList<>(loaded.diagnostics());
        if (loaded.spec() != null) all.addAll(check(loaded.spec(), sourceMap(loaded.tree()), devNodes));
        return all;
    }

    /** The findings of every rule in {@link Rules#ALL} about one schema-valid spec, sorted. */
    public static List<Diagnostic> check(Spec spec, SourceMap source) {
        return check(spec, source, DeviceNodes.host());
    }

    private static List<Diagnostic> check(Spec spec, SourceMap source, DeviceNodes devNodes) {
        Findings out = new Findings(spec, source, devNodes);
        for (Rule rule : Rules.ALL) {
            out.begin(rule);
            try {
                rule.check(spec, out);
            } catch (RuntimeException e) {
                // A bug in one rule must not hide the other findings, nor the other files' findings.
                out.error(out.value("", spec.at()), "internal error in lint rule " + rule.id() + ": " + e);
            }
        }
        List<Diagnostic> all = new ArrayList<>(out.diagnostics());
        all.sort(ORDER);
        return all;
    }

    /** The front end's tree as rules see it: exact positions, null where the document has no node. */
    public static SourceMap sourceMap(SourceTree tree) {
        if (tree == null) return SourceMap.NONE;
        return new SourceMap() {
            @Override
            public Location value(String pointer) {
                Node n = tree.node(pointer);
                return n == null ? null : n.at();
            }

            @Override
            public Location key(String pointer) {
                return tree.node(pointer) == null ? null : tree.locateKey(pointer);
            }
        };
    }
}
