package dev.jrun.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlirpTest {
    static final List<Port> PORTS = List.of(new Port(null, 8080, 80, "tcp"), new Port("127.0.0.1", 9000, 9000, "tcp"),
            new Port(null, 5353, 53, "udp"));

    @Test
    void pastaForwardsOnlyTheSpecsPortsAndNothingBack() {
        List<String> a = Slirp.pasta("/usr/bin/pasta", PORTS, false, true);
        String line = String.join(" ", a);
        assertTrue(line.contains("--tcp-ports 8080:80,127.0.0.1/9000:9000 --udp-ports 5353:53 --tcp-ns none --udp-ns none"), line);
        assertTrue(line.contains("--address 10.0.2.100 --netmask 24 --gateway 10.0.2.2 --dns-forward 10.0.2.3 --ns-ifname eth0"), line);
        assertTrue(line.contains("--foreground"), "in the background it would be no child of jrun's and outlive it: " + line);
        assertTrue(line.endsWith("--userns /proc/self/fd/5 --netns /proc/self/fd/3"), line);
        assertTrue(line.contains("--pid /proc/self/fd/4"), line);
        assertFalse(line.contains("--runas"), line);
    }

    @Test
    void pastaWithoutPortsForwardsNone() {
        String line = String.join(" ", Slirp.pasta("pasta", List.of(), true, false));
        assertTrue(line.contains("--tcp-ports none --udp-ports none --tcp-ns none --udp-ns none"), line);
        assertTrue(line.contains("--runas 0:0"), "as root pasta would drop to nobody, who cannot join the namespace: " + line);
        assertFalse(line.contains("--userns"), line);
    }

    @Test
    void slirp4netnsConfiguresTheNamespaceSandboxed() {
        assertEquals(List.of("slirp4netns", "--configure", "--mtu=65520", "--ready-fd=4", "--enable-sandbox", "--enable-seccomp",
                "--netns-type=path", "--api-socket=/proc/self/fd/6/slirp.sock", "/proc/self/fd/3", "eth0"),
                Slirp.slirp4netns("slirp4netns", true, false, Slirp.API_SOCKET));
        // rootless: its sandbox needs a user namespace of its own, so only the seccomp filter
        assertEquals(List.of("slirp4netns", "--configure", "--mtu=65520", "--ready-fd=4", "--enable-seccomp",
                "--netns-type=path", "--userns-path=/proc/self/fd/5", "/proc/self/fd/3", "eth0"),
                Slirp.slirp4netns("slirp4netns", false, true, null));
    }

    @Test
    void slirp4netnsPortRequest() {
        assertEquals("{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"udp\", \"host_addr\": \"0.0.0.0\","
                + " \"host_port\": 5353, \"guest_port\": 53}}", Slirp.forwardRequest(PORTS.get(2)));
        assertTrue(Slirp.forwardRequest(PORTS.get(1)).contains("\"host_addr\": \"127.0.0.1\""));
    }
}
