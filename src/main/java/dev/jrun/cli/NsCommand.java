package dev.jrun.cli;

import dev.jrun.ExitCodes;
import dev.jrun.host.HostInfo;
import dev.jrun.plan.Json;
import dev.jrun.runner.state.ContainerState;
import dev.jrun.runner.state.Containers;
import dev.jrun.sys.Errno;
import dev.jrun.sys.LinuxHost;
import dev.jrun.sys.SyscallException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The namespace files of a process, /proc/PID/ns/*: shown beside jrun's own (the articles'
 * {@code ls -l /proc/PID/ns}), kept alive by bind mounts (persist) and let go (release).
 */
@Command(name = "ns", mixinStandardHelpOptions = true,
        description = {"Show the namespaces of a container (or any PID) beside jrun's own, marking those that differ.",
                "persist and release keep them alive without a process (root)."},
        subcommands = {NsCommand.Persist.class, NsCommand.Release.class},
        footer = {"", "Examples:", "  jrun ns web", "  jrun ns --json 1234", "  jrun ns persist web /run/web-ns",
                "  jrun ns release /run/web-ns"})
final class NsCommand implements Callable<Integer> {
    /** The namespace files of proc(5), but the *_for_children ones, which name what children get. */
    static final List<String> TYPES = List.of("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts");

    @Parameters(paramLabel = "NAME|PID", arity = "0..1", description = "A detached container's name, or a pid.")
    String target;

    @Option(names = "--json", description = "Print them as JSON.")
    boolean json;

    /** The pid a name or number stands for: a running container's init, or the number itself. */
    static int resolve(String target) throws Containers.Failure {
        if (target.chars().allMatch(Character::isDigit) && !target.isEmpty()) return Integer.parseInt(target);
        ContainerState s = Containers.forUser().get(target);
        if (!ContainerState.RUNNING.equals(s.status())) {
            throw new Containers.Failure("container " + target + " is not running (" + ContainerCommands.describe(s) + ")");
        }
        return s.pid();
    }

    static String link(String pid, String type) {
        return dev.jrun.host.NsFiles.link(pid, type);
    }

    @Override
    public Integer call() {
        if (target == null) {
            System.err.println("jrun ns: name a container or a pid (or: persist, release)");
            return ExitCodes.USAGE;
        }
        int pid;
        try {
            pid = resolve(target);
        } catch (Containers.Failure e) {
            System.err.println("jrun ns: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        if (!Files.isDirectory(Path.of("/proc/" + pid))) {
            System.err.println("jrun ns: there is no process " + pid);
            return ExitCodes.FAILED;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String type : TYPES) {
            String theirs = link(Integer.toString(pid), type);
            String mine = link("self", type);
            if (theirs == null && mine == null) continue; // a kernel without it (time before 5.6)
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("type", type);
            r.put("path", "/proc/" + pid + "/ns/" + type);
            r.put("target", theirs);
            r.put("jrun", mine);
            r.put("differs", theirs != null && !theirs.equals(mine));
            rows.add(r);
        }
        if (rows.stream().allMatch(r -> r.get("target") == null)) {
            System.err.println("jrun ns: cannot read /proc/" + pid + "/ns (not your process: run as its user or root)");
            return ExitCodes.FAILED;
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("pid", pid);
            o.put("namespaces", rows);
            System.out.println(Json.write(o));
            return ExitCodes.OK;
        }
        System.out.printf("%-7s %-24s %-24s%n", "NS", "PID " + pid, "JRUN (pid " + ProcessHandle.current().pid() + ")");
        for (Map<String, Object> r : rows) {
            System.out.printf("%-7s %-24s %-24s%s%n", r.get("type"), r.get("target") == null ? "?" : r.get("target"),
                    r.get("jrun"), Boolean.TRUE.equals(r.get("differs")) ? " differs" : "");
        }
        return ExitCodes.OK;
    }

    @Command(name = "persist", mixinStandardHelpOptions = true,
            description = {"Bind-mount a container's namespace files into DIR (DIR/net, DIR/uts, ...) so that they outlive",
                    "its processes; a spec joins one with namespaces: [{type: net, path: DIR/net}]. Root only: the mounts",
                    "are in the host's mount namespace. Only the namespaces that differ from jrun's are kept."})
    static final class Persist implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME|PID")
        String target;

        @Parameters(index = "1", paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() {
            if (HostInfo.effectiveUid() != 0) {
                System.err.println("jrun ns persist: keeping a namespace bind-mounts its file, which only root may do in the host's"
                        + " mount namespace");
                return ExitCodes.FAILED;
            }
            int pid;
            try {
                pid = resolve(target);
                Files.createDirectories(dir);
            } catch (Containers.Failure | IOException e) {
                System.err.println("jrun ns persist: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            List<String> kept = new ArrayList<>();
            for (String type : TYPES) {
                String theirs = link(Integer.toString(pid), type);
                if (theirs == null || theirs.equals(link("self", type))) continue;
                Path file = dir.resolve(type);
                try {
                    if (!Files.exists(file)) Files.createFile(file);
                    LinuxHost.INSTANCE.bindMount("/proc/" + pid + "/ns/" + type, file.toString());
                    kept.add(type);
                } catch (SyscallException e) {
                    System.err.println("jrun ns persist: " + type + ": " + e.getMessage()
                            + (e.errno == Errno.EINVAL && type.equals("mnt")
                                    ? " (a mount namespace is kept only on a mount that is not shared: make DIR's mount private)" : ""));
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // said above
                    }
                } catch (IOException e) {
                    System.err.println("jrun ns persist: " + file + ": " + e.getMessage());
                }
            }
            System.out.println(String.join(" ", kept.stream().map(t -> dir.resolve(t).toString()).toList()));
            return kept.isEmpty() ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Undo persist: unmount the namespace files in DIR, delete them, and DIR if it is then empty.")
    static final class Release implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() {
            Path d = dir.toAbsolutePath().normalize();
            List<String> mounted = new ArrayList<>();
            try {
                for (dev.jrun.host.NsFiles.NsMount m : dev.jrun.host.NsFiles.mounts()) {
                    if (d.equals(m.point().getParent())) mounted.add(m.point().toString());
                }
            } catch (IOException e) {
                System.err.println("jrun ns release: /proc/self/mountinfo: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            java.util.Collections.reverse(mounted);
            if (mounted.isEmpty()) {
                System.err.println("jrun ns release: no namespace is kept in " + d);
                return ExitCodes.FAILED;
            }
            int failed = 0;
            for (String point : mounted) { // newest first: a file persisted twice has two mounts
                try {
                    LinuxHost.INSTANCE.detach(point);
                } catch (SyscallException e) {
                    System.err.println("jrun ns release: " + point + ": " + e.getMessage());
                    failed++;
                }
            }
            for (String point : new java.util.LinkedHashSet<>(mounted)) {
                try {
                    Files.deleteIfExists(Path.of(point));
                } catch (IOException e) {
                    System.err.println("jrun ns release: " + point + ": " + e.getMessage());
                    failed++;
                }
            }
            try (var left = Files.list(d)) {
                if (left.findAny().isEmpty()) Files.delete(d);
            } catch (IOException ignored) {
                // it stays, with whatever else is in it
            }
            return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
