package dev.jrun.runner.supervise;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.plan.Plan;
import dev.jrun.runner.RunnerException;
import dev.jrun.runner.TestSpecs;
import dev.jrun.runner.child.FaultInjection;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.Errno;
import dev.jrun.sys.FakeHost;
import dev.jrun.sys.Linux;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervising side without root or a kernel: a scripted {@link FakeHost} plays the children
 * and a fake clock the time, so retries, the timeout budget, both watchdogs, signal forwarding and
 * cleanup on every path are checked call by call. After every test: every fd handed out closed,
 * every child reaped, no private dir left.
 */
class SupervisorTest {
    static final long STALL_MS = 2000;

    @TempDir Path tmp;
    Path temp;
    FakeHost host;
    RunnerStats stats;
    SignalForwarder forwarder;
    TestSpecs spec;

    @BeforeEach
    void setUp() throws Exception {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        for (String d : List.of("bin", "etc", "proc", "sys", "dev", "tmp")) Files.createDirectories(rootfs.resolve(d));
        temp = Files.createDirectories(tmp.resolve("temp"));
        host = new FakeHost();
        stats = new RunnerStats();
        forwarder = new SignalForwarder(host);
        spec = new TestSpecs(rootfs);
    }

    @AfterEach
    void nothingLeft() throws Exception {
        assertEquals(List.of(), List.copyOf(host.openFds), "fds left open: " + host.calls);
        try (Stream<Path> s = Files.list(temp)) {
            assertEquals(List.of(), s.toList(), "a private dir was left");
        }
        assertTrue(forwarder.active().isEmpty(), "a container is still registered for signals");
    }

    Supervisor supervisor(FaultInjection faults) {
        return new Supervisor(host, host.clock, STALL_MS, temp, stats, forwarder, faults, p -> { }, Supervisor.Debug.NONE);
    }

    int run(Plan plan) throws RunnerException {
        return supervisor(FaultInjection.NONE).run(plan);
    }

    Plan noInit() throws Exception {
        spec.init = false;
        return spec.plan(1000, 1000);
    }

    @Test
    void aChildThatExecsIsWaitedForAndItsStatusReturned() throws Exception {
        FakeHost.Child c = host.child().exits(42);
        assertEquals(42, run(noInit()));
        assertTrue(c.reaped());
        assertFalse(c.killed());
        // the parent's side of the protocol, in order: pipes, clone, child ends closed, id maps, GO
        List<String> calls = host.calls;
        int clone = calls.indexOf(host.named("clone(").get(0));
        assertEquals(List.of("close(100)", "close(103)"), calls.subList(clone + 1, clone + 3), "the child's ends");
        assertEquals("writeFile(/proc/" + c.pid() + "/setgroups, deny)", calls.get(clone + 3));
        assertEquals("writeFile(/proc/" + c.pid() + "/uid_map, 0 1000 1\\n)", calls.get(clone + 4));
        assertEquals("writeFile(/proc/" + c.pid() + "/gid_map, 0 1000 1\\n)", calls.get(clone + 5));
        assertEquals("write(101, 1)", calls.get(clone + 6), "SYNC_GO");
        assertEquals(1, stats.snapshot().runs());
    }

    @Test
    void aSignalDeathIs128PlusTheSignal() throws Exception {
        host.child().killedBy(Linux.SIGTERM);
        assertEquals(143, run(noInit()));
    }

    @Test
    void aChildStuckInFutexIsKilledAndRetriedAtOnce() throws Exception {
        FakeHost.Child stuck = host.child().stuckInFutex();
        FakeHost.Child ok = host.child().exits(5);
        long t0 = host.clock.now;
        assertEquals(5, run(noInit()));
        assertTrue(stuck.killed() && stuck.reaped(), "the stuck copy is killed and reaped");
        assertTrue(ok.reaped());
        assertEquals(2, host.named("clone(").size());
        assertTrue(host.clock.now - t0 < 100_000_000L, "found at the first look, not after the stall timeout");
        assertEquals(List.of(2L), host.clock.sleeps, "a short backoff before the retry");
        assertEquals(1, stats.snapshot().stallsRecovered());
    }

    @Test
    void threeTimeoutsAreOneFailureAfterThreeStallTimeouts() throws Exception {
        for (int i = 0; i < 3; i++) host.child().noProgress();
        long t0 = host.clock.now;
        RunnerException e = assertThrows(RunnerException.class, () -> run(noInit()));
        assertEquals("the container's setup stalled before exec 3 times (3 of them timed out after 2000 ms)"
                + " \u2014 hint: raise JRUN_STALL_TIMEOUT_MS if the setup is legitimately slow", e.getMessage().replaceFirst("^[^ ]+: ", ""));
        assertEquals(3, host.named("clone(").size(), "no fourth attempt after three timeouts");
        assertEquals(3, host.named("kill(").size());
        long waited = (host.clock.now - t0) / 1_000_000L;
        assertTrue(waited >= 3 * STALL_MS && waited < 3 * STALL_MS + 500, "waited " + waited + " ms");
        assertEquals(1, stats.snapshot().stallsUnrecovered());
    }

    @Test
    void stuckChildrenGetTenAttemptsInAll() throws Exception {
        for (int i = 0; i < 12; i++) host.child().stuckInFutex();
        RunnerException e = assertThrows(RunnerException.class, () -> run(noInit()));
        assertTrue(e.getMessage().contains("stalled before exec 10 times (0 of them timed out"), e.getMessage());
        assertNull(e.hint, "no timeout, so no hint to raise it");
        assertEquals(10, host.named("clone(").size());
    }

    @Test
    void injectedStallsAreUsedUpBeforeExecByTheAttemptThatMeetsThem() throws Exception {
        host.child().noProgress();
        host.child().exits(0);
        assertEquals(0, supervisor(FaultInjection.stall(FaultInjection.Where.BEFORE_EXEC, 1)).run(noInit()));
        assertEquals(1, stats.snapshot().stallsRecovered());
    }

    @Test
    void anInitWhoseProcessStaysAZombieIsKilledAndTheStatusRecovered() throws Exception {
        FakeHost.Child init = host.child().initStuckWithZombie(42);
        long t0 = host.clock.now;
        assertEquals(42, run(spec.plan(1000, 1000)), "the status read from the zombie's /proc/PID/stat");
        assertTrue(init.killed() && init.reaped());
        long waited = (host.clock.now - t0) / 1_000_000L;
        assertTrue(waited > InitWatchdog.STUCK_AFTER_NS / 1_000_000L && waited < 3000, "gave up after " + waited + " ms");
        assertEquals(1, stats.snapshot().initHangsRecovered());
        assertTrue(host.calls.contains("kill(" + init.pid() + ", 9)"));
    }

    @Test
    void anInitThatExitsIsNotMistakenForAStuckOne() throws Exception {
        FakeHost.Child init = host.child().initExits(3);
        assertEquals(3, run(spec.plan(1000, 1000)));
        assertFalse(init.killed());
        assertEquals(0, stats.snapshot().initHangsRecovered());
    }

    @Test
    void aBlockedInitWithoutItsProcessFailsTheRunInsteadOfWaitingForever() throws Exception {
        FakeHost.Child init = host.child().initStuckWithoutProcess();
        RunnerException e = assertThrows(RunnerException.class, () -> run(spec.plan(1000, 1000)));
        assertTrue(e.getMessage().contains("the process's exit status is lost"), e.getMessage());
        assertTrue(init.killed() && init.reaped());
        assertEquals(1, stats.snapshot().stallsUnrecovered());
    }

    @Test
    void anExecFailureNamesTheStepAndReapsTheChild() throws Exception {
        Plan plan = noInit();
        int chdirOp = opOf(plan, "chdir /");
        FakeHost.Child c = host.child().execFails(chdirOp, Errno.ENOENT);
        RunnerException e = assertThrows(RunnerException.class, () -> run(plan));
        assertEquals(Errno.ENOENT, e.errno);
        assertTrue(e.getMessage().matches("test\\.yaml:1:1: step \\d+ chdir /: ENOENT \\(No such file or directory\\).*"), e.getMessage());
        assertTrue(c.reaped());
        assertFalse(c.killed(), "it exited by itself (125)");
    }

    /** The index of the op described as {@code what} in the program the supervisor will build for {@code plan}. */
    private int opOf(Plan plan, String what) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("probe"));
        try (var p = dev.jrun.runner.child.ProgramBuilder.build(plan,
                new dev.jrun.runner.child.ProgramBuilder.Setup(100, 103, -1, dir, null, x -> 0))) {
            for (int i = p.size() - 1; i >= 0; i--) if (p.describe(i).equals(what)) return i;
        } finally {
            dev.jrun.runner.supervise.PrivateDir.deleteTree(dir);
        }
        throw new AssertionError("no op " + what);
    }

    @Test
    void aFailedIdMapKillsAndReapsTheChildAndClosesEverything() throws Exception {
        host.failWriteFile = "uid_map";
        FakeHost.Child c = host.child().exits(0);
        RunnerException e = assertThrows(RunnerException.class, () -> run(noInit()));
        assertTrue(e.getMessage().contains("write /proc/PID/uid_map: EPERM"), e.getMessage());
        assertTrue(c.killed() && c.reaped(), "nothing may outlive a failed run");
        assertTrue(host.named("write(").isEmpty(), "no SYNC_GO: the child sees EOF, SYNC_ABORT");
    }

    @Test
    void aFailedCloneClosesThePipesAndKillsNothing() throws Exception {
        host.failNextClone = Errno.EPERM;
        spec.namespaces(Namespace.MOUNT, Namespace.PID);
        RunnerException e = assertThrows(RunnerException.class, () -> run(spec.plan(1000, 1000)));
        assertTrue(e.getMessage().contains("clone with namespaces mount, pid: EPERM (Operation not permitted) \u2014 hint: without a user namespace"),
                e.getMessage());
        assertTrue(host.named("kill(").isEmpty());
    }

    @Test
    void aFailedSecondPipeClosesTheFirst() throws Exception {
        host.child().exits(0);
        host.failPipeNumber = 2;
        Supervisor s = supervisor(FaultInjection.NONE);
        RunnerException e = assertThrows(RunnerException.class, () -> s.run(noInit()));
        assertTrue(e.getMessage().contains("pipe2: EMFILE"), e.getMessage());
        assertTrue(host.named("clone(").isEmpty());
    }

    @Test
    void signalsGoToTheInitAndPastItWhenItIsBlocked() {
        FakeHost.Child running = host.child().initExits(0);
        FakeHost.Child blocked = host.child().initStuckWithZombie(0);
        int a = (int) host.clone(0);
        int b = (int) host.clone(0);
        forwarder.add(a, true);
        forwarder.add(b, true);
        forwarder.forward(Linux.SIGTERM);
        assertTrue(host.calls.contains("kill(" + a + ", 15)"), "to the init, which passes it on");
        assertFalse(host.calls.contains("kill(" + (a + 1) + ", 15)"), "not past a live init");
        assertTrue(host.calls.contains("kill(" + b + ", 15)"));
        assertTrue(host.calls.contains("kill(" + (b + 1) + ", 15)"), "straight to the process past a blocked init");
        forwarder.remove(a);
        forwarder.remove(b);
        assertFalse(running.killed() || blocked.killed());
    }

    @Test
    void signalsGoStraightToAProcessWithoutInit() {
        host.child().stuckInFutex(); // even in futex: without an init there is no one else to send it to
        int pid = (int) host.clone(0);
        forwarder.add(pid, false);
        forwarder.forward(Linux.SIGINT);
        assertEquals(List.of("kill(" + pid + ", 2)"), host.named("kill("));
        forwarder.remove(pid);
    }

    @Test
    void aRunRegistersItsContainerForSignalsOnlyWhileItRuns() throws Exception {
        host.child().exits(0);
        run(noInit());
        assertTrue(forwarder.active().isEmpty());
    }

    @Test
    void rlimitsAndOomScoreAreSetOnTheChildBeforeSyncGo() throws Exception {
        spec.init = false;
        Plan plan = dev.jrun.plan.Planner.compile(withProcess(List.of(new dev.jrun.spec.Spec.Rlimit("nofile", 1024, 2048, TestSpecs.AT)), 300),
                x -> TestSpecs.AT, new dev.jrun.host.HostInfo(1000, 1000, null));
        FakeHost.Child c = host.child().exits(0);
        assertEquals(0, supervisor(FaultInjection.NONE).run(plan));
        int go = host.calls.indexOf("write(101, 1)");
        assertTrue(host.calls.indexOf("prlimit(" + c.pid() + ", 7, 1024, 2048)") < go, host.calls.toString());
        assertTrue(host.calls.indexOf("writeFile(/proc/" + c.pid() + "/oom_score_adj, 300)") < go, host.calls.toString());
    }

    @Test
    void aHardLimitAboveTheHostsNamesItInTheError() throws Exception {
        spec.init = false;
        Plan plan = dev.jrun.plan.Planner.compile(withProcess(List.of(new dev.jrun.spec.Spec.Rlimit("nofile", 8192, 1048577, TestSpecs.AT)), null),
                x -> TestSpecs.AT, new dev.jrun.host.HostInfo(1000, 1000, null));
        FakeHost.Child c = host.child().exits(0);
        RunnerException e = assertThrows(RunnerException.class, () -> supervisor(FaultInjection.NONE).run(plan));
        assertTrue(e.getMessage().contains("prlimit nofile 8192/1048577: EPERM (Operation not permitted) \u2014 hint: this host's hard limit"
                + " for nofile is 4096 for jrun's user (ulimit -Hn)"), e.getMessage());
        assertTrue(c.killed() && c.reaped());
    }

    private dev.jrun.spec.Spec withProcess(List<dev.jrun.spec.Spec.Rlimit> limits, Integer oom) {
        dev.jrun.spec.Spec s = spec.spec();
        dev.jrun.spec.Spec.ProcessSpec p = s.process();
        dev.jrun.spec.Spec.ProcessSpec q = new dev.jrun.spec.Spec.ProcessSpec(p.args(), p.env(), p.cwd(), p.user(), p.terminal(),
                false, p.capabilities(), true, limits, null, oom, p.at());
        return new dev.jrun.spec.Spec(s.file(), 1, s.name(), s.rootfs(), s.hostname(), null, s.namespaces(), s.idMappings(),
                s.defaultMounts(), s.mounts(), s.files(), s.volumes(), q, s.network(), s.security(), s.devices(), s.at());
    }
}
