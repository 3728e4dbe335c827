package dev.jrun.runner.child;

import static dev.jrun.plan.MountFlags.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanOptions;
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

    /** The program's fixed fds when the pipes are 10 and 11: the four lowest others. */
    static final int ROOT_FD = 3, TARGET_FD = 4, PARENT_FD = 5, SOURCE_FD = 6;

    @Test
    void defaultPlanRunsInKernelOrder() throws Exception {
        TestSpecs t = new TestSpecs(rootfs);
        t.init = false;
        RecordingSyscalls fake = run(t.plan(1000, 1000), new RecordingSyscalls());
        List<String> calls = fake.calls;
        // Nothing before the parent's GO but closing what is not ours and the death signal.
        assertEquals(List.of("close_range(3, 9, 0)", "close_range(12, ~0, 0)", "prctl(1, 9)", "read(" + SYNC + ", 1)"),
                calls.subList(0, 4));
        assertTrue(calls.indexOf("setresuid(0)") > calls.indexOf("read(" + SYNC + ", 1)"));
        String layer = tmp.resolve("private/layer").toString();
        String root = tmp.resolve("private/root").toString();
        List<String> mounts = fake.named("mount", "pivot_root", "umount2", "chdir");
        assertEquals("mount(\"none\", \"/\", null, MS_REC|MS_PRIVATE, null)", mounts.get(0), "propagation first");
        // A read-only rootfs is an overlay over a private tmpfs: mount points go there, not into the rootfs.
        assertEquals("mount(\"tmpfs\", \"" + layer + "\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"mode=755\")", mounts.get(1));
        // Its lower layer is opened without following any symlink, and named by that fd.
        int lower = calls.indexOf("openat2(\"" + r + "\", no-symlinks)");
        assertEquals("dup3(90, " + SOURCE_FD + ")", calls.get(lower + 1));
        assertEquals("mount(\"overlay\", \"" + root + "\", \"overlay\", MS_NODEV, \"lowerdir=/proc/self/fd/" + SOURCE_FD
                + ",upperdir=" + layer + "/upper,workdir=" + layer + "/work\")", mounts.get(2), "then the rootfs, nodev");
        assertEquals("openat2(\"" + root + "\", plain)", calls.get(calls.indexOf(mounts.get(2)) + 1), "the new root's fd");
        // Every later mount point is opened below the root fd (openat2 RESOLVE_IN_ROOT) and mounted through its fd.
        int proc = calls.indexOf("mount(\"proc\", \"/proc/self/fd/" + TARGET_FD + "\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, null)");
        assertEquals(List.of("openat2(@" + ROOT_FD + " \"proc\", in-root)", "dup3(90, " + TARGET_FD + ")", "close(90)"),
                calls.subList(proc - 3, proc));
        int pivot = mounts.indexOf("pivot_root(\".\", \".\")");
        for (String m : mounts.subList(3, pivot - 1)) {
            assertTrue(m.contains("\"/proc/self/fd/" + TARGET_FD + "\"") || m.contains("\"" + tmp.resolve("private")), m);
        }
        assertEquals("chdir(\"/proc/self/fd/" + ROOT_FD + "\")", mounts.get(pivot - 1));
        assertEquals("umount2(\".\", 2)", mounts.get(pivot + 1));
        assertEquals("chdir(\"/\")", mounts.get(pivot + 2));
        // A missing mount point is made with an *at call in its parent, opened below the root.
        int dn = calls.indexOf("creat(@" + PARENT_FD + " \"null\", 0644)");
        assertEquals("openat2(@" + ROOT_FD + " \"dev\", in-root)", calls.get(dn - 3));
        // A device is the host's node, opened without symlinks, bound through both fds.
        assertTrue(calls.contains("openat2(\"/dev/null\", no-symlinks)"));
        assertTrue(calls.contains("mount(\"/proc/self/fd/" + SOURCE_FD + "\", \"/proc/self/fd/" + TARGET_FD + "\", null, MS_BIND, null)"));
        assertTrue(calls.contains("symlink(\"pts/ptmx\", @" + PARENT_FD + " \"ptmx\")"));
        // Conf files: bind, then remount read-only with the locked flags kept, through a fresh fd.
        int hosts = calls.indexOf(calls.stream().filter(c -> c.startsWith("mount(\"" + tmp.resolve("private") + "/f")).findFirst().orElseThrow());
        assertEquals("openat2(@" + ROOT_FD + " \"etc/hosts\", in-root)", calls.get(hosts + 2));
        assertEquals("mount(\"none\", \"/proc/self/fd/" + TARGET_FD + "\", null, MS_RDONLY|MS_NOSUID|MS_NODEV|MS_REMOUNT|MS_BIND, null)",
                calls.get(hosts + 5));
        // Inside the root: the masked and read-only /proc paths, then the read-only root.
        List<String> after = calls.subList(calls.indexOf("pivot_root(\".\", \".\")"), calls.size());
        assertEquals(List.of("open(\"/proc/kcore\")", "close(99)", "mount(\"/dev/null\", \"/proc/kcore\", null, MS_BIND, null)"),
                after.subList(after.indexOf("open(\"/proc/kcore\")"), after.indexOf("open(\"/proc/kcore\")") + 3));
        int sys = after.indexOf("mount(\"/proc/sys\", \"/proc/sys\", null, MS_BIND|MS_REC, null)");
        assertEquals("mount_setattr(-100, \"/proc/sys\", 0x8000, set=0x1)", after.get(sys + 1), "recursively read-only");
        // After the root: hostname, lo, umask, capabilities, ids, cwd, no_new_privs, seccomp last, exec.
        List<String> kinds = after.subList(after.indexOf("mount(\"none\", \"/\", null, MS_RDONLY|MS_REMOUNT|MS_BIND, null)"), after.size())
                .stream().map(c -> c.substring(0, c.indexOf('('))).distinct().collect(Collectors.toList());
        assertEquals(List.of("mount", "sethostname", "socket", "ioctl", "close", "umask", "prctl", "setresgid",
                "setresuid", "capset", "chdir", "seccomp", "sigprocmask", "sigaction", "close_range", "execve", "write", "exit_group"), kinds,
                "(a fake execve returns, which the child reports like a failed one)");
        assertTrue(after.contains("ioctl(7, 0x8914 lo flags=" + (Linux.IFF_UP | Linux.IFF_LOOPBACK | Linux.IFF_RUNNING) + ")"));
        assertTrue(after.contains("capset(eff=0x800405fb)"), "podman's default set, without CAP_SYS_ADMIN (bit 21)");
        int nnp = after.indexOf("prctl(38, 1)");
        assertTrue(after.get(nnp + 1).startsWith("seccomp(1, 0, "), "seccomp right after no_new_privs: " + after.get(nnp + 1));
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
        // Resolved chroot-style by jrun, and opened by the kernel below the root fd (RESOLVE_IN_ROOT):
        // neither can leave the rootfs, whatever a racing owner swaps in between.
        assertTrue(fake.calls.contains("openat2(@" + ROOT_FD + " \"host-secret/x\", in-root)"), fake.calls.toString());
        assertTrue(fake.calls.contains("mkdir(@" + PARENT_FD + " \"host-secret\", 0755)"));
        assertTrue(fake.calls.contains("openat2(@" + ROOT_FD + " \"etc/y\", in-root)"), fake.calls.toString());
        List<String> beforePivot = fake.calls.subList(0, fake.calls.indexOf("pivot_root(\".\", \".\")"));
        assertTrue(beforePivot.stream().filter(c -> c.startsWith("mount(") && !c.startsWith("mount(\"none\", \"/\""))
                .allMatch(c -> c.matches("mount\\(\"[^\"]*\", \"/proc/self/fd/\\d+\".*")), "every target is an fd: " + beforePivot);
        assertTrue(fake.calls.stream().filter(c -> c.startsWith("openat2(@")).allMatch(c -> c.endsWith("in-root)")));
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
    void readonlyVolumeIsBindThenRemountThenRecursivelyReadonly() throws Exception {
        Path vol = Files.createDirectories(tmp.resolve("vol"));
        TestSpecs t = new TestSpecs(rootfs).volume(vol, "/srv/data", true);
        t.readonly = false;
        RecordingSyscalls fake = run(t.plan(0, 0), new RecordingSyscalls());
        String bind = "mount(\"/proc/self/fd/" + SOURCE_FD + "\", \"/proc/self/fd/" + TARGET_FD + "\", null, MS_BIND|MS_REC, null)";
        int i = fake.calls.indexOf(bind);
        assertTrue(i > 0, fake.calls.toString());
        assertEquals("openat2(\"" + vol + "\", no-symlinks)", fake.calls.get(i - 6));
        assertEquals("openat2(@" + ROOT_FD + " \"srv/data\", in-root)", fake.calls.get(i - 3));
        assertTrue(fake.calls.contains("mkdir(@" + PARENT_FD + " \"srv\", 0755)"));
        assertTrue(fake.calls.contains("mkdir(@" + PARENT_FD + " \"data\", 0755)"));
        List<String> rest = fake.calls.subList(i, fake.calls.size());
        assertTrue(rest.contains("mount(\"none\", \"/proc/self/fd/" + TARGET_FD + "\", null, MS_RDONLY|MS_NOSUID|MS_NODEV|MS_REMOUNT|MS_BIND, null)"),
                "read-only and nodev, keeping the source's locked flags");
        assertTrue(rest.contains("mount_setattr(" + TARGET_FD + ", \"\", 0x9000, set=0x1)"), "AT_EMPTY_PATH|AT_RECURSIVE: submounts too");
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
        // runc's --no-pivot: the new root moved over / first, so that a nested chroot cannot be escaped
        assertEquals("mount(\".\", \"/\", null, MS_MOVE, null)", fake.calls.get(chroot - 1));
        assertEquals("chdir(\"/proc/self/fd/" + ROOT_FD + "\")", fake.calls.get(chroot - 3));
        assertEquals(List.of("setgroups([5, 27])", "setresgid(100)", "setresuid(1000)"), fake.named("setgroups", "setresgid", "setresuid"));
        int uid = fake.calls.indexOf("setresuid(1000)");
        assertEquals(List.of("prctl(8, 1)", "setresgid(100)", "setresuid(1000)", "prctl(8, 0)", "capset(eff=0x800405fb)"),
                fake.calls.subList(uid - 2, uid + 3), "the permitted set survives the switch from root (PR_SET_KEEPCAPS)");
    }

    @Test
    void rehearsalTouchesNothing() throws Exception {
        try (ChildProgram p = compile(new TestSpecs(rootfs).plan(0, 0))) {
            ChildExecutor.rehearse(p, 3); // would fail loudly (or mount things) if it reached the kernel
        }
        assertTrue(Files.exists(rootfs.resolve("bin")));
    }

    /** Before Linux 5.6 there is no openat2: paths resolved by jrun, as host paths, and the plan says so. */
    @Test
    void withoutOpenat2TheProgramUsesResolvedHostPaths() throws Exception {
        TestSpecs t = new TestSpecs(rootfs);
        t.init = false;
        t.security = new dev.jrun.spec.Spec.Security(new dev.jrun.spec.Spec.Seccomp(dev.jrun.spec.Spec.SeccompKind.UNCONFINED, null, null),
                null, null, null);
        Plan plan = dev.jrun.plan.Planner.compile(t.spec(), x -> TestSpecs.AT, new dev.jrun.host.HostInfo(1000, 1000, null, 40, "5.4.0", "none"));
        RecordingSyscalls fake = run(plan, new RecordingSyscalls());
        assertTrue(fake.named("openat2").isEmpty(), fake.calls.toString());
        String root = tmp.resolve("private/root").toString();
        assertTrue(fake.calls.contains("mount(\"proc\", \"" + root + "/proc\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, null)"));
        assertTrue(fake.named("seccomp").isEmpty(), "unconfined");
        assertTrue(fake.named("mount_setattr").isEmpty(), "5.4 has no mount_setattr: a plain remount");
        assertTrue(fake.calls.contains("statfs(\"/proc/sys\")"));
    }

    @Test
    void theInitOverwritesItsCommandLine() throws Exception {
        Plan plan = new TestSpecs(rootfs).plan(0, 0);
        try (var scratch = new com.sun.jna.Memory(64);
             ChildProgram p = ProgramBuilder.build(plan, new ProgramBuilder.Setup(SYNC, STATUS, -1, tmp.resolve("private"), null,
                     x -> 0, com.sun.jna.Pointer.nativeValue(scratch), 64, null, -1, -1, -1, -1))) {
            RecordingSyscalls fake = new RecordingSyscalls();
            fake.cloneResult = 42; // the init's side
            fake.waits.add(new int[] {42, Linux.CLD_EXITED, 0});
            fake.signals.add(Linux.SIGCHLD);
            ChildExecutor.run(fake, p);
            assertEquals("jrun-init (64 bytes)", fake.overwritten);
        }
    }

    @Test
    void aDetachedProgramChecksTheExecutableAsExecvpWouldAndWritesToItsLog() throws Exception {
        Plan plan = new TestSpecs(rootfs).args("/bin/sh").plan(0, 0, new PlanOptions(true, "/usr/bin/tini-static"));
        RecordingSyscalls fake = new RecordingSyscalls();
        fake.fail("faccessat(\"/bin/sh\"", Errno.ENOENT);
        try (ChildProgram p = ProgramBuilder.build(plan, new ProgramBuilder.Setup(SYNC, STATUS, -1, tmp.resolve("private"), null,
                path -> MS_NOSUID, 0, 0, null, 20, 21, -1, -1))) {
            ChildExecutor.run(fake, p);
        }
        List<String> calls = fake.calls;
        assertTrue(calls.contains("faccessat(\"/bin/sh\", 1)"), "no faccessat of /bin/sh");
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("execve")), "a missing program fails before the init runs");
        assertTrue(calls.contains("close_range(22, ~0, 0)") || calls.stream().noneMatch(c -> c.startsWith("close_range(20")),
                "the log and /dev/null survive the closing of inherited fds");

        RecordingSyscalls ok = new RecordingSyscalls().fail("open(\"/bin/sh\"", Errno.ENOTDIR); // a file, not a directory
        try (ChildProgram p = ProgramBuilder.build(plan, new ProgramBuilder.Setup(SYNC, STATUS, -1, tmp.resolve("private"), null,
                path -> MS_NOSUID, 0, 0, null, 20, 21, -1, -1))) {
            ChildExecutor.run(ok, p);
        }
        int check = ok.calls.indexOf("faccessat(\"/bin/sh\", 1)");
        int exec = indexOfPrefix(ok.calls, "execve(\"/dev/init\"");
        assertTrue(check >= 0 && exec > check, "check at " + check + ", exec at " + exec);
        assertEquals(List.of("dup3(20, 0)", "dup3(21, 1)", "dup3(21, 2)"),
                ok.calls.subList(exec - 4, exec - 1), "stdin /dev/null, stdout and stderr the log, then close-on-exec");
    }

    private static int indexOfPrefix(List<String> calls, String prefix) {
        for (int i = 0; i < calls.size(); i++) if (calls.get(i).startsWith(prefix)) return i;
        return -1;
    }
}
