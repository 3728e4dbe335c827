package dev.jrun.runner;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real CLI ({@code dev.jrun.cli.Main}) in a fresh JVM, as root or as nobody (uid 65534
 * through setpriv), on specs written to a world-readable temp dir. The classes and jars are copied
 * there too, because a checkout may live under a directory nobody cannot enter.
 */
final class Jrun {
    enum Mode { ROOT, ROOTLESS }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static final int NOBODY = 65534;
    private static Path home;
    private static String classpath;
    private static Path rootfs;

    /** The shared set-up: one copy of the classpath and (if needed) of the rootfs per test JVM. */
    static synchronized Path home() throws IOException, InterruptedException {
        if (home != null) return home;
        assumeTrue(isRoot(), "the container tests need root (they also run rootless through setpriv)");
        home = Files.createTempDirectory("jrun-it-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lib = Files.createDirectory(home.resolve("lib"));
        List<String> cp = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.contains("test-classes") || e.contains("junit") || e.contains("opentest4j") || e.contains("apiguardian")) continue;
            Path to = lib.resolve((n++) + "-" + p.getFileName());
            if (Files.isDirectory(p)) copyTree(p, to); else Files.copy(p, to);
            cp.add(to.toString());
        }
        classpath = String.join(":", cp);
        // The tools `make` fetched (the static init, the slirp helpers), where JrunHome finds them:
        // lib/0-classes is one level below the copy's home, as target/classes is in a checkout.
        Path tools = Path.of(System.getProperty("jrun.repo", "."), "build/tools");
        if (Files.isDirectory(tools)) {
            Files.createDirectories(home.resolve("build"));
            sh(List.of("cp", "-a", tools.toString(), home.resolve("build/tools").toString()));
        }
        Path built = Path.of(System.getProperty("jrun.repo", "."), "build/rootfs");
        assumeTrue(Files.isExecutable(built.resolve("bin/busybox")), "no test rootfs at " + built + ": run make rootfs");
        if (sh(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "test", "-x",
                built.resolve("bin/busybox").toString())) == 0) {
            rootfs = built;
        } else {
            rootfs = home.resolve("rootfs");
            assumeTrue(sh(List.of("cp", "-a", built.toString(), rootfs.toString())) == 0, "cannot copy the rootfs");
        }
        sh(List.of("chmod", "-R", "a+rX", home.toString()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(home)));
        return home;
    }

    static Path rootfs() throws IOException, InterruptedException {
        home();
        return rootfs;
    }

    /** A copy of the test rootfs at {@code to}, the test's to change; readable by nobody like the original. */
    static Path copyOfRootfs(Path to) throws IOException, InterruptedException {
        Path from = rootfs();
        assumeTrue(sh(List.of("cp", "-a", from.toString(), to.toString())) == 0, "cannot copy the rootfs to " + to);
        sh(List.of("chmod", "-R", "a+rX", to.toString()));
        return to;
    }

    /** A fresh world-writable directory (sticky, like /tmp) for one test's spec, volumes and temp files. */
    static Path workdir() throws IOException, InterruptedException {
        Path d = home().resolve("w-" + UUID.randomUUID());
        Files.createDirectory(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectory(d.resolve("tmp"));
        Files.setPosixFilePermissions(d.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    /**
     * How a test starts jrun beyond its mode: {@code wrapper} is a command line that ends by exec'ing
     * the rest (so jrun keeps the pid {@link Process#pid()} reports: {@code unshare -m},
     * {@code sh -c '...; exec "$@"' sh}); {@code jvmOptions} go after the launcher's, {@code env}
     * into jrun's environment.
     */
    record Launch(List<String> wrapper, List<String> jvmOptions, Map<String, String> env) {
        static final Launch PLAIN = new Launch(List.of(), List.of(), Map.of());

        /** A shell script run before jrun, in jrun's process, which it then execs: {@code "$@"} is jrun's command. */
        static Launch after(String script) {
            return new Launch(List.of("sh", "-c", script + "; exec \"$@\"", "sh"), List.of(), Map.of());
        }

        Launch wrappedIn(String... outer) {
            List<String> w = new ArrayList<>(List.of(outer));
            w.addAll(wrapper);
            return new Launch(w, jvmOptions, env);
        }

        Launch with(List<String> moreJvmOptions, Map<String, String> moreEnv) {
            List<String> o = new ArrayList<>(jvmOptions);
            o.addAll(moreJvmOptions);
            Map<String, String> e = new LinkedHashMap<>(env);
            e.putAll(moreEnv);
            return new Launch(wrapper, o, e);
        }
    }

    /** Starts {@code jrun SPEC} where SPEC is {@code yaml} written to {@code dir/spec.yaml}. */
    static Process start(Mode mode, Path dir, String yaml) throws IOException, InterruptedException {
        return start(mode, dir, yaml, false, Launch.PLAIN);
    }

    static Process start(Mode mode, Path dir, String yaml, Launch how) throws IOException, InterruptedException {
        return start(mode, dir, yaml, false, how);
    }

    /** {@code terminal}: run jrun under script(1), so that its stdin is a pty; the input is piped in. */
    static Process start(Mode mode, Path dir, String yaml, boolean terminal) throws IOException, InterruptedException {
        return start(mode, dir, yaml, terminal, Launch.PLAIN);
    }

    private static Process start(Mode mode, Path dir, String yaml, boolean terminal, Launch how)
            throws IOException, InterruptedException {
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, yaml);
        List<String> cmd = new ArrayList<>(how.wrapper());
        if (mode == Mode.ROOTLESS) cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        cmd.addAll(how.jvmOptions());
        cmd.addAll(List.of("-Djava.io.tmpdir=" + dir.resolve("tmp"), "-cp", classpath, "dev.jrun.cli.Main", spec.toString()));
        if (terminal) {
            String line = String.join(" ", cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
            cmd = List.of("script", "-qec", line, "/dev/null");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("tmp").toString());
        pb.environment().remove("JRUN_DEBUG_STATS");
        pb.environment().putAll(how.env());
        return pb.start();
    }

    private static List<String> jvmOptions;

    /**
     * The launcher's own JVM flags (bin/jrun --print-jvm-opts), but JNA unpacks its stub itself
     * and jrun finds its tools in the copy: the launcher's unpacked stub and its -Djrun.home lie in
     * the checkout, which nobody may not be able to read (a fresh clone under mktemp -d is 0700).
     */
    static synchronized List<String> jvmOptions() throws IOException, InterruptedException {
        if (jvmOptions == null) {
            Path launcher = Path.of(System.getProperty("jrun.repo", "."), "bin/jrun");
            String out = output(List.of(launcher.toString(), "--print-jvm-opts"));
            List<String> opts = new ArrayList<>();
            for (String o : out.lines().toList()) {
                // and jrun.home is the checkout too: the copy's home is found from where its classes lie
            if (!o.startsWith("-Djna.boot.library.path=") && !o.equals("-Djna.nounpack=true") && !o.startsWith("-Djrun.home=")) opts.add(o);
            }
            if (!opts.contains("-XX:+UseSerialGC")) throw new IllegalStateException("bin/jrun --print-jvm-opts printed: " + out);
            jvmOptions = List.copyOf(opts);
        }
        return jvmOptions;
    }

    static Result finish(Process p, Path dir) throws IOException, InterruptedException {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("jrun did not finish in 30 s:\n" + Files.readString(dir.resolve("err")));
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    private static int cliRuns;

    /**
     * Runs {@code jrun ARGS...} (any command) in {@code dir} as {@code mode}, with {@code env} added;
     * its output in files of its own, so that calls may overlap.
     */
    static Result cli(Mode mode, Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return cli(List.of(), mode, dir, env, args);
    }

    /** The CLI under {@code prefix}, e.g. {@code ip netns exec NS}: a network namespace the test made. */
    static Result cli(List<String> prefix, Mode mode, Path dir, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        int n;
        synchronized (Jrun.class) {
            n = cliRuns++;
        }
        List<String> cmd = new ArrayList<>(prefix);
        if (mode == Mode.ROOTLESS) cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        cmd.addAll(List.of("-Djava.io.tmpdir=" + dir.resolve("tmp"), "-cp", classpath, "dev.jrun.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("cli-" + n + ".out");
        Path err = dir.resolve("cli-" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("tmp").toString());
        pb.environment().remove("XDG_RUNTIME_DIR");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("jrun " + String.join(" ", args) + " did not finish in 60 s:\n" + Files.readString(err));
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return r;
    }

    static Result run(Mode mode, Path dir, String yaml) throws IOException, InterruptedException {
        return finish(start(mode, dir, yaml), dir);
    }

    static Result run(Mode mode, Path dir, String yaml, Launch how) throws IOException, InterruptedException {
        return finish(start(mode, dir, yaml, how), dir);
    }

    /** The spec jrun's tests start from: the busybox rootfs and a shell script as the process. */
    static String spec(String script, String... extraTopLevel) throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder("version: 1\nname: it\n");
        boolean ownRootfs = false;
        boolean ownProcess = false;
        for (String e : extraTopLevel) {
            ownRootfs |= e.startsWith("rootfs:");
            ownProcess |= e.startsWith("process:");
        }
        if (!ownRootfs) b.append("rootfs:\n  path: ").append(rootfs()).append('\n');
        for (String e : extraTopLevel) b.append(e).append('\n');
        if (!ownProcess) {
            b.append("process:\n  args: [/bin/sh, -c, ").append(yamlString(script)).append("]\n");
        }
        return b.toString();
    }

    static String yamlString(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** The private dirs ({@code jrun-*}) jrun has in {@code dir}'s TMPDIR. */
    static List<String> privateDirs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("jrun-")).sorted().toList();
        }
    }

    /** kill(1) with a signal name: Java itself can send only SIGTERM and SIGKILL. */
    static void signal(Process p, String name) throws IOException, InterruptedException {
        if (sh(List.of("kill", "-s", name, Long.toString(p.pid()))) != 0) throw new IllegalStateException("kill -s " + name + " " + p.pid() + " failed");
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static int sh(List<String> cmd) throws IOException, InterruptedException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    static String output(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }

    /** The host's mount table, without the fields that change on their own (none do here). */
    static Set<String> hostMounts() throws IOException {
        return new HashSet<>(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    }

    /** Pids of processes whose environment holds {@code marker} (every test's container gets one). */
    static List<Long> processesWith(String marker) {
        List<Long> out = new ArrayList<>();
        byte[] m = marker.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try {
                    byte[] env = Files.readAllBytes(p.resolve("environ"));
                    if (indexOf(env, m) >= 0) out.add(Long.parseLong(name));
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Waits up to {@code millis} for every process with {@code marker} to exit; the pids still there. */
    static List<Long> awaitGone(String marker, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        List<Long> left = processesWith(marker);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            left = processesWith(marker);
        }
        return left;
    }

    /** SIGKILL to each of {@code pids}: processes of the test's own that must not outlive it. */
    static void kill(List<Long> pids) throws IOException, InterruptedException {
        for (long pid : pids) sh(List.of("kill", "-9", Long.toString(pid)));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
