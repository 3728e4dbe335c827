package dev.jrun.net;

import dev.jrun.sys.Linux;
import dev.jrun.sys.Netlink;
import dev.jrun.sys.Netlink.Builder;
import java.nio.charset.StandardCharsets;

/**
 * rtnetlink(7) requests as bytes, and the link replies read back: pure data, no I/O. Each builder
 * writes the message iproute2 6.1 sends for the same command, attribute for attribute (the unit
 * test compares them with ones captured from {@code ip}), so a difference in behaviour between jrun
 * and {@code ip} is never one of encoding. Links are named by index, as {@code ip} does after its
 * own lookup, except where creating or looking up by name.
 */
public final class RtNetlink {
    private RtNetlink() {}

    // linux/rtnetlink.h
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_NEWROUTE = 24;
    public static final int RT_TABLE_MAIN = 254;
    public static final int RTPROT_BOOT = 3;
    public static final int RT_SCOPE_UNIVERSE = 0;
    public static final int RTN_UNICAST = 1;
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTEXT_FILTER_VF = 1;
    public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

    // linux/socket.h
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_PACKET = 17;

    // linux/if_link.h, linux/veth.h
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MASTER = 10;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_NET_NS_PID = 19;
    public static final int IFLA_NET_NS_FD = 28;
    public static final int IFLA_EXT_MASK = 29;
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    public static final int VETH_INFO_PEER = 1;

    // linux/if_addr.h
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_BROADCAST = 4;

    private static final int NEW = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_EXCL | Netlink.NLM_F_CREATE;
    private static final int SET = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK;

    /**
     * A network namespace as rtnetlink names one: an fd open in the sending process
     * (IFLA_NET_NS_FD), or a process whose namespace it is (IFLA_NET_NS_PID).
     */
    public record NetnsRef(int attr, int value) {
        public static NetnsRef fd(int fd) {
            return new NetnsRef(IFLA_NET_NS_FD, fd);
        }

        public static NetnsRef pid(int pid) {
            return new NetnsRef(IFLA_NET_NS_PID, pid);
        }

        @Override
        public String toString() {
            return attr == IFLA_NET_NS_FD ? "netns fd " + value : "netns of pid " + value;
        }
    }

    /** One RTM_NEWLINK of a reply: what jrun needs of a link. {@code master} 0 = none, {@code kind} null = none. */
    public record Link(int index, String name, int flags, int master, String kind) {
        public boolean up() {
            return (flags & Linux.IFF_UP) != 0;
        }
    }

    /**
     * ip link add NAME [address MAC] type bridge. Without a MAC of its own a bridge takes the
     * lowest of its ports' (measured: it changes as ports come and go), so the gateway's MAC in the
     * containers' ARP caches would go stale whenever a container leaves; {@code mac} may be null.
     */
    public static byte[] newBridge(int seq, String name, byte[] mac) {
        Builder m = ifinfomsg(new Builder(RTM_NEWLINK, NEW, seq), AF_UNSPEC, 0, 0, 0);
        if (mac != null) {
            if (mac.length != 6) throw new IllegalArgumentException("a MAC address has 6 bytes, not " + mac.length);
            m.attr(IFLA_ADDRESS, mac);
        }
        m.attrString(IFLA_IFNAME, checkName(name));
        int info = m.nest(IFLA_LINKINFO);
        m.attr(IFLA_INFO_KIND, ascii("bridge")); // without the NUL, as ip sends kinds
        return m.end(info).build();
    }

    /**
     * ip link add NAME type veth peer name PEER [netns NS]. With a namespace the peer is born in it,
     * so its name need only be free there: every container's end can be "eth0".
     */
    public static byte[] newVeth(int seq, String name, String peer, NetnsRef peerNs) {
        Builder m = ifinfomsg(new Builder(RTM_NEWLINK, NEW, seq), AF_UNSPEC, 0, 0, 0);
        m.attrString(IFLA_IFNAME, checkName(name));
        int info = m.nest(IFLA_LINKINFO);
        m.attr(IFLA_INFO_KIND, ascii("veth"));
        int data = m.nest(IFLA_INFO_DATA);
        int p = m.nest(VETH_INFO_PEER); // the peer's own ifinfomsg, then its attributes
        ifinfomsg(m, AF_UNSPEC, 0, 0, 0);
        if (peerNs != null) m.attrU32(peerNs.attr(), peerNs.value());
        m.attrString(IFLA_IFNAME, checkName(peer));
        return m.end(p).end(data).end(info).build();
    }

    /** ip link set dev INDEX up|down: IFF_UP in ifi_flags, and only that bit in ifi_change. */
    public static byte[] setUp(int seq, int index, boolean up) {
        return ifinfomsg(new Builder(RTM_NEWLINK, SET, seq), AF_UNSPEC, index, up ? Linux.IFF_UP : 0, Linux.IFF_UP).build();
    }

    /** ip link set dev INDEX master MASTER; {@code master} 0 = nomaster. */
    public static byte[] setMaster(int seq, int index, int master) {
        return ifinfomsg(new Builder(RTM_NEWLINK, SET, seq), AF_UNSPEC, index, 0, 0).attrU32(IFLA_MASTER, master).build();
    }

    /** ip link set dev INDEX netns NS */
    public static byte[] setNetns(int seq, int index, NetnsRef ns) {
        return ifinfomsg(new Builder(RTM_NEWLINK, SET, seq), AF_UNSPEC, index, 0, 0).attrU32(ns.attr(), ns.value()).build();
    }

    /** ip link set dev INDEX name NAME */
    public static byte[] rename(int seq, int index, String name) {
        return ifinfomsg(new Builder(RTM_NEWLINK, SET, seq), AF_UNSPEC, index, 0, 0).attrString(IFLA_IFNAME, checkName(name)).build();
    }

    /** ip link del dev INDEX (a veth takes its peer with it; a bridge frees its ports) */
    public static byte[] delLink(int seq, int index) {
        return ifinfomsg(new Builder(RTM_DELLINK, SET, seq), AF_UNSPEC, index, 0, 0).build();
    }

    /** ip addr add ADDRESS/PREFIX [broadcast BRD] dev INDEX; {@code broadcast} may be null. */
    public static byte[] newAddress(int seq, int index, Cidr address, Ipv4 broadcast) {
        Builder m = new Builder(RTM_NEWADDR, NEW, seq);
        m.u8(AF_INET).u8(address.prefix()).u8(0).u8(RT_SCOPE_UNIVERSE).u32(index); // ifaddrmsg
        m.attr(IFA_LOCAL, address.address().bytes());
        if (broadcast != null) m.attr(IFA_BROADCAST, broadcast.bytes());
        m.attr(IFA_ADDRESS, address.address().bytes()); // on a broadcast link, the same as IFA_LOCAL
        return m.build();
    }

    /** ip route add DST via GATEWAY dev OIF; a /0 {@code dst} is the default route. */
    public static byte[] newRoute(int seq, Cidr dst, Ipv4 gateway, int oif) {
        Builder m = new Builder(RTM_NEWROUTE, NEW, seq);
        m.u8(AF_INET).u8(dst.prefix()).u8(0).u8(0) // rtmsg: family, dst_len, src_len, tos
                .u8(RT_TABLE_MAIN).u8(RTPROT_BOOT).u8(RT_SCOPE_UNIVERSE).u8(RTN_UNICAST).u32(0);
        if (dst.prefix() > 0) m.attr(RTA_DST, dst.network().bytes());
        m.attr(RTA_GATEWAY, gateway.bytes());
        m.attrU32(RTA_OIF, oif);
        return m.build();
    }

    /**
     * One link by name, without statistics, as iproute2's own name-to-index lookup (ll_link_get)
     * asks. The answer is one RTM_NEWLINK, or ENODEV.
     */
    public static byte[] getLink(int seq, String name) {
        Builder m = ifinfomsg(new Builder(RTM_GETLINK, Netlink.NLM_F_REQUEST, seq), AF_UNSPEC, 0, 0, 0);
        m.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
        return m.attrString(IFLA_IFNAME, checkName(name)).build();
    }

    /** Every link of the namespace, as {@code ip link show} asks: RTM_NEWLINKs until NLMSG_DONE. */
    public static byte[] dumpLinks(int seq) {
        Builder m = ifinfomsg(new Builder(RTM_GETLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP, seq), AF_PACKET, 0, 0, 0);
        return m.attrU32(IFLA_EXT_MASK, RTEXT_FILTER_VF).build();
    }

    /** Reads an RTM_NEWLINK (a reply to {@link #getLink} or one message of {@link #dumpLinks}). */
    public static Link parseLink(byte[] msg) {
        if (Netlink.type(msg) != RTM_NEWLINK) {
            throw new IllegalArgumentException("netlink message type " + Netlink.type(msg) + ", not RTM_NEWLINK");
        }
        int ifi = Netlink.NLMSG_HDRLEN;
        int index = Netlink.u32(msg, ifi + 4);
        int flags = Netlink.u32(msg, ifi + 8);
        String name = null;
        int master = 0;
        String kind = null;
        Netlink.Attrs a = new Netlink.Attrs(msg, ifi + 16, msg.length);
        while (a.next()) {
            switch (a.type()) {
                case IFLA_IFNAME -> name = a.string();
                case IFLA_MASTER -> master = a.u32();
                case IFLA_LINKINFO -> {
                    Netlink.Attrs info = a.nested();
                    while (info.next()) {
                        if (info.type() == IFLA_INFO_KIND) kind = info.string();
                    }
                }
                default -> { }
            }
        }
        return new Link(index, name, flags, master, kind);
    }

    /**
     * The kernel's dev_valid_name(): 1 to IFNAMSIZ-1 bytes, not "." or "..", no '/', ':' or
     * white space. Checked here so that a bad name is reported as itself, not as EINVAL.
     */
    public static String checkName(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        boolean ok = b.length > 0 && b.length < Linux.IFNAMSIZ && !name.equals(".") && !name.equals("..");
        for (byte c : b) ok &= c != '/' && c != ':' && c != ' ' && (c < '\t' || c > '\r');
        if (!ok) {
            throw new IllegalArgumentException("invalid interface name \"" + name + "\": 1 to " + (Linux.IFNAMSIZ - 1)
                    + " bytes, not . or .., without / : or white space");
        }
        return name;
    }

    /** struct ifinfomsg: family, pad, type (ARPHRD_*, 0 = any), index, flags, change mask. */
    private static Builder ifinfomsg(Builder m, int family, int index, int flags, int change) {
        return m.u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
