package dev.jrun.net;

import dev.jrun.net.RtNetlink.Link;
import dev.jrun.net.RtNetlink.NetnsRef;
import dev.jrun.sys.Errno;
import dev.jrun.sys.SyscallException;
import dev.jrun.sys.NetNs;
import dev.jrun.sys.NetlinkSocket;
import dev.jrun.sys.NetlinkChannel;
import dev.jrun.sys.NetlinkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A container's links, made as {@code ip} would make them, over rtnetlink. On the host: a bridge
 * holding the gateway address ({@link #ensureBridge}), and per container a veth pair
 * ({@link #createVeth}) whose host end is a port of the bridge ({@link #attach}) and whose other
 * end is born in the container's namespace as eth0 and configured there
 * ({@link #configureInNetns}). Deleting the host end deletes the pair ({@link #deleteLink}), so
 * that one call undoes a container's networking at any point after createVeth.
 *
 * <p>A Links works on the network namespace its socket was opened in: {@link #open()} the calling
 * thread's (the parent JVM's, i.e. the host's), {@link #openIn} any other. Runs in the parent JVM.
 */
public final class Links implements AutoCloseable {
    private final NetlinkChannel nl;

    /** Over any channel: tests pass a recording one. */
    Links(NetlinkChannel nl) {
        this.nl = nl;
    }

    /** Links of the calling thread's network namespace. */
    public static Links open() throws NetlinkException {
        return new Links(NetlinkSocket.open());
    }

    /** Links of the network namespace of {@code netnsFile} (e.g. /proc/PID/ns/net). */
    public static Links openIn(String netnsFile) throws NetlinkException, SyscallException {
        return new Links(NetNs.call(netnsFile, NetlinkSocket::open));
    }

    /**
     * The host end's name for a container: "jr" and 8 hex digits of a hash of its id, so it fits
     * IFNAMSIZ (15 bytes) and a run that died can be cleaned up from its id alone. Two ids that
     * collide fail at {@link #createVeth} with EEXIST; they never share a link.
     */
    public static String vethName(String containerId) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64, folded: cheap at a cold start, unlike MessageDigest
        for (byte b : containerId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        String hex = Integer.toHexString((int) (h ^ (h >>> 32)));
        return "jr" + "0".repeat(8 - hex.length()) + hex;
    }

    /**
     * Makes sure bridge {@code name} exists with address {@code gateway} and is up, with a MAC of
     * its own ({@link #gatewayMac}). Idempotent and
     * safe against other runs doing the same at the same time: each step's EEXIST means another
     * run did it first. A bridge deleted between two steps (a run tearing it down) is made again.
     */
    public void ensureBridge(String name, Cidr gateway) throws NetlinkException {
        String what = "RTM_NEWLINK bridge " + name;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                nl.request(seq -> RtNetlink.newBridge(seq, name, gatewayMac(gateway.address())), what);
            } catch (NetlinkException e) {
                if (e.errno != Errno.EEXIST) throw e;
            }
            Optional<Link> bridge = link(name);
            if (bridge.isEmpty()) continue;
            if (!"bridge".equals(bridge.get().kind())) {
                throw new NetlinkException(what, Errno.EEXIST, name + " exists and is " + kind(bridge.get()) + ", not a bridge");
            }
            int index = bridge.get().index();
            try {
                try {
                    nl.request(seq -> RtNetlink.newAddress(seq, index, gateway, gateway.broadcast()),
                            "RTM_NEWADDR " + gateway + " dev " + name);
                } catch (NetlinkException e) {
                    if (e.errno != Errno.EEXIST) throw e;
                }
                nl.request(seq -> RtNetlink.setUp(seq, index, true), "RTM_NEWLINK " + name + " up");
                return;
            } catch (NetlinkException e) {
                if (e.errno != Errno.ENODEV) throw e;
            }
        }
        throw new NetlinkException(what, Errno.ENODEV, name + " disappeared 3 times while it was being set up");
    }

    /**
     * The bridge's fixed MAC: locally administered (02:), then 42 and the gateway's four bytes, as
     * Docker once made MACs from addresses: readable, and distinct for distinct bridge subnets.
     */
    public static byte[] gatewayMac(Ipv4 gateway) {
        byte[] a = gateway.bytes();
        return new byte[] {0x02, 0x42, a[0], a[1], a[2], a[3]};
    }

    /**
     * A veth pair: {@code hostName} here, down and unattached, and {@code containerName} born in
     * the container's namespace (so "eth0" need be free only there). The container's end is left
     * for {@link #configureInNetns}. Name the namespace by an fd where one is at hand: a pid is
     * looked up when the kernel reads the request, and names whoever holds that pid then.
     */
    public void createVeth(String hostName, NetnsRef container, String containerName) throws NetlinkException {
        nl.request(seq -> RtNetlink.newVeth(seq, hostName, containerName, container),
                "RTM_NEWLINK veth " + hostName + " peer " + containerName + " in " + container);
    }

    /** Makes {@code hostName} a port of {@code bridge}, and up. */
    public void attach(String hostName, String bridge) throws NetlinkException {
        int master = index(bridge);
        int port = index(hostName);
        nl.request(seq -> RtNetlink.setMaster(seq, port, master), "RTM_NEWLINK " + hostName + " master " + bridge);
        nl.request(seq -> RtNetlink.setUp(seq, port, true), "RTM_NEWLINK " + hostName + " up");
    }

    /** {@link #configure} in the network namespace of {@code netnsFile}. */
    public static void configureInNetns(String netnsFile, String ifname, Cidr address, Ipv4 gateway)
            throws NetlinkException, SyscallException {
        try (Links in = openIn(netnsFile)) {
            in.configure(ifname, address, gateway);
        }
    }

    /**
     * A second (third...) interface of a running container ({@code jrun network connect}): its
     * address and up, no default route — the container keeps the one it has.
     */
    public static void addInNetns(String netnsFile, String ifname, Cidr address) throws NetlinkException, SyscallException {
        try (Links in = openIn(netnsFile)) {
            int dev = in.index(ifname);
            in.nl.request(seq -> RtNetlink.newAddress(seq, dev, address, address.broadcast()), "RTM_NEWADDR " + address + " dev " + ifname);
            in.nl.request(seq -> RtNetlink.setUp(seq, dev, true), "RTM_NEWLINK " + ifname + " up");
        }
    }

    /**
     * The container side: lo up; {@code ifname} gets {@code address} (with its subnet's
     * broadcast) and goes up; the default route goes via {@code gateway} on it. In this order
     * because a route via a gateway needs its device up and the gateway on one of its subnets
     * (otherwise ENETUNREACH, "Nexthop has invalid gateway").
     */
    public void configure(String ifname, Cidr address, Ipv4 gateway) throws NetlinkException {
        if (!address.contains(gateway)) {
            throw new IllegalArgumentException("gateway " + gateway + " is not in " + address.network() + "/" + address.prefix());
        }
        int lo = index("lo");
        nl.request(seq -> RtNetlink.setUp(seq, lo, true), "RTM_NEWLINK lo up");
        int dev = index(ifname);
        nl.request(seq -> RtNetlink.newAddress(seq, dev, address, address.broadcast()), "RTM_NEWADDR " + address + " dev " + ifname);
        nl.request(seq -> RtNetlink.setUp(seq, dev, true), "RTM_NEWLINK " + ifname + " up");
        nl.request(seq -> RtNetlink.newRoute(seq, new Cidr(new Ipv4(0), 0), gateway, dev),
                "RTM_NEWROUTE default via " + gateway + " dev " + ifname);
    }

    /**
     * Deletes a link (a veth with its peer, wherever the peer is); false if it was already gone,
     * as a container's host end is once its namespace has died (the kernel deletes the pair).
     */
    public boolean deleteLink(String name) throws NetlinkException {
        Optional<Link> l = link(name);
        return l.isPresent() && delete(l.get());
    }

    /** Deletes a bridge (its ports stay, detached); false if there was none. Refuses a link of another kind. */
    public boolean deleteBridge(String name) throws NetlinkException {
        Optional<Link> l = link(name);
        if (l.isEmpty()) return false;
        if (!"bridge".equals(l.get().kind())) {
            throw new NetlinkException("RTM_DELLINK bridge " + name, Errno.EINVAL, name + " is " + kind(l.get()) + ", not a bridge");
        }
        return delete(l.get());
    }

    public boolean linkExists(String name) throws NetlinkException {
        return link(name).isPresent();
    }

    public Optional<Link> link(String name) throws NetlinkException {
        try {
            return Optional.of(RtNetlink.parseLink(nl.get(seq -> RtNetlink.getLink(seq, name), "RTM_GETLINK " + name)));
        } catch (NetlinkException e) {
            if (e.errno == Errno.ENODEV) return Optional.empty();
            throw e;
        }
    }

    public List<Link> links() throws NetlinkException {
        List<Link> out = new ArrayList<>();
        for (byte[] m : nl.dump(RtNetlink::dumpLinks, "RTM_GETLINK dump")) out.add(RtNetlink.parseLink(m));
        return out;
    }

    private boolean delete(Link l) throws NetlinkException {
        try {
            nl.request(seq -> RtNetlink.delLink(seq, l.index()), "RTM_DELLINK " + l.name());
            return true;
        } catch (NetlinkException e) {
            if (e.errno == Errno.ENODEV) return false; // gone since the lookup: a dying namespace took it
            throw e;
        }
    }

    private int index(String name) throws NetlinkException {
        return link(name).orElseThrow(() -> new NetlinkException("RTM_GETLINK " + name, Errno.ENODEV, null)).index();
    }

    private static String kind(Link l) {
        return l.kind() == null ? "a device without a kind" : "a " + l.kind();
    }

    @Override
    public void close() {
        nl.close();
    }
}
