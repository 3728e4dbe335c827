package dev.jrun.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.net.RtNetlink.Link;
import dev.jrun.net.RtNetlink.NetnsRef;
import dev.jrun.sys.Hex;
import dev.jrun.sys.Netlink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every request builder against the message {@code ip} sent for the same command
 * (ip-requests.txt, made by capture-requests.sh inside unshare --net), byte for byte; the
 * sequence number is taken from the captured message, since ip picks its own. And the link
 * parser over RTM_NEWLINK replies the kernel sent to {@code ip}.
 */
class RtNetlinkTest {
    private static Map<String, byte[]> ip;

    /** Each "== command" section's last message (ip link show sends a probe first). */
    @BeforeAll
    static void load() throws IOException {
        ip = new LinkedHashMap<>();
        String text;
        try (InputStream in = RtNetlinkTest.class.getResourceAsStream("ip-requests.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        Pattern row = Pattern.compile("^ \\| ([0-9a-f]{5})  (.{48})");
        String command = null;
        StringBuilder message = new StringBuilder();
        for (String line : (text + "\n== end").split("\n")) {
            if (line.startsWith("== ")) {
                if (command != null) ip.put(command, Hex.parse(message.toString()));
                command = line.substring(3);
                message.setLength(0);
                continue;
            }
            Matcher m = row.matcher(line);
            if (!m.find()) continue;
            if (m.group(1).equals("00000")) message.setLength(0);
            message.append(m.group(2)).append('\n');
        }
    }

    /** The captured request of {@code command}, and ours for the same sequence number. */
    private static void same(String command, IntFunction<byte[]> ours) {
        byte[] theirs = ip.get(command);
        assertNotNull(theirs, "no capture of: " + command);
        assertEquals(Hex.format(theirs), Hex.format(ours.apply(Netlink.seq(theirs))), command);
    }

    private static final int CONTAINER_PID = 24832; // the capture's "container" (unshare --net sleep)

    @Test
    void linksAsIpMakesThem() {
        same("ip link add jrun0 type bridge", seq -> RtNetlink.newBridge(seq, "jrun0", null));
        same("ip link add jrun9 address 02:42:0a:58:00:01 type bridge",
                seq -> RtNetlink.newBridge(seq, "jrun9", new byte[] {2, 0x42, 10, 88, 0, 1}));
        same("ip link add jr89abcdef type veth peer name eth0", seq -> RtNetlink.newVeth(seq, "jr89abcdef", "eth0", null));
        same("ip link add jr01234567 type veth peer name eth0 netns " + CONTAINER_PID,
                seq -> RtNetlink.newVeth(seq, "jr01234567", "eth0", NetnsRef.pid(CONTAINER_PID)));
        // ip opened /proc/PID/ns/net as fd 4 and sent that number
        same("netns file (fd as opened by ip)", seq -> RtNetlink.newVeth(seq, "jr0123abcd", "eth1", NetnsRef.fd(4)));
    }

    @Test
    void linkChangesAsIpMakesThem() {
        // the capture's indexes: jrun0 2, jr89abcdef 5, jrtmp2 7, jrtmp 8
        same("ip link set jr89abcdef up", seq -> RtNetlink.setUp(seq, 5, true));
        same("ip link set jr89abcdef down", seq -> RtNetlink.setUp(seq, 5, false));
        same("ip link set jr89abcdef master jrun0", seq -> RtNetlink.setMaster(seq, 5, 2));
        same("ip link set jr89abcdef nomaster", seq -> RtNetlink.setMaster(seq, 5, 0));
        same("ip link set jrtmp2 netns " + CONTAINER_PID, seq -> RtNetlink.setNetns(seq, 7, NetnsRef.pid(CONTAINER_PID)));
        same("ip link set dev jrtmp name jrtmq", seq -> RtNetlink.rename(seq, 8, "jrtmq"));
        same("ip link del jrtmq", seq -> RtNetlink.delLink(seq, 8));
    }

    @Test
    void addressesAndRoutesAsIpMakesThem() {
        Cidr gw = Cidr.parse("10.88.0.1/16");
        same("ip addr add 10.88.0.1/16 broadcast 10.88.255.255 dev jrun0", seq -> RtNetlink.newAddress(seq, 2, gw, gw.broadcast()));
        same("ip addr add 10.77.0.1/16 dev jrun0", seq -> RtNetlink.newAddress(seq, 2, Cidr.parse("10.77.0.1/16"), null));
        same("ip route add default via 10.88.0.1 dev jrun0", seq -> RtNetlink.newRoute(seq, Cidr.parse("0.0.0.0/0"), gw.address(), 2));
        same("ip route add 10.99.0.0/16 via 10.88.0.1 dev jrun0",
                seq -> RtNetlink.newRoute(seq, Cidr.parse("10.99.0.0/16"), gw.address(), 2));
    }

    @Test
    void lookupsAsIpMakesThem() {
        same("lookup", seq -> RtNetlink.getLink(seq, "jrun0"));
        same("ip link show", RtNetlink::dumpLinks);
    }

    @Test
    void everyCaptureHasACase() {
        assertEquals(18, ip.size(), "a capture added to capture-requests.sh needs its case here: " + ip.keySet());
    }

    @Test
    void readsTheKernelsAnswerAboutAVethPort() throws IOException {
        List<byte[]> d = Hex.datagrams(RtNetlinkTest.class, "getlink-veth-reply.hex");
        List<byte[]> msgs = Netlink.split(d.get(0), d.get(0).length);
        assertEquals(1, msgs.size());
        Link l = RtNetlink.parseLink(msgs.get(0));
        assertEquals(new Link(4, "jr89abcdef", 0x1002, 2, "veth"), l); // BROADCAST|MULTICAST, down, master jrun0
        assertFalse(l.up());
    }

    @Test
    void readsADumpUpToDone() throws IOException {
        List<byte[]> d = Hex.datagrams(RtNetlinkTest.class, "dump-links-reply.hex");
        assertEquals(2, d.size());
        List<byte[]> first = Netlink.split(d.get(0), d.get(0).length);
        assertEquals(List.of(
                new Link(1, "lo", 0x8, 0, null),
                new Link(2, "jrun0", 0x1002, 0, "bridge"),
                new Link(3, "eth0", 0x1002, 0, "veth"),
                new Link(4, "jr89abcdef", 0x1002, 2, "veth")), first.stream().map(RtNetlink::parseLink).toList());
        for (byte[] m : first) assertEquals(Netlink.NLM_F_MULTI, Netlink.flags(m) & Netlink.NLM_F_MULTI);
        List<byte[]> second = Netlink.split(d.get(1), d.get(1).length);
        assertEquals(1, second.size());
        assertEquals(Netlink.NLMSG_DONE, Netlink.type(second.get(0)));
        assertEquals(0, Netlink.doneStatus(second.get(0)));
        assertEquals(Netlink.seq(first.get(0)), Netlink.seq(second.get(0)));
    }

    @Test
    void aVethRequestReadsBackAsItWasMeant() {
        byte[] m = RtNetlink.newVeth(7, "jr00000001", "eth0", NetnsRef.fd(12));
        assertEquals(m.length, Netlink.length(m));
        assertEquals(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_EXCL | Netlink.NLM_F_CREATE, Netlink.flags(m));
        Map<String, Object> seen = new LinkedHashMap<>();
        Netlink.Attrs top = new Netlink.Attrs(m, 32, m.length);
        while (top.next()) {
            if (top.type() == RtNetlink.IFLA_IFNAME) seen.put("name", top.string());
            if (top.type() != RtNetlink.IFLA_LINKINFO) continue;
            Netlink.Attrs info = top.nested();
            while (info.next()) {
                if (info.type() == RtNetlink.IFLA_INFO_KIND) seen.put("kind", info.string());
                if (info.type() != RtNetlink.IFLA_INFO_DATA) continue;
                Netlink.Attrs data = info.nested();
                assertTrue(data.next());
                assertEquals(RtNetlink.VETH_INFO_PEER, data.type());
                byte[] peer = data.bytes(); // an ifinfomsg, then the peer's attributes
                Netlink.Attrs p = new Netlink.Attrs(peer, 16, peer.length);
                while (p.next()) {
                    if (p.type() == RtNetlink.IFLA_IFNAME) seen.put("peer", p.string());
                    if (p.type() == RtNetlink.IFLA_NET_NS_FD) seen.put("peer netns fd", p.u32());
                }
            }
        }
        assertEquals(Map.of("name", "jr00000001", "kind", "veth", "peer", "eth0", "peer netns fd", 12), seen);
    }

    @Test
    void aLinkMessageReadsBack() {
        Netlink.Builder b = new Netlink.Builder(RtNetlink.RTM_NEWLINK, 0, 1);
        b.u8(0).u8(0).u16(1).u32(9).u32(0x1003).u32(0);
        b.attrString(RtNetlink.IFLA_IFNAME, "jrabcdef01").attrU32(RtNetlink.IFLA_MASTER, 3);
        int info = b.nest(RtNetlink.IFLA_LINKINFO | Netlink.NLA_F_NESTED);
        b.attrString(RtNetlink.IFLA_INFO_KIND, "veth").end(info);
        assertEquals(new Link(9, "jrabcdef01", 0x1003, 3, "veth"), RtNetlink.parseLink(b.build()));
        assertTrue(RtNetlink.parseLink(b.build()).up());
    }

    @Test
    void namesAreCheckedAsTheKernelChecksThem() {
        assertEquals("jr0123456789abc", RtNetlink.checkName("jr0123456789abc")); // 15 bytes: the most
        for (String bad : new String[] {"", "jr0123456789abcd", ".", "..", "a/b", "a:b", "a b", "a\tb", "ü12345678901234"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RtNetlink.newBridge(1, bad, null), bad);
            assertTrue(e.getMessage().startsWith("invalid interface name \"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void hostVethNamesFitAndDiffer() {
        String n = Links.vethName("web-1");
        assertTrue(n.matches("jr[0-9a-f]{8}"), n);
        assertEquals(n, Links.vethName("web-1"));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) names.add(Links.vethName("container-" + i));
        assertEquals(10_000, names.size());
        RtNetlink.checkName(n);
    }

    @Test
    void addresses() {
        Cidr c = Cidr.parse("10.88.0.2/16");
        assertEquals("10.88.0.2", c.address().toString());
        assertEquals("10.88.0.0", c.network().toString());
        assertEquals("10.88.255.255", c.broadcast().toString());
        assertTrue(c.contains(Ipv4.parse("10.88.0.1")));
        assertFalse(c.contains(Ipv4.parse("10.89.0.1")));
        assertNull(Cidr.parse("10.0.0.1/31").broadcast());
        assertNull(Cidr.parse("10.0.0.1/32").broadcast());
        assertEquals("0.0.0.0", Cidr.parse("1.2.3.4/0").network().toString());
        assertEquals("255.255.255.255", Ipv4.parse("255.255.255.255").toString());
        assertArrayEquals(new byte[] {10, 88, 0, 1}, Ipv4.parse("10.88.0.1").bytes());
        for (String bad : new String[] {"10.88.0", "10.88.0.1.2", "010.0.0.1", "256.0.0.1", "a.b.c.d", "1..2.3", " 1.2.3.4", "localhost"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4.parse(bad), bad);
        }
        for (String bad : new String[] {"10.0.0.1", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1", "10.0.0.1/1a"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }
}
