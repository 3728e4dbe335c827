package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.runner.Jrun.Mode;
import dev.jrun.runner.Jrun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Detached containers, root and rootless, through the real CLI: each test has a state folder of
 * its own (JRUN_STATE_DIR), hence a service of its own, which must be gone, like every container,
 * mount and private dir, when the test ends.
 */
@Tag("container")
class DetachedTest {
    private Path dir;
    private Mode mode;
    private Map<String, String> env;
    private Set<String> mountsBefore;

    private void setUp(Mode m) throws Exception {
        mode = m;
        dir = Jrun.workdir();
        env = Map.of("JRUN_STATE_DIR", dir.resolve("state").toString(), "JRUN_TEST_MARKER", "jrun-dt-" + UUID.randomUUID());
        mountsBefore = Jrun.hostMounts();
    }

    private Result jrun(String... args) throws Exception {
        return Jrun.cli(mode, dir, env, args);
    }

    private Path spec(String name, String extra, String... args) throws Exception {
        StringBuilder b = new StringBuilder("version: 1\nname: " + name + "\nhostname: " + name + "-host\n");
        b.append("rootfs:\n  path: ").append(Jrun.rootfs()).append('\n').append(extra);
        b.append("process:\n  args: [");
        for (int i = 0; i < args.length; i++) b.append(i > 0 ? ", " : "").append(Jrun.yamlString(args[i]));
        b.append("]\n");
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, b.toString());
        return f;
    }

    private static int number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Integer.parseInt(m.group(1));
    }

    private static Map<String, String> namespaces(String pid) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", pid, "ns"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.endsWith("_for_children")) out.put(n, Files.readSymbolicLink(p).toString());
            }
        }
        return out;
    }

    /** The containers' inits and the service are gone, and so is everything else a run leaves. */
    @AfterEach
    void nothingIsLeft() throws Exception {
        if (dir == null) return;
        List<String> problems = new ArrayList<>();
        Path state = dir.resolve("state");
        if (Files.isDirectory(state)) {
            try (Stream<Path> s = Files.list(state)) {
                for (Path c : (Iterable<Path>) s::iterator) {
                    if (!Files.isRegularFile(c.resolve("state.json"))) continue;
                    problems.add("state folder " + c.getFileName() + " left");
                    String json = Files.readString(c.resolve("state.json"));
                    int pid = number(json, "pid");
                    if (pid > 0 && Files.exists(Path.of("/proc/" + pid))) Jrun.sh(List.of("kill", "-9", Integer.toString(pid)));
                }
            }
        }
        List<Long> service = Jrun.awaitGone(env.get("JRUN_TEST_MARKER"), 10_000);
        if (!service.isEmpty()) {
            problems.add("the service (" + service + ") did not exit on its own");
            Jrun.kill(service);
        }
        if (Files.exists(state.resolve("service.sock"))) problems.add("the service's socket is left");
        if (!Jrun.privateDirs(dir).isEmpty()) problems.add("private dirs left: " + Jrun.privateDirs(dir));
        Set<String> mounts = Jrun.hostMounts();
        mounts.removeAll(mountsBefore);
        if (!mounts.isEmpty()) problems.add("mounts left: " + mounts);
        Jrun.deleteTree(dir);
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aDetachedContainerRunsIsJoinedByExecAndIsRemoved(Mode m) throws Exception {
        setUp(m);
        Path spec = spec("life", "", "/bin/sleep", "1000");
        Result run = jrun("run", "-d", spec.toString());
        assertEquals(0, run.exit(), run.toString());
        assertEquals("life\n", run.out());

        Result ps = jrun("ps");
        assertTrue(ps.out().lines().anyMatch(l -> l.startsWith("life ") && l.contains(" running ")), ps.toString());
        Result host = jrun("exec", "life", "--", "hostname");
        assertEquals(0, host.exit(), host.toString());
        assertEquals("life-host\n", host.out());

        int pid = number(jrun("state", "life").out(), "pid");
        Result ns = jrun("exec", "life", "--", "/bin/sh", "-c",
                "for f in /proc/self/ns/*; do case $f in *_for_children) ;; *) echo ${f##*/} $(readlink $f) ;; esac; done");
        Map<String, String> joined = new TreeMap<>();
        ns.out().lines().forEach(l -> joined.put(l.split(" ")[0], l.split(" ")[1]));
        assertEquals(namespaces(Integer.toString(pid)), joined, "exec's namespaces are the container's");
        assertNotEquals(namespaces("self").get("mnt"), joined.get("mnt"));
        Result shown = jrun("ns", "life", "--json");
        assertEquals(0, shown.exit(), shown.toString());
        Map<String, String> listed = new TreeMap<>();
        Matcher e = Pattern.compile("\"type\": \"(\\w+)\",\\s*\"path\": \"[^\"]*\",\\s*\"target\": \"([^\"]+)\"").matcher(shown.out());
        while (e.find()) listed.put(e.group(1), e.group(2));
        assertEquals(namespaces(Integer.toString(pid)), listed, "jrun ns shows readlink /proc/PID/ns/* of the container");

        assertEquals(0, jrun("kill", "life", "TERM").exit());
        Result waited = jrun("wait", "life");
        assertEquals("143\n", waited.out(), waited.toString());
        assertEquals(143, waited.exit());
        assertTrue(jrun("ps", "-a").out().contains("stopped (143)"));
        Result rm = jrun("rm", "life");
        assertEquals(0, rm.exit(), rm.toString());
        assertFalse(Files.exists(dir.resolve("state/life")));
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the init is gone");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aSigkilledServiceLeavesItsContainersRunningAndManageable(Mode m) throws Exception {
        setUp(m);
        assertEquals(0, jrun("run", "-d", spec("one", "", "/bin/sleep", "1000").toString()).exit());
        assertEquals(0, jrun("run", "-d", spec("two", "", "/bin/sleep", "1000").toString()).exit());
        String state = jrun("state", "one").out();
        int service = number(state, "supervisorPid");
        assertEquals(0, Jrun.sh(List.of("kill", "-9", Integer.toString(service))));
        while (Files.exists(Path.of("/proc/" + service))) Thread.sleep(20);

        Result ps = jrun("ps");
        assertEquals(2, ps.out().lines().filter(l -> l.contains(" running ")).count(), ps.toString());
        assertEquals("one-host\n", jrun("exec", "one", "--", "hostname").out());
        Result stop = jrun("stop", "-t", "2", "one");
        assertEquals(0, stop.exit(), stop.toString());
        Result waited = jrun("wait", "one");
        assertEquals(125, waited.exit(), waited.toString());
        assertTrue(waited.err().contains("exit status is unknown"), waited.toString());
        assertTrue(jrun("ps", "-a").out().contains("unknown"));
        assertEquals(0, jrun("rm", "one").exit());
        Result rm = jrun("rm", "-f", "two");
        assertEquals(0, rm.exit(), rm.toString());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void fiftyDetachedContainersStartedAndRemovedLeaveNothing(Mode m) throws Exception {
        setUp(m);
        Path spec = spec("many", "", "/bin/sleep", "1000");
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<Result>> started = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String name = "c" + round + "-" + i;
                    names.add(name);
                    started.add(pool.submit(() -> jrun("run", "-d", "--name", name, spec.toString())));
                }
                for (Future<Result> f : started) assertEquals(0, f.get().exit(), f.get().toString());
                assertEquals(10, jrun("ps").out().lines().filter(l -> l.contains(" running ")).count());
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(names);
                Result r = jrun(rm.toArray(new String[0]));
                assertEquals(0, r.exit(), r.toString());
                assertEquals(1, jrun("ps", "-a").out().lines().count(), "only the header");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void badRequestsAreOneLineErrors(Mode m) throws Exception {
        setUp(m);
        Path spec = spec("bad", "", "/bin/sleep", "1000");
        assertEquals(0, jrun("run", "-d", spec.toString()).exit());
        Result clash = jrun("run", "-d", spec.toString());
        assertEquals(125, clash.exit());
        assertTrue(clash.err().contains("a container named bad exists (running)") && clash.err().contains("jrun rm -f bad"), clash.toString());

        Result noCmd = jrun("exec", "bad");
        assertEquals(125, noCmd.exit());
        assertTrue(noCmd.err().contains("name the command to run in bad"), noCmd.toString());
        Result user = jrun("exec", "-u", "4242", "bad", "--", "id");
        assertEquals(125, user.exit());
        assertTrue(user.err().contains("user 4242 is not mapped"), user.toString());
        Result none = jrun("exec", "nosuch", "--", "true");
        assertEquals(125, none.exit());
        assertTrue(none.err().contains("there is no container named nosuch"), none.toString());
        Result missing = jrun("exec", "bad", "--", "/no/such/program");
        assertEquals(125, missing.exit());
        assertTrue(missing.err().contains("/no/such/program") && missing.err().contains("ENOENT"), missing.toString());

        Result running = jrun("rm", "bad");
        assertEquals(125, running.exit());
        assertTrue(running.err().contains("is running: 'jrun stop bad' first, or rm -f"), running.toString());
        assertEquals(0, jrun("stop", "-t", "0", "bad").exit());
        Result stopped = jrun("exec", "bad", "--", "true");
        assertEquals(125, stopped.exit());
        assertTrue(stopped.err().contains("container bad is not running (stopped"), stopped.toString());
        assertEquals(0, jrun("rm", "bad").exit());

        // A program that is not there: jrun's own error, before the init would have run it; no folder stays.
        Result noProgram = jrun("run", "-d", spec("gone", "", "/bin/not-here").toString());
        assertEquals(125, noProgram.exit());
        assertTrue(noProgram.err().contains("/bin/not-here") && noProgram.err().contains("ENOENT"), noProgram.toString());
        assertFalse(Files.exists(dir.resolve("state/gone")));
        Result dirProgram = jrun("run", "-d", spec("adir", "", "/etc").toString());
        assertEquals(125, dirProgram.exit());
        assertTrue(dirProgram.err().contains("EACCES"), dirProgram.toString());

        if (m == Mode.ROOTLESS) {
            // A state folder nobody may make: the reason and the fix, not just the path.
            Path blocked = dir.resolve("root-only");
            Files.createDirectory(blocked, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
            Result unwritable = Jrun.cli(mode, dir, Map.of("JRUN_STATE_DIR", blocked.resolve("state").toString()), "ps");
            assertEquals(125, unwritable.exit(), unwritable.toString());
            assertEquals("jrun ps: the state folder " + blocked.resolve("state") + ": permission denied"
                    + " (set JRUN_STATE_DIR or XDG_RUNTIME_DIR to a directory of yours)\n", unwritable.err());
        }
    }

    /**
     * The articles' persist-and-join: a container's net namespace, kept by a bind mount after the
     * container is gone, joined by a second spec, which sees the address the first one gave its
     * loopback. Root only: bind mounts of ns files and setns from jrun's own user namespace need it
     * (rootless gets the planner's error, tested below).
     */
    @Test
    void aPersistedNetNamespaceOutlivesItsContainerAndASpecJoinsIt() throws Exception {
        setUp(Mode.ROOT);
        Path first = spec("keeper", "", "/bin/sh", "-c", "ip addr add 10.1.2.3/32 dev lo && exec sleep 1000");
        Files.writeString(first, Files.readString(first) + "  capabilities: {add: [NET_ADMIN]}\n");
        assertEquals(0, jrun("run", "-d", first.toString()).exit());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!jrun("exec", "keeper", "--", "ip", "-4", "addr", "show", "lo").out().contains("10.1.2.3")) {
            assertTrue(System.nanoTime() < deadline, "the first container set its address");
            Thread.sleep(50);
        }
        int pid = number(jrun("state", "keeper").out(), "pid");
        String net = namespaces(Integer.toString(pid)).get("net");
        Path keep = dir.resolve("keep");
        try {
            Result persist = jrun("ns", "persist", "keeper", keep.toString());
            assertEquals(0, persist.exit(), persist.toString());
            assertEquals(0, jrun("rm", "-f", "keeper").exit());
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "the first container is gone");

            Path second = spec("joiner", "namespaces: [user, mount, uts, ipc, pid, cgroup, {type: net, path: " + keep.resolve("net") + "}]\n",
                    "/bin/sh", "-c", "ip -4 addr show lo; readlink /proc/self/ns/net");
            Result lint = jrun("lint", second.toString());
            assertEquals(0, lint.exit(), lint.toString());
            Result joined = jrun(second.toString());
            assertEquals(0, joined.exit(), joined.toString());
            assertTrue(joined.out().contains("inet 10.1.2.3/32"), "the first one's address is there: " + joined);
            assertTrue(joined.out().endsWith(net + "\n"), "the same namespace (" + net + "): " + joined);
        } finally {
            Result release = jrun("ns", "release", keep.toString());
            assertEquals(0, release.exit(), release.toString());
        }
        assertFalse(Files.exists(keep), "release removes the folder");
        Result gone = jrun(dir.resolve("joiner.yaml").toString());
        assertEquals(125, gone.exit(), gone.toString());
        assertTrue(gone.err().contains(keep.resolve("net") + ": ENOENT") && gone.err().contains("jrun ns release"), gone.toString());
        Result lintGone = jrun("lint", dir.resolve("joiner.yaml").toString());
        assertTrue(lintGone.out().contains("namespace file " + keep.resolve("net") + " does not exist"), lintGone.toString());
    }

    @Test
    void rootlessJoinsAreRefusedBeforeAnythingStarts() throws Exception {
        setUp(Mode.ROOTLESS);
        assertEquals(0, jrun("run", "-d", spec("target", "", "/bin/sleep", "1000").toString()).exit());
        int pid = number(jrun("state", "target").out(), "pid");
        Path joiner = spec("joiner", "namespaces: [user, mount, uts, pid, {type: net, path: /proc/" + pid + "/ns/net}]\n", "/bin/true");
        Result lint = jrun("lint", joiner.toString());
        assertEquals(0, lint.exit(), "the file is a net namespace: " + lint);
        Result r = jrun(joiner.toString());
        assertEquals(125, r.exit(), r.toString());
        assertTrue(r.err().contains("joining an existing namespace needs root") && r.err().lines().count() == 1, r.toString());
        assertEquals(0, jrun("rm", "-f", "target").exit());
    }

    /**
     * The articles' second NIC, as root in a network namespace this test made (`ip netns add`), so
     * the bridge, the veth and the 10.77.0.x address exist only there: connect adds eth0 (the
     * container had only lo) with a leased address, disconnect takes it away, and the container's
     * end takes a connected one away too; network rm refuses a bridge in use, then removes it.
     */
    @Test
    void networkConnectAddsAnInterfaceThatGoesWithTheContainer() throws Exception {
        setUp(Mode.ROOT);
        try (TestNetns ns = TestNetns.create("jrun-dt-")) {
            List<String> in = ns.in;
            try {
                Path spec = spec("nic", "", "/bin/sleep", "1000");
                assertEquals(0, Jrun.cli(in, mode, dir, env, "run", "-d", spec.toString()).exit());
                Path leases = ns.leaseFolder();
                Result c = Jrun.cli(in, mode, dir, env, "network", "connect", "nic", "--bridge", "jrt0", "--subnet", "10.77.0.0/24");
                assertEquals(0, c.exit(), c.toString());
                assertEquals("eth0 10.77.0.2/24\n", c.out());
                Result addr = Jrun.cli(in, mode, dir, env, "exec", "nic", "--", "ip", "-4", "addr", "show", "eth0");
                assertTrue(addr.out().contains("inet 10.77.0.2/24") && addr.out().contains("UP"), addr.toString());
                assertEquals(2, ns.links().size(), "the bridge and the veth's host end: " + ns.links());

                Result d = Jrun.cli(in, mode, dir, env, "network", "disconnect", "nic", "--bridge", "jrt0");
                assertEquals(0, d.exit(), d.toString());
                Result none = Jrun.cli(in, mode, dir, env, "exec", "nic", "--", "cat", "/proc/net/dev");
                assertFalse(none.out().contains("eth0"), none.toString());
                assertEquals(List.of("jrt0"), ns.links());

                assertEquals(0, Jrun.cli(in, mode, dir, env, "network", "connect", "nic", "--bridge", "jrt0", "--subnet", "10.77.0.0/24").exit());
                Result busy = Jrun.cli(in, mode, dir, env, "network", "rm", "jrt0");
                assertEquals(1, busy.exit(), busy.toString());
                assertTrue(busy.err().contains("in use by 1 running container"), busy.toString());
                assertEquals(0, Jrun.cli(in, mode, dir, env, "rm", "-f", "nic").exit());
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (ns.links().size() > 1 && System.nanoTime() < deadline) Thread.sleep(50);
                assertEquals(List.of("jrt0"), ns.links(), "the container's end removed its veth");
                assertFalse(Files.exists(leases.resolve("jrt0.leases")) && !Files.readString(leases.resolve("jrt0.leases")).isBlank(),
                        "the lease is released");
                Result rm = Jrun.cli(in, mode, dir, env, "network", "rm", "jrt0");
                assertEquals(0, rm.exit(), rm.toString());
                assertEquals(List.of(), ns.links());
            } finally {
                Jrun.cli(in, mode, dir, env, "rm", "-f", "nic");
            }
        }
    }

    /**
     * A bridge container's address stays its own after its service was SIGKILLed: the lease is
     * held by the container's init, not by the service, so a run pinning that address is refused
     * until the container is gone. In a network namespace the test made.
     */
    @Test
    void aDetachedBridgeContainersLeaseOutlivesAKilledService() throws Exception {
        setUp(Mode.ROOT);
        String net = "network: {mode: bridge, bridge: jrt0, subnet: 10.78.0.0/24, nat: false}\n";
        try (TestNetns ns = TestNetns.create("jrun-dt-")) {
            List<String> in = ns.in;
            try {
                assertEquals(0, Jrun.cli(in, mode, dir, env, "run", "-d", spec("leased", net, "/bin/sleep", "1000").toString()).exit());
                int service = number(Jrun.cli(in, mode, dir, env, "state", "leased").out(), "supervisorPid");
                assertEquals(0, Jrun.sh(List.of("kill", "-9", Integer.toString(service))));
                while (Files.exists(Path.of("/proc/" + service))) Thread.sleep(20);
                Result addr = Jrun.cli(in, mode, dir, env, "exec", "leased", "--", "ip", "-4", "addr", "show", "eth0");
                assertTrue(addr.out().contains("inet 10.78.0.2/24"), addr.toString());

                Path pinned = spec("pinned", "network: {mode: bridge, bridge: jrt0, subnet: 10.78.0.0/24, nat: false, address: 10.78.0.2}\n",
                        "/bin/true");
                Result refused = Jrun.cli(in, mode, dir, env, pinned.toString());
                assertEquals(125, refused.exit(), refused.toString());
                int init = number(Jrun.cli(in, mode, dir, env, "state", "leased").out(), "pid");
                assertTrue(refused.err().contains("address 10.78.0.2 on bridge jrt0 is leased to the jrun with pid " + init), refused.toString());

                assertEquals(0, Jrun.cli(in, mode, dir, env, "rm", "-f", "leased").exit());
                Result after = Jrun.cli(in, mode, dir, env, pinned.toString());
                assertEquals(0, after.exit(), "the init is gone, its lease reclaimed: " + after);
            } finally {
                Jrun.cli(in, mode, dir, env, "rm", "-f", "leased");
            }
        }
    }
}
