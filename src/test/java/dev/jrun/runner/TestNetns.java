package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace a test makes ({@code ip netns add}, its {@code lo} up), so that the bridges,
 * veths, addresses and rules jrun makes exist only there and vanish with it; {@link #close}
 * deletes it. Commands run in it under {@link #in}.
 */
final class TestNetns implements AutoCloseable {
    final String name;
    /** {@code ip netns exec NAME}: a prefix for a command (or jrun) to run in the namespace. */
    final List<String> in;

    private TestNetns(String name) {
        this.name = name;
        this.in = List.of("ip", "netns", "exec", name);
    }

    static TestNetns create(String prefix) throws Exception {
        TestNetns ns = new TestNetns(prefix + UUID.randomUUID().toString().substring(0, 8));
        assertEquals(0, Jrun.sh(List.of("ip", "netns", "add", ns.name)), "ip netns add " + ns.name);
        assertEquals(0, ns.sh("ip", "link", "set", "lo", "up"));
        return ns;
    }

    List<String> cmd(String... rest) {
        List<String> l = new ArrayList<>(in);
        l.addAll(List.of(rest));
        return l;
    }

    int sh(String... cmd) throws Exception {
        return Jrun.sh(cmd(cmd));
    }

    String output(String... cmd) throws Exception {
        return Jrun.output(cmd(cmd));
    }

    /** The namespace's links but lo. */
    List<String> links() throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : output("ip", "-o", "link").split("\n")) {
            String[] f = l.split(": ");
            if (f.length > 1 && !f[1].equals("lo")) out.add(f[1].split("@")[0]);
        }
        return out;
    }

    /** /run/jrun/net/net-INODE of this namespace, where jrun keeps its bridges' leases. */
    Path leaseFolder() throws Exception {
        String id = output("readlink", "/proc/self/ns/net").trim();
        Matcher m = Pattern.compile("net:\\[(\\d+)]").matcher(id);
        assertTrue(m.find(), id);
        return Path.of("/run/jrun/net", "net-" + m.group(1));
    }

    @Override
    public void close() throws Exception {
        Jrun.sh(List.of("ip", "netns", "del", name));
    }
}
