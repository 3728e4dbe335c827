package dev.jrun.net;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Links on the real kernel, and never on this machine's network: the "host" is a {@link NetProbe}
 * JVM started under {@code unshare --net}, each "container" a namespace pinned by an
 * {@code unshare --net sleep} the test starts. Before anything is created, every one of them is
 * checked not to be in the test JVM's namespace. What a person would check by hand is read with
 * {@code ip -j} inside those namespaces (nsenter), and traffic goes only between them. Every
 * process the test starts is killed, by pid, after each test; links die with their namespaces.
 */
@Tag("container")
class RtNetlinkContainerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String hostNs;

    private final List<Process> started = new ArrayList<>();
    private Path dir;

    @BeforeAll
    static void requirements() throws Exception {
        assumeTrue(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0, "needs root");
        for (String tool : List.of("unshare", "nsenter", "ip", "timeout", "bash")) {
            assumeTrue(run(List.of("sh", "-c", "command -v " + tool)).exit == 0, "needs " + tool);
        }
        hostNs = nsOf("self");
    }

    @BeforeEach
    void scratch() throws IOException {
        dir = Files.createTempDirectory("jrun-net-");
    }

    @AfterEach
    void killWhatWeStarted() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (Process p : started) assertFalse(p.isAlive(), "pid " + p.pid() + " outlived its test");
        try (var s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) Files.delete(f);
        }
        Files.delete(dir);
    }

    @Test
    void aContainerGetsEth0OnTheBridgeAndReachesTheGateway() throws Exception {
        Probe host = probe();
        Container c = container();
        String veth = Links.vethName("it-one");

        host.ok("bridge jrun0 10.88.0.1/16");
        host.ok("veth " + veth + " pid " + c.pid + " eth0");
        host.ok("attach " + veth + " jrun0");
        host.ok("configure " + c.ns() + " eth0 10.88.0.2/16 10.88.0.1");

        JsonNode bridge = ip(host.pid, "-d", "link", "show", "jrun0").get(0);
        assertEquals("bridge", bridge.at("/linkinfo/info_kind").asText());
        assertEquals("02:42:0a:58:00:01", bridge.get("address").asText(), "its own MAC, not its port's");
        assertTrue(flags(bridge).contains("UP"), bridge.toString());
        JsonNode gw = address(ip(host.pid, "addr", "show", "jrun0").get(0), "10.88.0.1");
        assertEquals(16, gw.get("prefixlen").asInt());
        assertEquals("10.88.255.255", gw.get("broadcast").asText());
        JsonNode port = ip(host.pid, "link", "show", veth).get(0);
        assertEquals("jrun0", port.get("master").asText());
        assertTrue(flags(port).contains("UP"), port.toString());
        assertTrue(ip(host.pid, "link", "show", "eth0").isEmpty(), "the container's end was born in the container");

        JsonNode eth0 = ip(c.pid, "addr", "show", "eth0").get(0);
        assertTrue(flags(eth0).contains("UP"), eth0.toString());
        assertTrue(flags(eth0).contains("LOWER_UP"), "the host end is up, so eth0 has carrier: " + eth0);
        assertEquals(16, address(eth0, "10.88.0.2").get("prefixlen").asInt());
        assertTrue(flags(ip(c.pid, "link", "show", "lo").get(0)).contains("UP"));
        JsonNode route = ip(c.pid, "route", "show", "default").get(0);
        assertEquals("10.88.0.1", route.get("gateway").asText());
        assertEquals("eth0", route.get("dev").asText());

        String where = host.ok("listen 10.88.0.1 7801"); // a server on the gateway address, in the host
        assertEquals("hello from " + where, connect(c.pid, "10.88.0.1", 7801));

        assertEquals("true", host.ok("delete " + veth));
        assertEquals(List.of("lo"), names(ip(c.pid, "link", "show")), "the container's end went with the pair");
        assertTrue(ip(c.pid, "route", "show").isEmpty(), "its routes with it");
        assertEquals("false", host.ok("exists " + veth));
        assertEquals("true", host.ok("deletebridge jrun0"));
        assertEquals(List.of("lo"), names(ip(host.pid, "link", "show")), "nothing left in the host");
        assertTrue(ip(host.pid, "-4", "addr", "show").isEmpty(), "nor any IPv4 address");
        assertTrue(ip(host.pid, "route", "show").isEmpty(), "nor the bridge's subnet route");
        assertEquals("false", host.ok("delete " + veth));
        assertEquals("false", host.ok("deletebridge jrun0"));
    }

    @Test
    void twoContainersOnOneBridgeReachEachOther() throws Exception {
        Probe host = probe();
        Container a = container();
        Container b = container();
        String va = Links.vethName("it-a");
        String vb = Links.vethName("it-b");

        host.ok("bridge jrun0 10.88.0.1/16");
        host.ok("veth " + va + " pid " + a.pid + " eth0"); // the peer's namespace by pid ...
        host.ok("veth " + vb + " fd " + b.pid + " eth0"); // ... and by an fd of /proc/PID/ns/net
        host.ok("attach " + va + " jrun0");
        host.ok("attach " + vb + " jrun0");
        host.ok("configure " + a.ns() + " eth0 10.88.0.2/16 10.88.0.1");
        host.ok("configure " + b.ns() + " eth0 10.88.0.3/16 10.88.0.1");

        String inB = host.ok("listen 10.88.0.3 7802 " + b.ns()); // the server socket made inside b
        assertEquals(nsOf(String.valueOf(b.pid)), inB);
        assertEquals("hello from " + inB, connect(a.pid, "10.88.0.3", 7802));
        String inA = host.ok("listen 10.88.0.2 7803 " + a.ns());
        assertEquals("hello from " + inA, connect(b.pid, "10.88.0.2", 7803));

        assertEquals("true", host.ok("delete " + va));
        assertEquals("true", host.ok("delete " + vb));
        assertEquals("true", host.ok("deletebridge jrun0"));
        assertEquals(List.of("lo"), names(ip(host.pid, "link", "show")));
        assertEquals(List.of("lo"), names(ip(a.pid, "link", "show")));
        assertEquals(List.of("lo"), names(ip(b.pid, "link", "show")));
    }

    @Test
    void ensureBridgeIsIdempotentAndSafeInParallel() throws Exception {
        Probe host = probe();
        host.ok("parallelbridge 4 jrun0 10.88.0.1/16");
        host.ok("bridge jrun0 10.88.0.1/16");
        JsonNode br = ip(host.pid, "-4", "addr", "show", "jrun0").get(0); // IPv6 adds a link-local one by itself
        assertEquals(1, br.get("addr_info").size(), "one address after five runs: " + br);
        assertTrue(flags(br).contains("UP"));
        // jrun1 holds another kind of link: neither made into a bridge nor deleted as one
        Container c = container();
        host.ok("veth jrun1 pid " + c.pid + " eth0");
        assertEquals("RTM_NEWLINK bridge jrun1: EEXIST (File exists): jrun1 exists and is a veth, not a bridge",
                host.err("bridge jrun1 10.88.0.1/16"));
        assertEquals("RTM_DELLINK bridge jrun1: EINVAL (Invalid argument): jrun1 is a veth, not a bridge",
                host.err("deletebridge jrun1"));
        assertEquals("true", host.ok("exists jrun1"));
    }

    @Test
    void failuresNameTheOperationTheErrnoAndTheKernelsReason() throws Exception {
        Probe host = probe();
        Container c = container();
        host.ok("bridge jrun0 10.88.0.1/16");
        host.ok("veth jr00000001 pid " + c.pid + " eth0");
        assertEquals("RTM_NEWLINK veth jr00000001 peer eth0 in netns of pid " + c.pid + ": EEXIST (File exists)",
                host.err("veth jr00000001 pid " + c.pid + " eth0"));
        assertEquals("RTM_NEWLINK veth jr00000002 peer eth0 in netns of pid " + c.pid + ": EEXIST (File exists)",
                host.err("veth jr00000002 pid " + c.pid + " eth0"), "eth0 is taken in the container");
        assertEquals("RTM_GETLINK nosuchbr: ENODEV (No such device)", host.err("attach jr00000001 nosuchbr"));
        host.ok("attach jr00000001 jrun0");
        host.ok("configure " + c.ns() + " eth0 10.88.0.2/16 10.88.0.1");
        assertEquals("RTM_NEWADDR 10.88.0.2/16 dev eth0: EEXIST (File exists): ipv4: Address already assigned",
                host.err("configure " + c.ns() + " eth0 10.88.0.2/16 10.88.0.1"));
        assertEquals("gateway 10.99.0.1 is not in 10.88.0.0/16", host.err("configure " + c.ns() + " eth0 10.88.0.2/16 10.99.0.1"));
        assertEquals("invalid interface name \"jr0123456789abcd\": 1 to 15 bytes, not . or .., without / : or white space",
                host.err("veth jr0123456789abcd pid " + c.pid + " eth0"));
    }

    @Test
    void aDeadContainerTakesItsVethWithIt() throws Exception {
        Probe host = probe();
        Container c = container();
        String veth = Links.vethName("it-dies");
        host.ok("bridge jrun0 10.88.0.1/16");
        host.ok("veth " + veth + " pid " + c.pid + " eth0");
        host.ok("attach " + veth + " jrun0");
        c.process.destroyForcibly().waitFor();
        // the namespace is torn down by a kernel worker after its last process exits
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (host.ok("exists " + veth).equals("true")) {
            assertTrue(System.nanoTime() < deadline, veth + " outlived its container's namespace by 10 s");
            Thread.sleep(20);
        }
        assertEquals("false", host.ok("delete " + veth), "deleting what is gone is no error");
        assertEquals("jrun0", host.ok("links").replace("lo,", ""));
    }

    @Test
    void aThreadEntersAnotherNetnsAndComesBack() throws Exception {
        Probe host = probe();
        Container c = container();
        String[] seen = host.ok("netns " + c.ns()).split(",");
        assertEquals(nsOf(String.valueOf(c.pid)), seen[0], "inside the action");
        assertEquals(host.ns, seen[1], "the calling thread never moved");
        assertEquals(host.ns, seen[2], "nor the main thread");
        assertEquals("setns /proc/" + c.pid + "/ns/uts: EINVAL (Invalid argument)", host.err("netns /proc/" + c.pid + "/ns/uts"),
                "a namespace of another type is refused, not entered");
        // a socket opened in there keeps working in there from the probe's main thread
        host.ok("bridgein " + c.ns() + " jrmark0 10.77.0.1/16");
        assertEquals("bridge", ip(c.pid, "-d", "link", "show", "jrmark0").get(0).at("/linkinfo/info_kind").asText());
        assertTrue(ip(host.pid, "link", "show", "jrmark0").isEmpty(), "nothing in the probe's own namespace");
    }

    @Test
    void timings() throws Exception {
        Probe host = probe();
        Container c = container();
        String cold = host.okTimed("bridge jrun0 10.88.0.1/16");
        String warm = host.okTimed("bridge jrun0 10.88.0.1/16");
        String bench = host.ok("bench 50 " + c.pid);
        System.out.println("timings: ensureBridge first " + cold + " us, again " + warm + " us; " + bench
                + " (first,min,median,max us)");
        assertEquals(List.of("lo"), names(ip(c.pid, "link", "show")));
    }

    // --- the namespaces

    /** A "container": a network namespace held by {@code unshare --net sleep}. */
    private record Container(Process process, long pid) {
        String ns() {
            return "/proc/" + pid + "/ns/net";
        }
    }

    private Container container() throws Exception {
        Process p = start(List.of("unshare", "--net", "sleep", "300"), dir.resolve("sleep-" + started.size()).toFile());
        awaitOwnNetns(p);
        return new Container(p, p.pid());
    }

    /** Waits for {@code p} to have left the test's namespace (unshare, then exec), and checks it did. */
    private static void awaitOwnNetns(Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (nsOf(String.valueOf(p.pid())).equals(hostNs)) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "pid " + p.pid() + " never left the host's network namespace");
            Thread.sleep(5);
        }
        assertNotEquals(hostNs, nsOf(String.valueOf(p.pid())));
    }

    /** The "host": a NetProbe JVM in a namespace of its own. */
    private final class Probe {
        final Process process;
        final long pid;
        final String ns;
        private final Writer in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final File err;

        Probe() throws Exception {
            err = dir.resolve("probe-" + started.size() + ".err").toFile();
            process = start(List.of("unshare", "--net", "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    NetProbe.class.getName(), hostNs), err);
            pid = process.pid();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (IOException e) {
                    // the probe was killed
                }
            });
            reader.setDaemon(true);
            reader.start();
            String ready = next();
            assertTrue(ready.startsWith("ready "), ready);
            ns = ready.substring(6);
            assertNotEquals(hostNs, ns, "the probe runs in the host's network namespace");
            assertEquals(ns, nsOf(String.valueOf(pid)));
        }

        private String next() throws Exception {
            String l = lines.poll(30, TimeUnit.SECONDS);
            if (l == null) fail("the probe did not answer in 30 s; stderr:\n" + Files.readString(err.toPath()));
            return l;
        }

        private String[] ask(String command) throws Exception {
            in.write(command + "\n");
            in.flush();
            return next().split(" ", 2);
        }

        /** The command's result, which must have succeeded. */
        String ok(String command) throws Exception {
            String r = okLine(command);
            return r.substring(0, r.lastIndexOf(' '));
        }

        /** How long the command took inside the probe, in microseconds. */
        String okTimed(String command) throws Exception {
            String r = okLine(command);
            return r.substring(r.lastIndexOf(' ') + 1);
        }

        private String okLine(String command) throws Exception {
            String[] r = ask(command);
            assertEquals("ok", r[0], command + ": " + r[1]);
            return r[1];
        }

        /** The command's error message, which it must have failed with. */
        String err(String command) throws Exception {
            String[] r = ask(command);
            assertEquals("err", r[0], command + " succeeded: " + r[1]);
            return r[1];
        }
    }

    private Probe probe() throws Exception {
        return new Probe();
    }

    private Process start(List<String> command, File stderr) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(stderr).start();
        started.add(p);
        return p;
    }

    // --- observing, from inside the namespaces only

    /** {@code ip -j ARGS} inside the network namespace of {@code pid}, after checking it is not the host's. */
    private static JsonNode ip(long pid, String... args) throws Exception {
        assertNotEquals(hostNs, nsOf(String.valueOf(pid)), "would observe the host's network");
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/proc/" + pid + "/ns/net", "ip", "-j"));
        cmd.addAll(List.of(args));
        Result r = run(cmd);
        if (r.exit != 0 && r.err.contains("does not exist")) return JSON.createArrayNode();
        assertEquals(0, r.exit, cmd + ": " + r.err);
        return r.out.isBlank() ? JSON.createArrayNode() : JSON.readTree(r.out);
    }

    /** The first line a TCP server at ADDRESS:PORT sends, read by bash's /dev/tcp inside {@code pid}'s namespace. */
    private static String connect(long pid, String address, int port) throws Exception {
        assertNotEquals(hostNs, nsOf(String.valueOf(pid)));
        Result r = run(List.of("timeout", "10", "nsenter", "--net=/proc/" + pid + "/ns/net", "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + port + " && head -n 1 <&3"));
        assertEquals(0, r.exit, "connect to " + address + ":" + port + " from pid " + pid + ": " + r.err);
        return r.out.trim();
    }

    private static List<String> flags(JsonNode link) {
        List<String> out = new ArrayList<>();
        link.get("flags").forEach(f -> out.add(f.asText()));
        return out;
    }

    private static JsonNode address(JsonNode link, String local) {
        for (JsonNode a : link.get("addr_info")) if (a.get("local").asText().equals(local)) return a;
        throw new AssertionError(local + " not on " + link);
    }

    private static List<String> names(JsonNode links) {
        List<String> out = new ArrayList<>();
        links.forEach(l -> out.add(l.get("ifname").asText()));
        return out;
    }

    private static String nsOf(String pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(cmd + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
