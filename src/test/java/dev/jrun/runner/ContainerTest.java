package dev.jrun.runner;

import static dev.jrun.runner.Jrun.Mode.ROOT;
import static dev.jrun.runner.Jrun.Mode.ROOTLESS;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jrun.runner.Jrun.Mode;
import dev.jrun.runner.Jrun.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real containers through the real CLI, as root and as nobody (rootless), asserting what a person
 * would check by hand. After every test: no jrun temp dir left; after the suite: the host's mount
 * table is what it was and no process of any test's containers is alive.
 */
@Tag("container")
class ContainerTest {
    private static Set<String> mountsBefore;
    private Path dir;
    private String marker;

    @BeforeAll
    static void snapshot() throws Exception {
        Jrun.home();
        mountsBefore = Jrun.hostMounts();
    }

    @AfterAll
    static void nothingLeftOnTheHost() throws Exception {
        if (mountsBefore == null) return;
        assertEquals(mountsBefore, Jrun.hostMounts(), "the host's mount table changed");
        assertEquals(List.of(), Jrun.processesWith("JRUN_IT=w-"), "container processes outlived their runs");
    }

    private List<String> jrunTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("jrun-")).toList();
        }
    }

    @AfterEach
    void noTempDirLeft() throws IOException {
        if (dir == null) return;
        assertEquals(List.of(), jrunTempDirs(), "jrun left a temp dir behind");
        assertEquals(List.of(), Jrun.processesWith("JRUN_IT=" + marker), "a container process is still alive");
    }

    /** A spec: rootfs (unless given), the extra top-level YAML, and a shell script as the process. */
    private String spec(String script, String... extra) throws Exception {
        return specWithProcess(script, "", extra);
    }

    /** {@code processExtra}: more keys under process:, indented two spaces. */
    private String specWithProcess(String script, String processExtra, String... extra) throws Exception {
        dir = Jrun.workdir();
        marker = dir.getFileName().toString();
        List<String> top = new ArrayList<>(Arrays.asList(extra));
        top.add("process:\n  args: [/bin/sh, -c, " + Jrun.yamlString(script) + "]\n  env: {JRUN_IT: " + marker + "}\n" + processExtra);
        return Jrun.spec(script, top.toArray(String[]::new));
    }

    private Result run(Mode mode, String yaml) throws Exception {
        return Jrun.run(mode, dir, yaml);
    }

    private static int invokingUid(Mode mode) {
        return mode == ROOT ? 0 : Jrun.NOBODY;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyNamespaceIsNewAndTheHostnameIsTheContainers(Mode mode) throws Exception {
        String hostBefore = Files.readString(Path.of("/proc/sys/kernel/hostname"));
        Result r = run(mode, spec("hostname; for n in uts ipc pid net mnt cgroup user; do readlink /proc/self/ns/$n; done",
                "hostname: inside"));
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("inside", lines.get(0));
        List<String> names = List.of("uts", "ipc", "pid", "net", "mnt", "cgroup", "user");
        for (int i = 0; i < names.size(); i++) {
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns/" + names.get(i))).toString();
            assertTrue(lines.get(i + 1).startsWith(names.get(i) + ":["), lines.get(i + 1));
            assertNotEquals(host, lines.get(i + 1), names.get(i) + " namespace is the host's");
        }
        assertEquals(hostBefore, Files.readString(Path.of("/proc/sys/kernel/hostname")), "the host was renamed");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void withoutInitTheProcessIsPid1AndSeesOnlyItself(Mode mode) throws Exception {
        Result r = run(mode, specWithProcess("echo $$; ps -o pid,comm", "  init: false\n"));
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("1", lines.get(0));
        List<String> pids = lines.stream().skip(2).map(l -> l.trim().split("\\s+")[0]).toList();
        assertEquals(List.of("1"), pids, r.out()); // sh exec'd ps as its last command: ps is PID 1, alone
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anInitIsPid1AndTheProcessIsItsChild(Mode mode) throws Exception {
        Result r = run(mode, spec("echo $$; cut -d' ' -f4 /proc/$$/stat; ps -o pid,comm"));
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("2", "1"), lines.subList(0, 2), "the process is PID 2, child of PID 1");
        assertEquals(List.of("1", "2"), lines.stream().skip(3).map(l -> l.trim().split("\\s+")[0]).toList(),
                "only init and the process (sh exec'd ps) exist: " + r.out());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void exitCodesAndSignalsPassThrough(Mode mode) throws Exception {
        for (int code : new int[] {0, 1, 42}) {
            assertEquals(code, run(mode, spec("exit " + code)).exit());
        }
        assertEquals(137, run(mode, spec("kill -9 $$")).exit(), "128 + SIGKILL");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void sigtermToJrunReachesTheProcess(Mode mode) throws Exception {
        String yaml = spec("trap 'echo got TERM; exit 7' TERM; echo ready; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; exit 3");
        Process p = Jrun.start(mode, dir, yaml);
        awaitOutput("ready");
        p.destroy(); // SIGTERM to the jrun JVM
        Result r = Jrun.finish(p, dir);
        assertEquals(7, r.exit(), r.toString());
        assertTrue(r.out().contains("got TERM"), r.toString());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void initReapsOrphans(Mode mode) throws Exception {
        // The subshell exits at once; its sleep is orphaned to PID 1 and must not stay a zombie.
        Result r = run(mode, spec("(sleep 0.2 &); sleep 0.8; ps -o stat,comm | grep -c '^Z' || true"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("0", r.out().trim(), "zombies in the container");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void onlyStdioReachesTheProcess(Mode mode) throws Exception {
        Result r = run(mode, spec("ls /proc/self/fd"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("0", "1", "2", "3"), r.out().lines().toList(), "stdio and ls's own directory fd");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void loopbackIsUpInTheNewNetworkNamespace(Mode mode) throws Exception {
        Result r = run(mode, spec("cat /sys/class/net/lo/flags; ls /sys/class/net"));
        assertEquals(0, r.exit(), r.toString());
        int flags = Integer.decode(r.out().lines().findFirst().orElseThrow());
        assertEquals(1, flags & 1, "IFF_UP");
        assertEquals(List.of("lo"), r.out().lines().skip(1).toList());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void cgroupNamespaceRootsTheCgroupView(Mode mode) throws Exception {
        Result r = run(mode, spec("cat /proc/self/cgroup"));
        assertEquals(0, r.exit(), r.toString());
        for (String l : r.out().lines().toList()) assertTrue(l.endsWith(":/"), "cgroup path not namespaced: " + l);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void mountsInsideAreInvisibleOnTheHost(Mode mode) throws Exception {
        Set<String> before = Jrun.hostMounts();
        String yaml = spec("grep -c ' /scratch ' /proc/self/mountinfo; echo ready; sleep 1",
                "mounts:\n  - {destination: /scratch, type: tmpfs, source: tmpfs, options: [size=1m]}");
        Process p = Jrun.start(mode, dir, yaml);
        awaitOutput("ready");
        assertEquals(before, Jrun.hostMounts(), "a container mount is visible on the host while it runs");
        Result r = Jrun.finish(p, dir);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("1\n"), r.toString());
        assertEquals(before, Jrun.hostMounts());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void rootInsideWritesFilesOwnedByTheInvokingUser(Mode mode) throws Exception {
        spec("");
        Path vol = Files.createDirectory(dir.resolve("vol"));
        Files.setAttribute(vol, "unix:uid", invokingUid(mode));
        Result r = run(mode, spec("id -u; touch /vol/f", "volumes:\n  - {source: " + vol + ", destination: /vol}"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("0", r.out().trim());
        assertEquals(invokingUid(mode), ((Number) Files.getAttribute(vol.resolve("f"), "unix:uid")).intValue());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void readOnlyVolumesStayReadOnlyEvenAgainstRemount(Mode mode) throws Exception {
        spec("");
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path rw = Files.createDirectory(dir.resolve("rw"));
        for (Path p : List.of(ro, rw)) Files.setAttribute(p, "unix:uid", invokingUid(mode));
        // busybox's plain "remount,rw" of a bind fails with EINVAL even with CAP_SYS_ADMIN, so also try
        // the bind remount that would work, an umount, and look at the capability sets themselves.
        Result r = run(mode, spec("touch /ro/x 2>/dev/null; echo ro=$?; touch /rw/x; echo rw=$?; "
                        + "mount -o remount,rw /ro 2>/dev/null && echo remount=ok || echo remount=refused; "
                        + "mount -o remount,bind,rw /ro 2>/dev/null && echo bind-remount=ok || echo bind-remount=refused; "
                        + "umount /ro 2>/dev/null && echo umount=ok || echo umount=refused; "
                        + "touch /ro/y 2>/dev/null; echo ro-after=$?; grep -E '^Cap(Eff|Bnd)' /proc/self/status",
                "volumes:\n  - {source: " + ro + ", destination: /ro, readonly: true}\n  - {source: " + rw + ", destination: /rw}"));
        assertEquals(0, r.exit(), r.toString());
        // podman's default set, 0x800405fb: no CAP_SYS_ADMIN (21), in the bounding set too
        assertEquals(List.of("ro=1", "rw=0", "remount=refused", "bind-remount=refused", "umount=refused", "ro-after=1",
                "CapEff:\t00000000800405fb", "CapBnd:\t00000000800405fb"), r.out().lines().toList());
        assertFalse(Files.exists(ro.resolve("x")));
        assertTrue(Files.exists(rw.resolve("x")));
    }

    /** security.seccomp: an OCI profile of the spec's own, here one that allows all but making directories. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSeccompProfileFromTheSpecIsLoaded(Mode mode) throws Exception {
        spec("");
        Path profile = dir.resolve("no-mkdir.json");
        Files.writeString(profile, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_AARCH64\"],\n"
                + " \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}\n");
        Result r = run(mode, spec("grep Seccomp: /proc/self/status; mkdir /dev/shm/d 2>&1; unshare -U true && echo unshare-ok",
                "security: {seccomp: " + profile + "}"));
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("Seccomp:\t2", lines.get(0));
        assertTrue(lines.get(1).contains("Operation not permitted"), r.out());
        assertEquals("unshare-ok", lines.get(2), "this profile allows what the default one refuses");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void confFilesAreGeneratedAndReadOnly(Mode mode) throws Exception {
        Result r = run(mode, spec("cat /etc/hostname /motd; grep -c 'inside' /etc/hosts; "
                        + "(echo x > /motd) 2>/dev/null; echo write=$?",
                "hostname: inside", "files:\n  - {destination: /motd, content: \"hello motd\\n\"}"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("inside", "hello motd", "1", "write=1"), r.out().lines().toList());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pivotRootAndChrootBothLeaveTheHostsTreeBehind(Mode mode) throws Exception {
        for (boolean pivot : new boolean[] {true, false}) {
            String yaml = spec("ls / | grep -c linuxrc; echo ready; sleep 1",
                    "rootfs:\n  path: " + Jrun.rootfs() + "\n  pivot: " + pivot);
            Process p = Jrun.start(mode, dir, yaml);
            awaitOutput("ready");
            List<Long> pids = Jrun.processesWith("JRUN_IT=" + marker);
            assertFalse(pids.isEmpty());
            String root = Files.readSymbolicLink(Path.of("/proc/" + pids.get(0) + "/root")).toString();
            assertEquals(List.of(), jrunTempDirs(), "the private dir is gone as soon as the process runs");
            Result r = Jrun.finish(p, dir);
            assertEquals(0, r.exit(), r.toString());
            assertEquals("1", r.out().lines().findFirst().orElseThrow());
            // Seen from the host, the process's root is its namespace's own root mount, in both
            // cases: without pivot_root the new root was moved over / (MS_MOVE) before chroot,
            // as runc's --no-pivot does, so it is no directory of the host's tree.
            assertEquals("/", root, "pivot " + pivot);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHostRootRunsHostBinariesAndKeepsIpcPrivate(Mode mode) throws Exception {
        String hostIpc = Files.readString(Path.of("/proc/sysvipc/msg"));
        Result r = run(mode, spec("ipcmk -Q >/dev/null && tail -n +2 /proc/sysvipc/msg | wc -l; ls /usr/bin/ipcmk",
                "rootfs: {host: true}"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("1", "/usr/bin/ipcmk"), r.out().lines().toList(), "one queue inside");
        assertEquals(hostIpc, Files.readString(Path.of("/proc/sysvipc/msg")), "the queue leaked to the host");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFailingStepIsOneLineWithStepLocationAndErrno(Mode mode) throws Exception {
        Set<String> before = Jrun.hostMounts();
        Result r = run(mode, specWithProcess("true", "  cwd: /does/not/exist\n"));
        assertEquals(125, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().matches("(?s)jrun: .*spec\\.yaml:\\d+:\\d+: step \\d+ chdir /does/not/exist: ENOENT \\(No such file or directory\\)"
                + " \u2014 hint: .*\n"), r.err());
        assertEquals(before, Jrun.hostMounts());
    }

    /**
     * The rootfs's /etc and /tmp belong to host root, whom a rootless user namespace does not map:
     * container root may not create entries there. jrun covers such a directory with an overlay of
     * itself over a private tmpfs (runc's tmpcopyup), so the mount points are made there.
     */
    @Test
    void rootlessMakesMountPointsInARootOwnedDirectoryThroughACopyUp() throws Exception {
        List<String> before = listing(Jrun.rootfs());
        Result r = run(ROOTLESS, spec("cat /etc/jrun-absent.conf; ls -d /tmp/jrun-absent; ls /etc | grep -c passwd",
                "files:\n  - {destination: /etc/jrun-absent.conf, content: \"hi\\n\"}",
                "mounts:\n  - {destination: /tmp/jrun-absent, type: tmpfs, source: tmpfs}"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("hi", "/tmp/jrun-absent", "1"), r.out().lines().toList(), "the directory's own entries stay");
        assertEquals(before, listing(Jrun.rootfs()), "the run changed the rootfs on the host");
    }

    @Test
    void mountPointsMissingFromAReadOnlyRootfsAreNotCreatedInIt() throws Exception {
        List<String> before = listing(Jrun.rootfs());
        Result r = run(ROOT, spec("ls -d /new/deep/dir /etc/jrun-absent.conf",
                "mounts:\n  - {destination: /new/deep/dir, type: tmpfs, source: tmpfs}",
                "files:\n  - {destination: /etc/jrun-absent.conf, content: hi}"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("/etc/jrun-absent.conf", "/new/deep/dir"), r.out().lines().toList());
        assertEquals(before, listing(Jrun.rootfs()), "the run changed the rootfs on the host");
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root, 2)) {
            return s.map(Path::toString).sorted().toList();
        }
    }

    @Test
    void aRootlessWideIdMapIsRefusedWithAHint() throws Exception {
        Result r = run(ROOTLESS, spec("true", "idMappings:\n  uid: [{container: 0, host: 100000, size: 65536}]\n"
                + "  gid: [{container: 0, host: 100000, size: 65536}]"));
        assertEquals(125, r.exit(), r.toString());
        assertTrue(r.err().contains("write /proc/PID/uid_map: EPERM (Operation not permitted) \u2014 hint: an unprivileged user may map only its own"),
                r.err());
    }

    @Test
    void rootMapsAnyIdRangeAndSwitchesUser() throws Exception {
        Result r = run(ROOT, specWithProcess("id; cat /proc/self/uid_map",
                "  user: {uid: 1000, gid: 1000, additionalGids: [5]}\n",
                "idMappings:\n  uid: [{container: 0, host: 200000, size: 65536}]\n  gid: [{container: 0, host: 200000, size: 65536}]"));
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("uid=1000 gid=1000 groups=5(tty)", lines.get(0));
        assertEquals(List.of("0", "200000", "65536"), Arrays.asList(lines.get(1).trim().split("\\s+")));
    }

    @Test
    void rootWithoutAUserNamespace() throws Exception {
        Result r = run(ROOT, spec("id -u; readlink /proc/self/ns/user; hostname",
                "namespaces: [mount, uts, ipc, pid, net, cgroup]", "hostname: nouserns"));
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("0", lines.get(0));
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")).toString(), lines.get(1));
        assertEquals("nouserns", lines.get(2));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aTerminalIsTheProcesssControllingTtyAndCtrlCInterruptsIt(Mode mode) throws Exception {
        assumeTrue(Jrun.sh(List.of("script", "--version")) == 0, "script(1) from util-linux is needed to give jrun a tty");
        String yaml = specWithProcess("test -t 0 && echo stdin-is-a-tty; stty size; echo ready; sleep 10; echo not-interrupted",
                "  terminal: true\n");
        Process p = Jrun.start(mode, dir, yaml, true);
        awaitOutput("ready");
        p.getOutputStream().write(3); // Ctrl-C, typed into jrun's terminal
        p.getOutputStream().flush();
        Result r = Jrun.finish(p, dir);
        assertEquals(130, r.exit(), r.toString()); // 128 + SIGINT, raised by the container's tty
        assertTrue(r.out().contains("stdin-is-a-tty"), r.toString());
        assertFalse(r.out().contains("not-interrupted"), r.toString());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void killingJrunKillsTheContainer(Mode mode) throws Exception {
        String yaml = spec("echo ready; sleep 30");
        Process p = Jrun.start(mode, dir, yaml);
        awaitOutput("ready");
        assertFalse(Jrun.processesWith("JRUN_IT=" + marker).isEmpty());
        p.destroyForcibly().waitFor(); // SIGKILL: no finally runs in jrun
        assertEquals(List.of(), Jrun.awaitGone("JRUN_IT=" + marker, 5000), "the parent-death signal did not fire");
        // and its private dir went when the process started: @AfterEach finds none
    }

    private void awaitOutput(String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.readString(dir.resolve("out")).contains(line)) return;
            Thread.sleep(10);
        }
        fail("no '" + line + "' from the container:\n" + Files.readString(dir.resolve("err")));
    }

}
