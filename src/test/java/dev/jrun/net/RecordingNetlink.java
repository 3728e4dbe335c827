package dev.jrun.net;

import dev.jrun.net.RtNetlink.Link;
import dev.jrun.sys.Errno;
import dev.jrun.sys.Netlink;
import dev.jrun.sys.NetlinkChannel;
import dev.jrun.sys.NetlinkException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A netlink channel that records every request (its bytes and its description) and answers from a
 * script: a link table for RTM_GETLINK by name, and per description a queue of outcomes (an errno,
 * or a link for a GET) consumed in order. Anything unscripted succeeds.
 */
final class RecordingNetlink implements NetlinkChannel {
    final List<String> log = new ArrayList<>();
    final List<byte[]> sent = new ArrayList<>();
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final Map<String, Deque<Object>> script = new HashMap<>();
    private int seq;

    RecordingNetlink link(int index, String name, String kind) {
        links.put(name, new Link(index, name, 0x1002, 0, kind));
        return this;
    }

    /** Outcomes of the next requests described as {@code what}: an Integer errno, or a Link to answer a GET with. */
    RecordingNetlink then(String what, Object... outcomes) {
        script.computeIfAbsent(what, w -> new ArrayDeque<>()).addAll(List.of(outcomes));
        return this;
    }

    /** The request sent as the {@code n}th, rebuilt by {@code builder} for its sequence number: for byte comparisons. */
    byte[] expected(int n, IntFunction<byte[]> builder) {
        return builder.apply(Netlink.seq(sent.get(n)));
    }

    @Override
    public void request(IntFunction<byte[]> build, String what) throws NetlinkException {
        Object o = next(build, what);
        if (o != null) throw new IllegalStateException(what + " is not a GET");
    }

    @Override
    public byte[] get(IntFunction<byte[]> build, String what) throws NetlinkException {
        Object o = next(build, what);
        Link l = o != null ? (Link) o : lookup(sent.get(sent.size() - 1), what);
        return newlink(l);
    }

    @Override
    public List<byte[]> dump(IntFunction<byte[]> build, String what) throws NetlinkException {
        next(build, what);
        List<byte[]> out = new ArrayList<>();
        for (Link l : links.values()) out.add(newlink(l));
        return out;
    }

    private Object next(IntFunction<byte[]> build, String what) throws NetlinkException {
        sent.add(build.apply(++seq));
        log.add(what);
        Deque<Object> q = script.get(what);
        Object o = q == null ? null : q.poll();
        if (o instanceof Integer errno) throw new NetlinkException(what, errno, null);
        return o;
    }

    /** The table's answer to RTM_GETLINK with IFLA_IFNAME, read from the request itself. */
    private Link lookup(byte[] request, String what) throws NetlinkException {
        Netlink.Attrs a = new Netlink.Attrs(request, Netlink.NLMSG_HDRLEN + 16, request.length);
        while (a.next()) {
            if (a.type() == RtNetlink.IFLA_IFNAME) {
                Link l = links.get(a.string());
                if (l == null) throw new NetlinkException(what, Errno.ENODEV, null);
                return l;
            }
        }
        throw new IllegalStateException(what + ": no IFLA_IFNAME");
    }

    /** An RTM_NEWLINK as the kernel would send it about {@code l}. */
    static byte[] newlink(Link l) {
        Netlink.Builder b = new Netlink.Builder(RtNetlink.RTM_NEWLINK, 0, 0);
        b.u8(0).u8(0).u16(1).u32(l.index()).u32(l.flags()).u32(0);
        b.attrString(RtNetlink.IFLA_IFNAME, l.name());
        if (l.master() != 0) b.attrU32(RtNetlink.IFLA_MASTER, l.master());
        if (l.kind() != null) {
            int info = b.nest(RtNetlink.IFLA_LINKINFO);
            b.attrString(RtNetlink.IFLA_INFO_KIND, l.kind()).end(info);
        }
        return b.build();
    }

    @Override
    public void close() {}
}
