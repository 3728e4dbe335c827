package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jrun.runner.Jrun.Launch;
import dev.jrun.runner.Jrun.Mode;
import dev.jrun.runner.Jrun.Result;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9, "Contain root": each known way out of a container, tried from inside a real one and
 * observed without harm. Nothing here writes to /proc/sys, /sys, a device or the host's tree, not
 * even from inside: the tests read mount flags, ask access(2), read capability masks and status
 * lines, and open files read-only. The chroot escape only tries to read a marker this test made.
 *
 * <p>Most tests run in the three {@link Containment} modes, because the same hole closes for
 * different reasons in each (the kernel already refuses some things to a user namespace that it
 * grants host root).
 */
@Tag("container")
class SecurityTest {
    /** How container root relates to host root. */
    enum Containment {
        /** As root, the default spec: a user namespace that maps root to root. */
        ROOT(Mode.ROOT, List.of("user", "mount", "uts", "ipc", "pid", "net", "cgroup")),
        /** As root without a user namespace: container root is host root. */
        ROOT_NO_USERNS(Mode.ROOT, List.of("mount", "uts", "ipc", "pid", "net", "cgroup")),
        /** As nobody (uid 65534) through setpriv, mapped to root in the default user namespace. */
        ROOTLESS(Mode.ROOTLESS, List.of("user", "mount", "uts", "ipc", "pid", "net", "cgroup"));

        final Mode mode;
        final List<String> namespaces;

        Containment(Mode mode, List<String> namespaces) {
            this.mode = mode;
            this.namespaces = namespaces;
        }

        int invokingUid() {
            return mode == Mode.ROOT ? 0 : Jrun.NOBODY;
        }

        /** The {@code namespaces:} line, or none where the default (all seven) is meant. */
        String namespacesLine() {
            return namespaces.size() == 7 ? null : "namespaces: [" + String.join(", ", namespaces) + "]";
        }

        /** Without pid (and cgroup) namespaces, as in the issue: /proc is then a bind of the host's. */
        String namespacesLineWithoutPid() {
            return "namespaces: [" + String.join(", ", namespaces.stream().filter(n -> !n.equals("pid") && !n.equals("cgroup")).toList()) + "]";
        }
    }

    /** The defaults the fix masks: /dev/null over files, an empty read-only tmpfs over directories. */
    static final List<String> MASKED_FILES = List.of("/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug");
    static final List<String> MASKED_DIRS = List.of("/proc/acpi", "/proc/asound", "/proc/scsi", "/sys/firmware");
    /** The defaults the fix mounts read-only (each only where the host kernel has it: /proc/sysrq-trigger needs CONFIG_MAGIC_SYSRQ). */
    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    /** Podman's default set: Docker's without CAP_MKNOD, CAP_NET_RAW, CAP_AUDIT_WRITE. */
    static final long DEFAULT_CAPS = 0x800405fbL; // podman's: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP
    static final int CAP_CHOWN = 0;
    static final int CAP_NET_ADMIN = 12;
    /** Where the helpers are inside a container: in {@link #rootfs}, or a volume for a host root. */
    static final String HELPERS = "/jrun-test";

    private static Set<String> mountsBefore;
    /** A copy of the test rootfs with the helpers in {@link #HELPERS}; the euid helper setuid root. */
    private static Path rootfs;
    private static Path helpers;
    /** Why the C helpers could not be built, or null. */
    private static String noHelpers;
    private Path dir;
    private String marker;

    @BeforeAll
    static void setUp() throws Exception {
        Path home = Jrun.home();
        mountsBefore = Jrun.hostMounts();
        rootfs = Jrun.copyOfRootfs(home.resolve("sec-rootfs"));
        helpers = Files.createDirectories(home.resolve("sec-helpers"));
        noHelpers = buildHelpers(helpers);
        Path in = Files.createDirectory(rootfs.resolve(HELPERS.substring(1)));
        if (noHelpers == null) {
            for (String h : List.of("canwrite", "escape", "euid")) Files.copy(helpers.resolve(h), in.resolve(h));
            // chown before chmod: chown clears the setuid bit
            Files.setAttribute(in.resolve("euid"), "unix:uid", 0);
            Files.setAttribute(in.resolve("euid"), "unix:gid", 0);
            Files.setAttribute(in.resolve("euid"), "unix:mode", 04755);
        }
    }

    /** gcc -static each helper of src/test/resources/helpers into {@code to}; the reason if it cannot. */
    private static String buildHelpers(Path to) throws IOException, InterruptedException, URISyntaxException {
        if (Jrun.sh(List.of("gcc", "--version")) != 0) return "gcc is not installed: the static C helpers cannot be built";
        for (String h : List.of("canwrite", "escape", "euid")) {
            Path src = Path.of(SecurityTest.class.getResource("/helpers/" + h + ".c").toURI());
            List<String> cmd = List.of("gcc", "-static", "-O2", "-o", to.resolve(h).toString(), src.toString());
            String out = Jrun.output(cmd);
            if (!Files.isExecutable(to.resolve(h))) return "gcc -static failed (no static libc?): " + String.join(" ", cmd) + "\n" + out;
        }
        Jrun.sh(List.of("chmod", "-R", "a+rX", to.toString()));
        return null;
    }

    private static void requireHelpers() {
        assumeTrue(noHelpers == null, noHelpers);
    }

    @AfterAll
    static void nothingLeftOnTheHost() throws Exception {
        if (mountsBefore == null) return;
        assertEquals(mountsBefore, Jrun.hostMounts(), "the host's mount table changed");
        assertEquals(List.of(), Jrun.processesWith("JRUN_IT=w-"), "container processes outlived their runs");
    }

    @BeforeEach
    void newDir() throws Exception {
        dir = Jrun.workdir();
        marker = dir.getFileName().toString();
    }

    @AfterEach
    void noTempDirLeft() throws IOException {
        List<String> left = Jrun.privateDirs(dir);
        for (String d : left) Jrun.deleteTree(dir.resolve("tmp").resolve(d));
        // The marker is in the container's env and in every jrun JVM's (XDG_CACHE_HOME), forks included.
        List<Long> alive = Jrun.processesWith(marker);
        Jrun.deleteTree(dir);
        assertEquals(List.of(), left, "jrun left a temp dir behind");
        assertEquals(List.of(), alive, "a process of this test's runs is still alive");
    }

    /** A spec on {@link #rootfs} in mode {@code m}: {@code top} are top-level YAML entries, {@code process} more lines under process:. */
    private String spec(Containment m, String script, String process, String... top) {
        StringBuilder b = new StringBuilder("version: 1\nname: sec\n");
        boolean ownRootfs = false;
        boolean ownNamespaces = false;
        for (String t : top) {
            ownRootfs |= t.startsWith("rootfs:");
            ownNamespaces |= t.startsWith("namespaces:");
        }
        if (!ownRootfs) b.append("rootfs: {path: ").append(rootfs).append("}\n");
        if (!ownNamespaces && m.namespacesLine() != null) b.append(m.namespacesLine()).append('\n');
        for (String t : top) b.append(t).append('\n');
        b.append("process:\n  args: [/bin/sh, -c, ").append(Jrun.yamlString(script)).append("]\n  env: {JRUN_IT: ")
                .append(marker).append("}\n").append(process);
        return b.toString();
    }

    private Result run(Containment m, String yaml) throws Exception {
        return Jrun.run(m.mode, dir, yaml);
    }

    private Result runOk(Containment m, String yaml) throws Exception {
        Result r = run(m, yaml);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    // ---- 1. /proc/sys and /proc/sysrq-trigger --------------------------------------------------

    enum ProcView { ROOTFS, HOST_ROOT, NO_PID_NAMESPACE }

    static Stream<Arguments> modesAndProcViews() {
        List<Arguments> out = new ArrayList<>();
        for (Containment m : Containment.values()) for (ProcView v : ProcView.values()) out.add(Arguments.of(m, v));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modesAndProcViews")
    void procSysAndSysrqTriggerAreReadOnly(Containment m, ProcView view) throws Exception {
        requireHelpers();
        List<String> top = new ArrayList<>();
        switch (view) {
            case ROOTFS -> { }
            case HOST_ROOT -> {
                top.add("rootfs: {host: true}");
                top.add("volumes:\n  - {source: " + helpers + ", destination: " + HELPERS + ", readonly: true}");
            }
            case NO_PID_NAMESPACE -> top.add(m.namespacesLineWithoutPid());
        }
        List<String> readOnly = existingOnTheHost(READONLY_PATHS);
        List<String> probed = existingOnTheHost(List.of("/proc/sys/kernel/core_pattern", "/proc/sys/vm/drop_caches", "/proc/sysrq-trigger"));
        Result r = runOk(m, spec(m, "cat /proc/self/mountinfo; echo --; " + HELPERS + "/canwrite " + String.join(" ", probed), "",
                top.toArray(String[]::new)));
        List<String> lines = r.out().lines().toList();
        int sep = lines.indexOf("--");
        List<String> mountinfo = lines.subList(0, sep);
        List<String> problems = new ArrayList<>();
        for (String point : readOnly) {
            String opts = mountOptions(mountinfo, point);
            if (opts == null) problems.add("no mount at " + point + ": it is part of the writable /proc");
            else if (!List.of(opts.split(",")).contains("ro")) problems.add(point + " is mounted " + opts + ", not ro");
        }
        List<String> answers = lines.subList(sep + 1, lines.size());
        assertEquals(probed.size(), answers.size(), r.out());
        for (String line : answers) {
            if (!line.contains(" mount=ro ")) problems.add("not on a read-only mount: " + line);
            if (line.endsWith("access=writable")) problems.add("access(W_OK) grants writing: " + line);
        }
        assertEquals(List.of(), problems, "mountinfo:\n" + String.join("\n", mountinfo));
    }

    private static List<String> existingOnTheHost(List<String> paths) {
        return paths.stream().filter(p -> Files.exists(Path.of(p))).toList();
    }

    /** The per-mount options of the topmost mount at {@code point} (proc_pid_mountinfo(5): field 5 and 6). */
    private static String mountOptions(List<String> mountinfo, String point) {
        String opts = null;
        for (String l : mountinfo) {
            String[] f = l.split(" ");
            if (f.length > 5 && f[4].equals(point)) opts = f[5];
        }
        return opts;
    }

    // ---- 2. masked paths ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Containment.class)
    void kernelInterfacesAreMaskedByDefault(Containment m) throws Exception {
        List<String> files = existingOnTheHost(MASKED_FILES);
        List<String> dirs = MASKED_DIRS.stream().filter(p -> Files.isDirectory(Path.of(p))).toList();
        assumeTrue(!files.isEmpty() || !dirs.isEmpty(), "the host has none of " + MASKED_FILES + " " + MASKED_DIRS);
        StringBuilder script = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (String f : files) {
            // head -c1: /proc/kcore is as large as the address space
            script.append("if head -c1 ").append(f).append(" >/dev/null 2>&1; then echo \"").append(f)
                    .append(" bytes=$(head -c1 ").append(f).append(" | wc -c)\"; else echo '").append(f).append(" unreadable'; fi; ");
            expected.add(f + " bytes=0");
        }
        for (String d : dirs) {
            script.append("echo \"").append(d).append(" entries=$(ls -A ").append(d).append(" 2>&1 | wc -l)\"; ");
            expected.add(d + " entries=0");
        }
        Result r = runOk(m, spec(m, script.toString(), ""));
        assertEquals(expected, r.out().lines().toList());
    }

    // ---- 3, 4. no_new_privs and seccomp ---------------------------------------------------------

    private static final String PRIVS = "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status; "
            + "unshare -U true 2>/dev/null && echo unshare=allowed || echo unshare=refused";

    @ParameterizedTest
    @EnumSource(Containment.class)
    void noNewPrivsAndASeccompFilterByDefault(Containment m) throws Exception {
        Result r = runOk(m, spec(m, PRIVS, ""));
        assertEquals(List.of("NoNewPrivs:\t1", "Seccomp:\t2", "unshare=refused"), r.out().lines().toList());
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void noNewPrivilegesFalseKeepsTheSeccompFilter(Containment m) throws Exception {
        Result r = runOk(m, spec(m, PRIVS, "  noNewPrivileges: false\n"));
        assertEquals(List.of("NoNewPrivs:\t0", "Seccomp:\t2", "unshare=refused"), r.out().lines().toList());
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void seccompUnconfinedAllowsANestedUserNamespace(Containment m) throws Exception {
        Result r = runOk(m, spec(m, PRIVS, "", "security: {seccomp: unconfined}"));
        if (m == Containment.ROOTLESS && r.out().contains("unshare=refused")) {
            assumeTrue(Jrun.sh(List.of("setpriv", "--reuid=" + Jrun.NOBODY, "--regid=" + Jrun.NOBODY, "--clear-groups",
                    "unshare", "-Ur", "unshare", "-U", "true")) == 0,
                    "this kernel refuses nobody a user namespace nested in its own (unshare -Ur unshare -U true fails on the host too)");
        }
        assertEquals(List.of("NoNewPrivs:\t1", "Seccomp:\t0", "unshare=allowed"), r.out().lines().toList());
    }

    // ---- 5. setuid ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Containment.class)
    void aSetuidRootProgramGainsNothing(Containment m) throws Exception {
        assumeTrue(m != Containment.ROOTLESS, "rootless maps one uid (nobody to 0): there is no uid 1000 to run as, "
                + "and the only mapped owner for a setuid file is container root itself");
        requireHelpers();
        String map = m == Containment.ROOT
                ? "idMappings:\n  uid: [{container: 0, host: 0, size: 65536}]\n  gid: [{container: 0, host: 0, size: 65536}]"
                : "";
        Result r = runOk(m, spec(m, HELPERS + "/euid", "  user: {uid: 1000, gid: 1000}\n", map));
        assertEquals("uid=1000 euid=1000", r.out().trim(), "execve of a setuid-root file raised the euid");
    }

    // ---- 6. chroot escape -----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Containment.class)
    void theChrootEscapeLandsInsideTheRootfs(Containment m) throws Exception {
        requireHelpers();
        Path secret = dir.resolve("host-secret");
        String content = "host-secret-" + marker;
        Files.writeString(secret, content);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(secret, "unix:uid", m.invokingUid()); // readable by container root, whoever it is outside
        Result r = runOk(m, spec(m, HELPERS + "/escape /dev/shm " + secret, "",
                "rootfs: {path: " + rootfs + ", pivot: false}"));
        assertFalse(r.out().contains(content), "the process read a host file outside its rootfs:\n" + r.out());
        assertTrue(r.out().contains("contained: open " + secret), r.out());
    }

    // ---- 7. devices -----------------------------------------------------------------------------

    /** mknod /dev/null's and /dev/zero's numbers (never a disk's) on the writable root and on a spec tmpfs, then open them. */
    private static final String MKNOD = "for n in '/tmp/null 1 3' '/mnt/zero 1 5'; do set -- $n; "
            + "mknod $1 c $2 $3 2>/dev/null && head -c1 $1 >/dev/null 2>&1 && echo \"$1 opened\" || echo \"$1 refused\"; done";

    @ParameterizedTest
    @EnumSource(Containment.class)
    void aDeviceNodeTheContainerCreatesCannotBeOpened(Containment m) throws Exception {
        mknodCannotOpen(m, "");
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void nodevHoldsEvenWithCapMknod(Containment m) throws Exception {
        mknodCannotOpen(m, "  capabilities: {add: [MKNOD]}\n");
    }

    private void mknodCannotOpen(Containment m, String process) throws Exception {
        Path own = Jrun.copyOfRootfs(dir.resolve("rootfs")); // writable: its /tmp is 1777
        Result r = runOk(m, spec(m, MKNOD, process, "rootfs: {path: " + own + ", readonly: false}",
                "mounts:\n  - {destination: /mnt, type: tmpfs}"));
        assertEquals(List.of("/tmp/null refused", "/mnt/zero refused"), r.out().lines().toList());
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void aDevicesEntryMakesANodeTheProcessCanOpen(Containment m) throws Exception {
        boolean fuse = Files.exists(Path.of("/dev/fuse"));
        String script = "test -c /dev/mynull && echo mynull=char; cat /dev/mynull >/dev/null && echo read=$(cat /dev/mynull | wc -c)"
                + (fuse ? "; test -c /dev/fuse && echo fuse=char" : "");
        Result r = runOk(m, spec(m, script, "", "devices:\n  - {path: /dev/mynull, type: c, major: 1, minor: 3}"
                + (fuse ? "\n  - {path: /dev/fuse}" : "")));
        List<String> expected = new ArrayList<>(List.of("mynull=char", "read=0"));
        if (fuse) expected.add("fuse=char");
        assertEquals(expected, r.out().lines().toList());
    }

    // ---- 8. capabilities ------------------------------------------------------------------------

    private static final String CAPS = "grep -E '^Cap(Prm|Eff|Bnd):' /proc/self/status";

    private static List<String> caps(long mask) {
        String hex = String.format("%016x", mask);
        return List.of("CapPrm:\t" + hex, "CapEff:\t" + hex, "CapBnd:\t" + hex);
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void theDefaultCapabilitiesArePodmans(Containment m) throws Exception {
        Result r = runOk(m, spec(m, CAPS, ""));
        assertEquals(caps(DEFAULT_CAPS), r.out().lines().toList(), "expected no CAP_MKNOD, CAP_NET_RAW, CAP_AUDIT_WRITE");
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void capabilitiesAreAddedAndDroppedByName(Containment m) throws Exception {
        Result r = runOk(m, spec(m, CAPS, "  capabilities: {add: [NET_ADMIN], drop: [CAP_CHOWN]}\n"));
        assertEquals(caps((DEFAULT_CAPS | 1L << CAP_NET_ADMIN) & ~(1L << CAP_CHOWN)), r.out().lines().toList());
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void droppingAllLeavesNoCapability(Containment m) throws Exception {
        Result r = runOk(m, spec(m, CAPS, "  capabilities: {drop: [ALL]}\n"));
        assertEquals(caps(0), r.out().lines().toList());
    }

    // ---- 9, 16. rlimits, umask, oom_score_adj ----------------------------------------------------

    @ParameterizedTest
    @EnumSource(Containment.class)
    void rlimitsUmaskAndOomScoreAdjApply(Containment m) throws Exception {
        Result r = runOk(m, spec(m, "ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu; umask; cat /proc/self/oom_score_adj",
                "  rlimits: {nofile: {soft: 1024, hard: 2048}, nproc: {soft: 50, hard: 50}}\n  umask: \"0027\"\n  oomScoreAdj: 500\n"));
        assertEquals(List.of("1024", "2048", "50", "50", "0027", "500"), r.out().lines().toList());
    }

    @Test
    void aHardLimitAboveTheHostsIsRefusedRootlessInOneLine() throws Exception {
        long hostHard = hardLimit("Max open files");
        assumeTrue(hostHard < 1048577, "the host's hard nofile limit (" + hostHard + ") is not below the spec's 1048577");
        Containment m = Containment.ROOTLESS;
        Result r = run(m, spec(m, "true", "  rlimits: {nofile: {soft: 1048576, hard: 1048577}}\n"));
        assertEquals(125, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(Long.toString(hostHard)), "the message does not name the host's limit " + hostHard + ": " + r.err());
    }

    /** The hard limit named {@code what} in /proc/self/limits: jrun inherits this JVM's. */
    private static long hardLimit(String what) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (l.startsWith(what)) {
                String hard = l.split("\\s{2,}")[2];
                return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
            }
        }
        throw new IllegalStateException("no '" + what + "' in /proc/self/limits");
    }

    // ---- 10. read-only volumes are read-only all the way down ------------------------------------

    @ParameterizedTest
    @EnumSource(Containment.class)
    void aReadOnlyVolumeIsReadOnlyInItsSubmounts(Containment m) throws Exception {
        Path ro = dir.resolve("ro");
        Path sub = Files.createDirectories(ro.resolve("sub"));
        Jrun.sh(List.of("chmod", "-R", "a+rx", ro.toString()));
        // The submount is made in a mount namespace of jrun's own (unshare -m), not in the host's:
        // jrun sees it like a host mount, and the host's table never changes, whatever happens.
        Launch how = Launch.after("mount -t tmpfs -o size=1m,mode=1777 jrun-sectest " + sub)
                .wrappedIn("unshare", "-m", "--propagation", "private");
        String yaml = spec(m, "grep -c ' /ro/sub ' /proc/self/mountinfo; touch /ro/sub/x 2>/dev/null; echo sub=$?; "
                + "touch /ro/y 2>/dev/null; echo top=$?", "", "volumes:\n  - {source: " + ro + ", destination: /ro, readonly: true}");
        Result r = Jrun.run(m.mode, dir, yaml, how);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("1", "sub=1", "top=1"), r.out().lines().toList(), "the first line says the submount is there");
    }

    // ---- 11. host root: secrets masked -----------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Containment.class)
    void aHostRootHidesTheHostsSecrets(Containment m) throws Exception {
        List<String> secrets = new ArrayList<>();
        for (String f : List.of("/etc/shadow", "/etc/gshadow", "/etc/sudoers")) if (Files.isRegularFile(Path.of(f))) secrets.add(f);
        if (Files.isDirectory(Path.of("/etc/ssh"))) {
            try (DirectoryStream<Path> keys = Files.newDirectoryStream(Path.of("/etc/ssh"), "ssh_host_*_key")) {
                for (Path k : keys) secrets.add(k.toString());
            }
        }
        assumeTrue(Files.size(Path.of("/etc/shadow")) > 0, "the host's /etc/shadow is empty: nothing to hide");
        StringBuilder script = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (String f : secrets) {
            script.append("if cat ").append(f).append(" >/dev/null 2>&1; then echo \"").append(f).append(" bytes=$(cat ").append(f)
                    .append(" | wc -c)\"; else echo '").append(f).append(" unreadable'; fi; ");
            expected.add(f + " bytes=0");
        }
        if (Files.isDirectory(Path.of("/etc/sudoers.d"))) {
            script.append("echo \"/etc/sudoers.d entries=$(ls -A /etc/sudoers.d 2>&1 | wc -l)\"; ");
            expected.add("/etc/sudoers.d entries=0");
        }
        Result r = runOk(m, spec(m, script.toString(), "", "rootfs: {host: true}"));
        assertEquals(expected, r.out().lines().toList());
    }

    // ---- 12. PID 1 shows nothing of the host JVM -------------------------------------------------

    @ParameterizedTest
    @EnumSource(Containment.class)
    void pid1ShowsNoHostCommandLineOrEnvironment(Containment m) throws Exception {
        String jvmMarker = "-Dmarker.xyz=1";
        Launch how = Launch.PLAIN.with(List.of(jvmMarker), Map.of("JRUN_JVM_OPTS", jvmMarker));
        Result r = Jrun.run(m.mode, dir, spec(m, "tr '\\0' ' ' </proc/1/cmdline; echo; "
                + "cat /proc/1/environ >/dev/null 2>&1 && echo environ=readable || echo environ=refused", ""), how);
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        String cmdline = lines.get(0);
        for (String leak : List.of("java", "-XX", "dev.jrun", "jrun.jar", "marker.xyz", Jrun.home().toString())) {
            assertFalse(cmdline.contains(leak), "/proc/1/cmdline shows '" + leak + "': " + cmdline);
        }
        assertEquals("environ=refused", lines.get(1));
    }

    /**
     * The init renames itself in its own copy of the argv area; the rehearsal of its program in
     * jrun's JVM must not rename jrun (ps showed the supervisor as "jrun-init" too).
     */
    @ParameterizedTest
    @EnumSource(value = Containment.class, names = {"ROOT", "ROOTLESS"})
    void theSupervisorKeepsItsOwnCommandLine(Containment m) throws Exception {
        Process p = Jrun.start(m.mode, dir, spec(m, "echo ready; sleep 5", ""));
        try {
            awaitOutput("ready");
            String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline")), StandardCharsets.UTF_8);
            assertTrue(cmdline.contains("dev.jrun.cli.Main"), "jrun's own /proc/PID/cmdline: " + cmdline.replace('\0', ' '));
        } finally {
            p.destroy();
            Jrun.finish(p, dir);
        }
    }

    // ---- 13. signals ------------------------------------------------------------------------------

    /** Traps {@code sig}, says ready, and waits up to 5 s in short sleeps (a trap runs between them). */
    private static String trapping(String sig, int exit) {
        return "trap 'echo got " + sig + "; exit " + exit + "' " + sig + "; echo ready; "
                + "i=0; while [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; echo not-interrupted";
    }

    /**
     * HotSpot keeps SIGQUIT for itself and answers it with a thread dump on stdout, the container's
     * output: jrun switches that off (-XX:-DisplayVMOutput). It cannot forward SIGQUIT (freeing it
     * with -Xrs makes HotSpot refuse handlers for SIGINT, SIGTERM and SIGHUP), so the container
     * runs on undisturbed.
     */
    @ParameterizedTest
    @EnumSource(Containment.class)
    void sigquitToJrunPrintsNoThreadDumpIntoTheContainersOutput(Containment m) throws Exception {
        Process p = Jrun.start(m.mode, dir, spec(m, trapping("QUIT", 3), ""));
        awaitOutput("ready");
        Jrun.signal(p, "QUIT");
        Result r = Jrun.finish(p, dir);
        assertFalse(r.out().contains("Full thread dump") || r.err().contains("Full thread dump"),
                "the JVM printed a thread dump into the container's output:\n" + r.out().lines().limit(5).toList());
        assertEquals(0, r.exit(), r.out().lines().filter(l -> !l.startsWith("\t") && !l.isBlank()).limit(8).toList().toString());
        assertTrue(r.out().contains("not-interrupted"), r.toString());
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void sigintIsForwardedEvenWhenJrunStartedWithItIgnored(Containment m) throws Exception {
        Process p = Jrun.start(m.mode, dir, spec(m, trapping("INT", 4), ""), Launch.after("trap '' INT"));
        awaitOutput("ready");
        Jrun.signal(p, "INT");
        Result r = Jrun.finish(p, dir);
        assertEquals(4, r.exit(), r.toString());
        assertTrue(r.out().contains("got INT"), r.toString());
    }

    // ---- 14. a SIGKILLed jrun leaves no private dir ----------------------------------------------

    /**
     * Half the kills come 0-300 ms after the start, half at a random moment of the setup proper:
     * 0-W ms after the private dir appeared, W being how long an undisturbed run took from there
     * to the process's start. (Under JDK 17 without an AOT cache the JVM alone takes most of the
     * first 300 ms, so kills that early mostly find nothing to leave.)
     */
    @ParameterizedTest
    @EnumSource(value = Containment.class, names = {"ROOT", "ROOTLESS"})
    void sigkillsDuringSetupLeaveNoPrivateDirOnceAnotherRunEnded(Containment m) throws Exception {
        String yaml = spec(m, "echo ready; sleep 5", "");
        Process calibration = Jrun.start(m.mode, dir, yaml);
        long dirAt = awaitNewPrivateDirOrReady(List.of());
        awaitOutput("ready");
        long setupMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dirAt));
        calibration.destroy();
        Jrun.finish(calibration, dir);
        awaitNoProcesses();

        long seed = System.nanoTime();
        Random random = new Random(seed);
        int leftAtKill = 0;
        for (int i = 0; i < 20; i++) {
            List<String> before = Jrun.privateDirs(dir);
            Process p = Jrun.start(m.mode, dir, yaml);
            if (i % 2 == 0) {
                Thread.sleep(random.nextInt(301));
            } else {
                awaitNewPrivateDirOrReady(before);
                Thread.sleep(random.nextInt((int) setupMs + 1));
            }
            p.destroyForcibly().waitFor();
            awaitNoProcesses();
            if (!before.containsAll(Jrun.privateDirs(dir))) leftAtKill++;
        }
        Result next = Jrun.run(m.mode, dir, spec(m, "true", ""));
        assertEquals(0, next.exit(), next.toString());
        assertEquals(List.of(), Jrun.privateDirs(dir), "after 20 SIGKILLs (seed " + seed + ", setup " + setupMs + " ms), "
                + leftAtKill + " of them leaving a private dir at the time, and one run that ended");
    }

    /** Polls until a private dir not in {@code before} exists or the process said ready; System.nanoTime() then. */
    private long awaitNewPrivateDirOrReady(List<String> before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!before.containsAll(Jrun.privateDirs(dir)) || Files.readString(dir.resolve("out")).contains("ready")) return System.nanoTime();
            Thread.sleep(1);
        }
        return fail("jrun made no private dir and started no process in 20 s:\n" + Files.readString(dir.resolve("err")));
    }

    @ParameterizedTest
    @EnumSource(Containment.class)
    void sigkillAfterTheProcessStartedLeavesNoPrivateDir(Containment m) throws Exception {
        Process p = Jrun.start(m.mode, dir, spec(m, "echo ready; sleep 30", ""));
        awaitOutput("ready");
        // jrun deletes it on EXEC_OK, microseconds after the process can first print: give it that
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!Jrun.privateDirs(dir).isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        assertEquals(List.of(), Jrun.privateDirs(dir), "the private dir outlived the exec");
        p.destroyForcibly().waitFor();
        awaitNoProcesses();
        assertEquals(List.of(), Jrun.privateDirs(dir), "a SIGKILL after the exec leaves none");
    }

    private void awaitNoProcesses() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Jrun.processesWith(marker).isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(List.of(), Jrun.processesWith(marker), "a process of the killed jrun (its setup child, init or process) survived");
    }

    // ---- 15. long operands are cut in error lines ------------------------------------------------

    @Test
    void aFailingStepCutsAVeryLongOperand() throws Exception {
        String cwd = ("/" + "x".repeat(200)).repeat(4500); // 900 KB; the spec stays under the 1 MiB limit
        Containment m = Containment.ROOT;
        Result r = run(m, spec(m, "true", "  cwd: " + cwd + "\n"));
        assertEquals(125, r.exit(), "exit " + r.exit());
        assertEquals(1, r.err().lines().count(), "stderr has " + r.err().lines().count() + " lines");
        String line = r.err().lines().findFirst().orElseThrow();
        assertTrue(line.length() < 1000, "the error line is " + line.length() + " chars: " + line.substring(0, 300) + "…");
        assertTrue(line.contains("/xxxx") && line.contains("\u2026"), line);
    }

    private void awaitOutput(String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.readString(dir.resolve("out"), StandardCharsets.UTF_8).contains(line)) return;
            Thread.sleep(10);
        }
        fail("no '" + line + "' from the container:\n" + Files.readString(dir.resolve("err")));
    }
}
