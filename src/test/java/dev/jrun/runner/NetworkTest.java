package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jrun.runner.Jrun.Launch;
import dev.jrun.runner.Jrun.Mode;
import dev.jrun.runner.Jrun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The network modes through the real CLI. Every test runs jrun inside a network namespace it made
 * itself ({@code ip netns add}), so the bridge, the veths, the 10.x addresses, the proxies and
 * the nft table exist only there and vanish with it; traffic goes only to that namespace's
 * loopback or to addresses inside it (and, for slirp, to a peer namespace the test made too).
 * After each test nothing jrun made may be left in it: no link but lo (and the test's own), no
 * lease folder, no listening socket, no nft table, no private dir, mount or process.
 */
@Tag("container")
class NetworkTest {
    private static final Path BUSYBOX_REL = Path.of("bin/busybox");

    private TestNetns ns;
    private TestNetns upstream; // the peer namespace of a slirp test's default route, or null
    private List<String> in;
    private Path dir;
    private String marker;
    private Set<String> mountsBefore;
    private final List<Process> mine = new ArrayList<>();

    @BeforeEach
    void namespace() throws Exception {
        dir = Jrun.workdir();
        ns = TestNetns.create("jrun-nt-");
        in = ns.in;
        marker = "jrun-nt-" + UUID.randomUUID();
        mountsBefore = Jrun.hostMounts();
    }

    @AfterEach
    void nothingIsLeft() throws Exception {
        List<String> problems = new ArrayList<>();
        try {
            for (Process p : mine) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
            List<Long> left = Jrun.awaitGone(marker, 10_000);
            if (!left.isEmpty()) {
                problems.add("processes left: " + left);
                Jrun.kill(left);
            }
            // A container's veth goes with its namespace, which the kernel tears down a moment after its last process.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ns.links().stream().anyMatch(l -> l.startsWith("jr")) && System.nanoTime() < deadline) Thread.sleep(50);
            List<String> links = ns.links();
            links.remove("vt0");
            if (!links.isEmpty()) problems.add("links left: " + links);
            Path leases = ns.leaseFolder();
            if (Files.exists(leases)) problems.add("lease folder left: " + leases + " " + Jrun.output(List.of("ls", "-la", leases.toString())));
            deadline = System.nanoTime() + 5_000_000_000L;
            while (!listening().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            String listening = listening();
            if (!listening.isEmpty()) problems.add("listening sockets left: " + listening);
            String rules = ns.output("nft", "list", "ruleset").trim();
            if (!rules.isEmpty()) problems.add("nft rules left: " + rules);
            if (!Jrun.privateDirs(dir).isEmpty()) problems.add("private dirs left: " + Jrun.privateDirs(dir));
            Set<String> mounts = Jrun.hostMounts();
            mounts.removeAll(mountsBefore);
            mounts.removeIf(m -> m.contains(" /run/netns/" + ns.name)); // the test's own namespaces
            if (!mounts.isEmpty()) problems.add("mounts left: " + mounts);
        } finally {
            ns.close();
            if (upstream != null) upstream.close();
            Jrun.deleteTree(dir);
        }
        assertEquals(List.of(), problems);
    }

    // ---- none

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noneHasOnlyLoopbackUpAndTcpWorksOverIt(Mode mode) throws Exception {
        Result r = run(mode, dir, spec("ls /sys/class/net; ip -o link | cut -d\" \" -f2,3;"
                + " nc -l -p 7000 127.0.0.1 & sleep 0.3; echo hi-over-lo | nc 127.0.0.1 7000; wait", ""));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("lo\nlo: <LOOPBACK,UP,LOWER_UP>\nhi-over-lo\n", r.out());
    }

    // ---- bridge, as root

    private static final String BRIDGE = "network: {mode: bridge, bridge: jt0, subnet: 10.90.0.0/24";

    /**
     * A server pinned at 10.90.0.10 with 8080 published: a second container reaches it by address,
     * the test's "host" (its namespace's loopback) through jrun's proxy; the container's view (eth0,
     * route, hosts) is the issue's, and the NAT table lives exactly as long as a lease.
     */
    @Test
    void twoContainersTalkOverTheBridgeAndAPublishedPortReachesOne() throws Exception {
        Path sd = Jrun.workdir();
        Process server = start(Mode.ROOT, sd, spec("ip -4 -o addr show eth0 | tr -s \" \" | cut -d\" \" -f2,4; ip route;"
                + " grep srv-host /etc/hosts; for i in 1 2; do nc -l -p 7000; done", BRIDGE + ", address: 10.90.0.10, ports: [\"8080:7000\"]}\n",
                "hostname: srv-host"));
        Path cd = Jrun.workdir();
        Result client = run(Mode.ROOT, cd, spec("ip -4 -o addr show eth0 | tr -s \" \" | cut -d\" \" -f4;"
                + " for i in $(seq 50); do echo from-container | nc 10.90.0.10 7000 && exit 0; sleep 0.1; done; exit 1", BRIDGE + "}\n"));
        assertEquals(0, client.exit(), client.toString());
        assertEquals("10.90.0.2/24\n", client.out(), "the first free address of the subnet");
        String nat = ns.output("nft", "list", "table", "ip", "jrun_jt0");
        assertTrue(nat.contains("ip saddr 10.90.0.0/24") && nat.contains("masquerade"), "the NAT rule while a lease is held: " + nat);
        assertTrue(reachesThroughLoopback(8080, "from-host", sd), "the published port");
        Result s = Jrun.finish(server, sd);
        assertEquals(0, s.exit(), s.toString());
        assertEquals("eth0 10.90.0.10/24\ndefault via 10.90.0.1 dev eth0 \n10.90.0.0/24 dev eth0 scope link  src 10.90.0.10 \n"
                + "10.90.0.10\tsrv-host\nfrom-container\nfrom-host\n", s.out());
        removeBridge();
        Jrun.deleteTree(sd);
        Jrun.deleteTree(cd);
    }

    /** 20 at once, each waiting until all 20 have an address: a collision would never reach 20. */
    @Test
    void twentyParallelContainersGetDistinctAddresses() throws Exception {
        Path barrier = dir.resolve("barrier");
        Files.createDirectory(barrier);
        String script = "a=$(ip -4 -o addr show eth0 | tr -s \" \" | cut -d\" \" -f4); touch /barrier/${a%/*}; echo $a;"
                + " for i in $(seq 600); do [ $(ls /barrier | wc -l) -ge 20 ] && exit 0; sleep 0.05; done; exit 1";
        String yaml = spec(script, BRIDGE + "}\n", "volumes:\n  - {source: " + barrier + ", destination: /barrier}");
        List<Process> ps = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Path d = Jrun.workdir();
            dirs.add(d);
            ps.add(start(Mode.ROOT, d, yaml));
        }
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Result r = Jrun.finish(ps.get(i), dirs.get(i));
            assertEquals(0, r.exit(), "container " + i + ": " + r);
            addresses.add(r.out().trim());
            Jrun.deleteTree(dirs.get(i));
        }
        assertEquals(20, addresses.size(), "distinct: " + addresses);
        for (String a : addresses) assertTrue(a.matches("10\\.90\\.0\\.([2-9]|1\\d|2[01])/24"), a);
        removeBridge();
    }

    /** A SIGKILLed jrun cannot release its lease; the next run pinning that address reclaims it. */
    @Test
    void aSigkilledJrunsLeaseIsReclaimedByTheNextRun() throws Exception {
        String pinned = BRIDGE + ", address: 10.90.0.50}\n";
        Path kd = Jrun.workdir();
        Process killed = start(Mode.ROOT, kd, spec("echo up; exec sleep 1000", pinned));
        waitForOutput(kd, "up");
        Path leases = ns.leaseFolder().resolve("jt0.leases");
        assertTrue(Files.readString(leases).contains("10.90.0.50"), Files.readString(leases));
        assertEquals(0, Jrun.sh(List.of("kill", "-9", Long.toString(killed.pid()))));
        killed.waitFor(10, TimeUnit.SECONDS);
        assertTrue(Files.readString(leases).contains("10.90.0.50"), "the dead jrun's lease is still written down");
        Result next = run(Mode.ROOT, dir, spec("ip -4 -o addr show eth0 | tr -s \" \" | cut -d\" \" -f4", pinned));
        assertEquals(0, next.exit(), next.toString());
        assertEquals("10.90.0.50/24\n", next.out());
        removeBridge();
        Jrun.deleteTree(kd);
    }

    // ---- slirp

    /**
     * Rootless, a bridge spec with {@code rootless: slirp}; as root, {@code mode: slirp}; with
     * pasta, and with slirp4netns alone (which takes the ports over its API socket, in jrun's
     * private dir under this test's deep TMPDIR: longer than a socket's path may be). The
     * container reaches a server the test runs on its namespace's loopback through 10.0.2.2, and
     * the published 8081 reaches a server inside the container.
     */
    @ParameterizedTest
    @CsvSource({"ROOT, pasta", "ROOTLESS, pasta", "ROOT, slirp4netns", "ROOTLESS, slirp4netns"})
    void slirpReachesTheHostsLoopbackAndPublishesAPort(Mode mode, String helper) throws Exception {
        Launch how = slirpReady(helper);
        Process hostServer = mine(ns.cmd(busybox(), "nc", "-l", "-p", "7100", "127.0.0.1"));
        waitListening(7100);
        String network = mode == Mode.ROOTLESS
                ? "network: {mode: bridge, rootless: slirp, ports: [\"8081:7000\"]}\n"
                : "network: {mode: slirp, ports: [\"8081:7000\"]}\n";
        Process c = start(mode, dir, spec("ip -4 -o addr show eth0 | tr -s \" \" | cut -d\" \" -f4; cat /etc/resolv.conf;"
                + " echo to-host | nc 10.0.2.2 7100 && echo sent; nc -l -p 7000", network), how);
        waitForOutput(dir, "sent");
        String forwarder = ns.output("ss", "-Hltnp", "sport", "= :8081");
        assertTrue(forwarder.contains(helper.equals("pasta") ? "\"passt" : "\"slirp4netns\""), helper + " publishes the port: " + forwarder);
        assertTrue(hostServer.waitFor(10, TimeUnit.SECONDS), "the test's server got its connection");
        assertEquals("to-host\n", new String(hostServer.getInputStream().readAllBytes()));
        assertTrue(reachesThroughLoopback(8081, "to-container", dir), "the published port");
        Result r = Jrun.finish(c, dir);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("10.0.2.100/24\n# generated by jrun: the slirp helper's DNS\nnameserver 10.0.2.3\nsent\nto-container\n", r.out());
    }

    /**
     * The helper's death signal does not survive its joining the container's user namespace (the
     * kernel clears it on that change of credentials); it quits once the container's namespace is
     * gone, which the container's own death signal brings about.
     */
    @Test
    void aSigkilledJrunsSlirpHelperAndItsPortGoToo() throws Exception {
        Launch how = slirpReady("pasta");
        Process c = start(Mode.ROOTLESS, dir, spec("echo up; exec sleep 1000", "network: {mode: slirp, ports: [\"8083:7000\"]}\n"), how);
        waitForOutput(dir, "up");
        waitListening(8083);
        assertEquals(0, Jrun.sh(List.of("kill", "-9", Long.toString(c.pid()))));
        assertTrue(c.waitFor(10, TimeUnit.SECONDS));
        // pasta is not dumpable: its environ (the marker) is not readable, its socket is.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!listening().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals("", listening(), "the helper is gone with its port");
    }

    @Test
    void planShowsTheRootlessFallbackAndWhy() throws Exception {
        Files.writeString(dir.resolve("fb.yaml"), spec("true", "network: {mode: bridge, rootless: slirp}\n"));
        Result plan = Jrun.cli(in, Mode.ROOTLESS, dir, Map.of(), "plan", dir.resolve("fb.yaml").toString());
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("(network.rootless: slirp — bridge needs root, and jrun runs as uid 65534)"), plan.out());
        Result asRoot = Jrun.cli(in, Mode.ROOT, dir, Map.of(), "plan", dir.resolve("fb.yaml").toString());
        assertTrue(asRoot.out().contains("parent bridge") && !asRoot.out().contains("parent slirp"), asRoot.out());
    }

    // ---- errors: one line, exit 125, nothing left (checked after each)

    @Test
    void aTakenPortFailsNamingThePortAndItsOwner() throws Exception {
        Process holder = mine(ns.cmd(busybox(), "nc", "-l", "-p", "8082"));
        waitListening(8082);
        Result r = run(Mode.ROOT, dir, spec("true", BRIDGE + ", ports: [\"8082:80\"]}\n"));
        assertOneLineError(r, "8082/tcp is taken by the process with pid " + holder.pid() + ": free it or publish another host port");
        holder.destroyForcibly().waitFor();
        removeBridgeIfAny();
    }

    @Test
    void anAddressOutsideTheSubnetIsRefused() throws Exception {
        Result r = run(Mode.ROOT, dir, spec("true", BRIDGE + ", address: 10.91.0.10}\n"));
        assertOneLineError(r, "address \"10.91.0.10\" is outside the subnet 10.90.0.0/24; pick one from 10.90.0.2 to 10.90.0.254 [network-address]");
        assertEquals(List.of(), ns.links(), "no bridge was made");
    }

    @Test
    void aBridgeWithoutRootAndWithoutFallbackIsRefused() throws Exception {
        Result r = run(Mode.ROOTLESS, dir, spec("true", BRIDGE + "}\n"));
        assertOneLineError(r, "network mode bridge needs root (it makes a bridge and veths on the host), and jrun runs as uid 65534:"
                + " run it as root, or add network.rootless: slirp to fall back to userspace networking [plan]");
    }

    /** Neither helper on PATH nor in the home's build/tools (a home that has none). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aMissingHelperNamesThePackages(Mode mode) throws Exception {
        Path emptyHome = Files.createDirectory(dir.resolve("home"));
        Files.createSymbolicLink(emptyHome.resolve("setpriv"), Path.of(Jrun.output(List.of("sh", "-c", "command -v setpriv")).trim()));
        Launch how = Launch.PLAIN.wrappedIn(in.toArray(String[]::new))
                .with(List.of("-Djrun.home=" + emptyHome), Map.of("PATH", emptyHome.toString(), "JRUN_TEST_MARKER", marker));
        Result r = Jrun.run(mode, dir, spec("true", "network: {mode: slirp}\n"), how);
        assertOneLineError(r, "network mode slirp needs pasta or slirp4netns, and neither is on PATH: install the passt package (pasta)"
                + " or the slirp4netns package (on Debian: apt-get install passt), or use network.mode none");
    }

    // ---- helpers

    private static void assertOneLineError(Result r, String message) {
        assertEquals(125, r.exit(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains(message), r.toString());
        assertFalse(r.err().contains("Exception"), r.toString());
    }

    private String spec(String script, String network, String... more) throws Exception {
        List<String> extra = new ArrayList<>();
        if (!network.isEmpty()) extra.add(network.stripTrailing());
        extra.addAll(List.of(more));
        return Jrun.spec(script, extra.toArray(String[]::new));
    }

    private Launch launch() {
        return Launch.PLAIN.wrappedIn(in.toArray(String[]::new)).with(List.of(), Map.of("JRUN_TEST_MARKER", marker));
    }

    private Process start(Mode mode, Path d, String yaml) throws Exception {
        return start(mode, d, yaml, launch());
    }

    private Process start(Mode mode, Path d, String yaml, Launch how) throws Exception {
        Process p = Jrun.start(mode, d, yaml, how);
        mine.add(p);
        return p;
    }

    private Result run(Mode mode, Path d, String yaml) throws Exception {
        return Jrun.finish(start(mode, d, yaml), d);
    }

    private Process mine(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JRUN_TEST_MARKER", marker);
        Process p = pb.start();
        mine.add(p);
        return p;
    }

    /**
     * What pasta needs in the test's namespace: a default route to pick an upstream interface from
     * (a veth to a peer namespace the test made, so nothing leaves these two) and, rootless, a
     * /dev/net/tun that nobody may open: the host's is 0600, so a 0666 node of the same device is
     * bound over it in a mount namespace of jrun's own (the host's node is not touched).
     * {@code helper} slirp4netns: jrun finds only that one (a PATH of its own, a home without
     * build/tools), as on a host without passt.
     */
    private Launch slirpReady(String helper) throws Exception {
        upstream = TestNetns.create(ns.name + "-up-");
        assertEquals(0, ns.sh("ip", "link", "add", "vt0", "type", "veth", "peer", "name", "vt1", "netns", upstream.name));
        assertEquals(0, ns.sh("ip", "addr", "add", "10.99.0.1/24", "dev", "vt0"));
        assertEquals(0, ns.sh("ip", "link", "set", "vt0", "up"));
        assertEquals(0, upstream.sh("ip", "link", "set", "vt1", "up"));
        assertEquals(0, ns.sh("ip", "route", "add", "default", "via", "10.99.0.2", "dev", "vt0", "onlink"));
        Path tun = Files.createDirectory(dir.resolve("tun"));
        String script = "mount -t tmpfs -o mode=755 tmpfs " + tun + " && mknod " + tun + "/tun c 10 200 && chmod 666 " + tun
                + "/tun && mount --bind " + tun + "/tun /dev/net/tun";
        List<String> jvm = List.of();
        if (helper.equals("slirp4netns")) {
            Path only = Files.createDirectory(dir.resolve("only-slirp4netns"));
            Path made = Jrun.home().resolve("build/tools/bin/slirp4netns");
            String installed = Jrun.output(List.of("sh", "-c", "command -v slirp4netns")).trim();
            Path slirp = Files.isExecutable(made) ? made : Path.of(installed);
            assumeTrue(Files.isExecutable(slirp), "no slirp4netns: make tools fetches it");
            Files.createSymbolicLink(only.resolve("slirp4netns"), slirp);
            // and what jrun's command line and make's wrapper of slirp4netns run
            for (String tool : List.of("setpriv", "readlink", "dirname")) {
                Files.createSymbolicLink(only.resolve(tool), Path.of(Jrun.output(List.of("sh", "-c", "command -v " + tool)).trim()));
            }
            script += " && export PATH=" + only;
            jvm = List.of("-Djrun.home=" + Files.createDirectory(dir.resolve("home-without-tools")));
        }
        return new Launch(ns.cmd("unshare", "-m", "sh", "-c", script + " && exec \"$@\"", "sh"), jvm, Map.of("JRUN_TEST_MARKER", marker));
    }

    private static String busybox() throws Exception {
        Path b = Jrun.rootfs().resolve(BUSYBOX_REL);
        assumeTrue(Files.isExecutable(b), "no busybox at " + b);
        return b.toString();
    }

    /**
     * Sends {@code text} to 127.0.0.1:port in the test's namespace until the container (its output
     * in {@code container}) has printed it. A forwarder accepts before the container listens (the
     * proxy, pasta), so a connection that succeeded may still have been dropped: only the
     * container's output tells.
     */
    private boolean reachesThroughLoopback(int port, String text, Path container) throws Exception {
        Path input = dir.resolve("send-" + port);
        Files.writeString(input, text + "\n");
        for (int i = 0; i < 20; i++) {
            Process p = new ProcessBuilder(ns.cmd(busybox(), "nc", "127.0.0.1", Integer.toString(port)))
                    .redirectInput(input.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            if (printed(container, text, 1500)) return true;
        }
        return false;
    }

    private void waitListening(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (ns.output("ss", "-Hltn", "sport", "= :" + port).contains(":" + port)) return;
            Thread.sleep(50);
        }
        fail("nothing listens on " + port);
    }

    /** Whether the container whose output is in {@code d} prints {@code line} within {@code millis}. */
    private static boolean printed(Path d, String line, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        do {
            if (Files.readString(d.resolve("out")).lines().anyMatch(line::equals)) return true;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static void waitForOutput(Path d, String line) throws Exception {
        if (!printed(d, line, 20_000)) fail("no \"" + line + "\" from the container:\n" + Files.readString(d.resolve("out")) + Files.readString(d.resolve("err")));
    }

    /** {@code jrun network rm jt0}: the bridge is all a finished bridge run leaves, and it goes. */
    private void removeBridge() throws Exception {
        Result rm = Jrun.cli(in, Mode.ROOT, dir, Map.of(), "network", "rm", "jt0");
        assertEquals(0, rm.exit(), rm.toString());
        assertEquals(List.of(), ns.links());
    }

    private void removeBridgeIfAny() throws Exception {
        if (ns.links().contains("jt0")) removeBridge();
    }

    /** Every listening TCP and UDP socket in the test's namespace: proxies and helpers show here. */
    private String listening() throws Exception {
        return ns.output("ss", "-Hltun").trim();
    }
}
