package dev.jrun.runner.child;

import static dev.jrun.plan.MountFlags.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.plan.Plan;
import dev.jrun.runner.RunnerException;
import dev.jrun.runner.TestSpecs;
import dev.jrun.plan.Step;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.Errno;
import dev.jrun.sys.Linux;
import dev.jrun.sys.RecordingSyscalls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child's exact syscall sequence for real plans, run by the same {@link ChildExecutor} loop the
 * container uses, over a recording fake: no root, no namespaces.
 */
class ChildProgramTest {
    static final int SYNC = 10;
    static final int STATUS = 11;

    @TempDir Path tmp;
    Path rootfs;
    String r;

    @BeforeEach
    void rootfs() throws Exception {
        rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        r = rootfs.toString();
        for (String d : List.of("bin", "etc", "proc", "sys", "dev", "tmp", "usr/bin")) Files.createDirectories(rootfs.resolve(d));
        Files.createFile(rootfs.resolve("etc/hosts"));
        Files.createDirectories(tmp.resolve("private"));
    }

    ChildProgram compile(Plan plan) throws RunnerException {
        return ProgramBuilder.build(plan, new ProgramBuilder.Setup(SYNC, STATUS, -1, tmp.resolve("private"), null,
                path -> MS_NOSUID));
    }

    RecordingSyscalls run(Plan plan, RecordingSyscalls fake) throws RunnerException {
        try (ChildProgram p = compile(plan)) {
            ChildExecutor.run(fake, p);
        }
        return fake;
    }

    @Test
    void defaultPlanRunsInKernelOrder() throws Exception {
        TestSpecs t = new TestSpecs(rootfs);
        t.init = false;
        RecordingSyscalls fake = run(t.plan(1000, 1000), new RecordingSyscalls());
        List<String> calls = fake.calls;
        // Nothing before the parent's GO but closing what is not ours and the death signal.
        assertEquals("close_range(3, 9, 0)", calls.get(0));
        assertEquals("close_range(12, ~0, 0)", calls.get(1));
        assertEquals("read(" + SYNC + ", 1)", calls.get(3));
        assertTrue(calls.indexOf("setresuid(0)") > calls.indexOf("read(" + SYNC + ", 1)"));
        List<String> mounts = fake.named("mount", "pivot_root", "umount2", "chdir");
        String layer = tmp.resolve("private/layer").toString();
        String root = tmp.resolve("private/root").toString();
        assertEquals("mount(\"none\", \"/\", null, MS_REC|MS_PRIVATE, null)", mounts.get(0), "propagation first");
        // A read-only rootfs is an overlay over a private tmpfs: mount points go there, not into the rootfs.
        assertEquals("mount(\"tmpfs\", \"" + layer + "\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"mode=755\")", mounts.get(1));
        assertEquals("mount(\"overlay\", \"" + root + "\", \"overlay\", 0, \"lowerdir=" + r + ",upperdir=" + layer
                + "/upper,workdir=" + layer + "/work\")", mounts.get(2), "then the rootfs");
        assertEquals("mount(\"proc\", \"" + root + "/proc\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, null)", mounts.get(3));
        r = root; // every later path is under the overlay
        int pivot = mounts.indexOf("pivot_root(\".\", \".\")");
        assertEquals("chdir(\"" + r + "\")", mounts.get(pivot - 1));
        assertEquals("umount2(\".\", 2)", mounts.get(pivot + 1));
        assertEquals("chdir(\"/\")", mounts.get(pivot + 2));
        assertEquals("mount(\"none\", \"/\", null, MS_RDONLY|MS_REMOUNT|MS_BIND, null)", mounts.get(pivot + 3),
                "read-only root after pivot (the overlay is ours: no locked flags)");
        // Every mount before pivot_root targets a path inside the new root (or the overlay's layer).
        for (String m : mounts.subList(1, pivot - 1)) assertTrue(m.contains("\"" + r) || m.contains("\"" + layer), m);
        // Devices: an empty file as mount point, then the bind.
        int dn = calls.indexOf("creat(\"" + r + "/dev/null\", 0644)");
        assertEquals("close(99)", calls.get(dn + 1));
        assertEquals("mount(\"/dev/null\", \"" + r + "/dev/null\", null, MS_BIND, null)", calls.get(dn + 2));
        assertTrue(calls.contains("symlink(\"pts/ptmx\", \"" + r + "/dev/ptmx\")"));
        // Conf files: bind, then remount read-only with the locked flags kept.
        int hosts = calls.indexOf(calls.stream().filter(c -> c.startsWith("mount(\"" + tmp.resolve("private") + "/f") && c.endsWith("/etc/hosts\", null, MS_BIND, null)")).findFirst().orElseThrow());
        assertEquals("mount(\"none\", \"" + r + "/etc/hosts\", null, MS_RDONLY|MS_NOSUID|MS_REMOUNT|MS_BIND, null)", calls.get(hosts + 1));
        // After the root: hostname, lo, capabilities, ids, cwd, exec.
        List<String> tail = calls.subList(calls.indexOf("umount2(\".\", 2)"), calls.size());
        List<String> kinds = tail.stream().map(c -> c.substring(0, c.indexOf('('))).distinct().collect(Collectors.toList());
        assertEquals(List.of("umount2", "chdir", "mount", "sethostname", "socket", "ioctl", "close", "prctl", "capset",
                "setresgid", "setresuid", "sigprocmask", "sigaction", "close_range", "execve", "write", "exit_group"), kinds,
                "(a fake execve returns, which the child reports like a failed one)");
        assertTrue(tail.contains("ioctl(7, 0x8914 lo flags=" + (Linux.IFF_UP | Linux.IFF_LOOPBACK | Linux.IFF_RUNNING) + ")"));
        assertTrue(tail.contains("capset(eff=0xa80425fb)"), "docker's default set, without CAP_SYS_ADMIN (bit 21)");
        assertEquals(0, 0xa80425fbL & (1L << 21));
        assertTrue(fake.named("setgroups").isEmpty(), "setgroups is denied rootless and there are no groups to set");
        assertEquals("execve(\"/bin/true\", [/bin/true], [PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin, HOME=/root])",
                fake.named("execve").get(0));
        assertEquals("close_range(3, ~0, 4)", calls.get(calls.indexOf(fake.named("execve").get(0)) - 1), "fds >= 3 close on exec");
    }

    @Test
    void symlinksInTheRootfsCannotLeadOut() throws Exception {
        // A hostile rootfs: /data -> /etc/../../../../host-secret, /etc/link -> /proc/../etc.
        Files.createSymbolicLink(rootfs.resolve("data"), Path.of("/etc/../../../../host-secret"));
        Files.createSymbolicLink(rootfs.resolve("etc/link"), Path.of("../../../proc/../etc"));
        Path vol = Files.createDirectories(tmp.resolve("vol"));
        TestSpecs t = new TestSpecs(rootfs).volume(vol, "/data/x", false).volume(vol, "/etc/link/y", true);
        t.defaultMounts = false;
        t.readonly = false; // the rootfs bound onto itself: paths below are the rootfs's
        RecordingSyscalls fake = run(t.plan(0, 0), new RecordingSyscalls());
        assertTrue(fake.calls.contains("mount(\"" + vol + "\", \"" + r + "/host-secret/x\", null, MS_BIND|MS_REC, null)"), fake.calls.toString());
        assertTrue(fake.calls.contains("mkdir(\"" + r + "/host-secret\", 0755)"));
        assertTrue(fake.calls.contains("mount(\"" + vol + "\", \"" + r + "/etc/y\", null, MS_BIND|MS_REC, null)"), fake.calls.toString());
        assertTrue(fake.calls.stream().filter(c -> c.startsWith("mount(") || c.startsWith("mkdir("))
                .allMatch(c -> c.contains("\"" + r) || c.startsWith("mount(\"none\", \"/\"")), fake.calls.toString());
    }

    @Test
    void overlayOptionsEscapeCommasAndColons() {
        assertEquals("/a\\,b\\:c\\\\d", ProgramBuilder.overlayEscape("/a,b:c\\d"));
    }

    @Test
    void aSymlinkLoopIsELOOP() throws Exception {
        Files.createSymbolicLink(rootfs.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(rootfs.resolve("b"), Path.of("/a"));
        TestSpecs t = new TestSpecs(rootfs).volume(tmp, "/a/x", false);
        RunnerException e = assertThrows(RunnerException.class, () -> compile(t.plan(0, 0)));
        assertEquals(Errno.ELOOP, e.errno);
        assertTrue(e.getMessage().startsWith("test.yaml:20:5: step "), e.getMessage());
    }

    @Test
    void readonlyVolumeIsBindThenRemount() throws Exception {
        Path vol = Files.createDirectories(tmp.resolve("vol"));
        TestSpecs t = new TestSpecs(rootfs).volume(vol, "/srv/data", true);
        t.readonly = false;
        RecordingSyscalls fake = run(t.plan(0, 0), new RecordingSyscalls());
        int bind = fake.calls.indexOf("mount(\"" + vol + "\", \"" + r + "/srv/data\", null, MS_BIND|MS_REC, null)");
        assertTrue(bind > 0);
        assertEquals("mkdir(\"" + r + "/srv/data\", 0755)", fake.calls.get(bind - 1));
        assertEquals("mkdir(\"" + r + "/srv\", 0755)", fake.calls.get(bind - 2));
        assertEquals("mount(\"none\", \"" + r + "/srv/data\", null, MS_RDONLY|MS_NOSUID|MS_REMOUNT|MS_BIND, null)", fake.calls.get(bind + 1));
    }

    @Test
    void aFailingStepIsReportedWithItsOpAndErrno() throws Exception {
        TestSpecs t = new TestSpecs(rootfs);
        Plan plan = t.plan(1000, 1000);
        RecordingSyscalls fake = new RecordingSyscalls().fail("mount(\"proc\"", Errno.EPERM);
        try (ChildProgram p = compile(plan)) {
            ChildExecutor.run(fake, p);
            assertEquals(125, fake.exitStatus);
            assertEquals("write(" + STATUS + ", 8)", fake.calls.get(fake.calls.size() - 2));
            ByteBuffer rec = ByteBuffer.wrap(fake.lastWrite).order(ByteOrder.nativeOrder());
            int op = rec.getInt();
            assertEquals(Errno.EPERM, rec.getInt());
            assertTrue(p.describe(op).startsWith("mount proc on /proc"), p.describe(op));
            RunnerException e = new RunnerException(plan, p.stepOf(op), p.describe(op), Errno.EPERM, null);
            assertTrue(plan.steps().get(p.stepOf(op)) instanceof Step.Mount m && "proc".equals(m.fstype()));
            assertEquals("test.yaml:1:1: step " + (p.stepOf(op) + 1) + " mount proc on /proc: EPERM (Operation not permitted)"
                    + " \u2014 hint: proc needs a pid namespace (add pid to namespaces)", e.getMessage());
        }
        assertTrue(fake.named("execve").isEmpty(), "nothing runs after a failure");
    }

    @Test
    void execSearchesPathLikeExecvp() throws Exception {
        TestSpecs t = new TestSpecs(rootfs).args("ls", "-l");
        t.env.put("PATH", "/nope:/bin");
        t.init = false;
        RecordingSyscalls fake = new RecordingSyscalls().fail("execve(\"/nope/ls\"", Errno.ENOENT).fail("execve(\"/bin/ls\"", Errno.EACCES);
        try (ChildProgram p = compile(t.plan(0, 0))) {
            ChildExecutor.run(fake, p);
            assertEquals(2, fake.named("execve").size());
            ByteBuffer rec = ByteBuffer.wrap(fake.lastWrite).order(ByteOrder.nativeOrder());
            rec.getInt();
            assertEquals(Errno.EACCES, rec.getInt());
        }
    }

    @Test
    void initForksTheProcessForwardsSignalsAndExitsWithItsStatus() throws Exception {
        TestSpecs t = new TestSpecs(rootfs);
        Plan plan = t.plan(0, 0);
        // The process's side: after clone returns 0 it unblocks signals and execs.
        RecordingSyscalls child = run(plan, new RecordingSyscalls());
        int clone = child.calls.indexOf("clone(" + Linux.SIGCHLD + ")");
        assertEquals("sigprocmask(0, 0x" + Long.toHexString(ProgramBuilder.initSignals()) + ")", child.calls.get(clone - 1));
        assertEquals("sigprocmask(2, 0x0)", child.calls.get(clone + 1));
        assertEquals(1, child.named("execve").size());
        // PID 1's side: clone returns the pid; close everything, then forward and reap.
        try (ChildProgram p = compile(plan)) {
            RecordingSyscalls fake = new RecordingSyscalls();
            // an orphan first (peeked, then reaped), then nothing more for that SIGCHLD; then the
            // process dies of SIGTERM: peeked only, so it stays a zombie until PID 1 exits
            fake.waits.addAll(List.of(new int[] {77, Linux.CLD_EXITED, 0}, new int[] {77, Linux.CLD_EXITED, 0},
                    new int[] {0, 0, 0}, new int[] {42, Linux.CLD_KILLED, Linux.SIGTERM}));
            fake.cloneResult = 42;
            fake.signals.addAll(List.of(Linux.SIGTERM, Linux.SIGCHLD, Linux.SIGCHLD));
            ChildExecutor.run(fake, p);
            List<String> after = fake.calls.subList(fake.calls.indexOf("clone(" + Linux.SIGCHLD + ")") + 1, fake.calls.size());
            assertEquals(List.of("close_range(3, ~0, 0)", "prctl(4, 0)", "sigtimedwait() = 15", "kill(42, 15)",
                    "sigtimedwait() = 17", "waitid(P_ALL, WNOWAIT, WNOHANG)", "waitid(P_PID 77)",
                    "waitid(P_ALL, WNOWAIT, WNOHANG)", "sigtimedwait() = 17", "waitid(P_ALL, WNOWAIT, WNOHANG)",
                    "exit_group(143)"), after);
            assertTrue(fake.named("execve").isEmpty(), "init never execs");
        }
    }

    @Test
    void rootWithGroupsSetsThemAndChroots() throws Exception {
        TestSpecs t = new TestSpecs(rootfs).namespaces(Namespace.MOUNT, Namespace.UTS);
        t.pivot = false;
        t.readonly = false;
        t.user = new dev.jrun.spec.Spec.User(1000, 100, List.of(5L, 27L), TestSpecs.AT);
        RecordingSyscalls fake = run(t.plan(0, 0), new RecordingSyscalls());
        assertTrue(fake.named("pivot_root").isEmpty());
        int chroot = fake.calls.indexOf("chroot(\".\")");
        assertEquals("chdir(\"" + r + "\")", fake.calls.get(chroot - 1));
        assertEquals(List.of("setgroups([5, 27])", "setresgid(100)", "setresuid(1000)"), fake.named("setgroups", "setresgid", "setresuid"));
    }

    @Test
    void rehearsalTouchesNothing() throws Exception {
        try (ChildProgram p = compile(new TestSpecs(rootfs).plan(0, 0))) {
            ChildExecutor.rehearse(p, 3); // would fail loudly (or mount things) if it reached the kernel
        }
        assertTrue(Files.exists(rootfs.resolve("bin")));
    }
}
