package dev.jrun.sys;

import static dev.jrun.sys.LibcSyscalls.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A NETLINK_ROUTE socket (netlink(7), rtnetlink(7)) through raw syscalls: send one request, read
 * the replies that carry its sequence number up to its ACK, its answer or its dump's NLMSG_DONE.
 *
 * <p>The socket belongs to the network namespace of the thread that created it, for its whole
 * life, whichever thread uses it later: open it inside {@link NetNs#call} to work on another
 * namespace from the parent JVM. One request at a time (the methods are synchronized).
 */
public final class NetlinkSocket implements NetlinkChannel {
    /**
     * The kernel fills a dump datagram up to 32 KiB (netlink_dump), and an answer is one message:
     * twice that never truncates. MSG_TRUNC still reports it if it ever did.
     */
    private static final int RECEIVE_BUFFER = 64 * 1024;
    /** The kernel answers at once; silence means a request that asked for no answer, so fail instead of hanging. */
    private static final long TIMEOUT_SECONDS = 5;
    /** How many times a dump torn by concurrent changes (NLM_F_DUMP_INTR) is asked. */
    private static final int DUMP_ATTEMPTS = 3;

    private final int fd;
    private final Memory in = new Memory(RECEIVE_BUFFER);
    private Memory out = new Memory(1024);
    private int seq;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** A NETLINK_ROUTE socket in the calling thread's network namespace. */
    public static NetlinkSocket open() throws NetlinkException {
        if (Linux.NR == null) throw new UnsupportedOperationException("jrun supports x86_64 and aarch64 only");
        long r = sys(Linux.NR.socket(), NetLinux.AF_NETLINK, NetLinux.SOCK_RAW | Linux.SOCK_CLOEXEC, NetLinux.NETLINK_ROUTE, 0, 0, 0);
        if (r < 0) throw new NetlinkException("socket(AF_NETLINK, NETLINK_ROUTE)", (int) -r, null);
        NetlinkSocket s = new NetlinkSocket((int) r);
        try {
            s.setUp();
            return s;
        } catch (NetlinkException e) {
            s.close();
            throw e;
        }
    }

    private void setUp() throws NetlinkException {
        try (Memory m = new Memory(16)) {
            m.clear();
            m.setShort(0, (short) NetLinux.AF_NETLINK); // nl_pid 0: the kernel picks our port id
            check(sys(Linux.NR.bind(), fd, Pointer.nativeValue(m), NetLinux.SOCKADDR_NL_SIZE, 0, 0, 0), "bind(AF_NETLINK)");
            // Extended ACKs: the kernel says why ("Nexthop has invalid gateway"), and does not echo
            // the whole request back with every error.
            m.setInt(0, 1);
            check(sys(Linux.NR.setsockopt(), fd, NetLinux.SOL_NETLINK, NetLinux.NETLINK_EXT_ACK, Pointer.nativeValue(m), 4, 0),
                    "setsockopt(NETLINK_EXT_ACK)");
            check(sys(Linux.NR.setsockopt(), fd, NetLinux.SOL_NETLINK, NetLinux.NETLINK_CAP_ACK, Pointer.nativeValue(m), 4, 0),
                    "setsockopt(NETLINK_CAP_ACK)");
            m.setLong(0, TIMEOUT_SECONDS);
            m.setLong(8, 0);
            check(sys(Linux.NR.setsockopt(), fd, NetLinux.SOL_SOCKET, NetLinux.SO_RCVTIMEO, Pointer.nativeValue(m), 16, 0),
                    "setsockopt(SO_RCVTIMEO)");
        }
    }

    @Override
    public synchronized void request(IntFunction<byte[]> build, String what) throws NetlinkException {
        exchange(build.apply(++seq), what);
    }

    @Override
    public synchronized byte[] get(IntFunction<byte[]> build, String what) throws NetlinkException {
        List<byte[]> r = exchange(build.apply(++seq), what);
        if (r.size() != 1) throw new IllegalStateException(what + ": " + r.size() + " answers, expected one");
        return r.get(0);
    }

    /** A dump that raced with a change (NLM_F_DUMP_INTR) is asked again. */
    @Override
    public synchronized List<byte[]> dump(IntFunction<byte[]> build, String what) throws NetlinkException {
        for (int attempt = 1; ; attempt++) {
            List<byte[]> r = exchange(build.apply(++seq), what);
            boolean torn = false;
            for (byte[] m : r) torn |= (Netlink.flags(m) & Netlink.NLM_F_DUMP_INTR) != 0;
            if (!torn) return r;
            if (attempt == DUMP_ATTEMPTS) {
                throw new NetlinkException(what, Errno.EAGAIN, "the dump was interrupted by changes " + DUMP_ATTEMPTS + " times");
            }
        }
    }

    /**
     * One request and its replies. Which reply ends it follows from the request's flags: a dump
     * ends at NLMSG_DONE, an NLM_F_ACK request at its NLMSG_ERROR (0 = ACK), a plain GET at its
     * first answer. Messages of other sequence numbers (answers to a request that failed earlier)
     * are skipped.
     */
    private List<byte[]> exchange(byte[] request, String what) throws NetlinkException {
        int want = Netlink.seq(request);
        int flags = Netlink.flags(request);
        boolean dump = (flags & Netlink.NLM_F_DUMP) == Netlink.NLM_F_DUMP;
        boolean ack = (flags & Netlink.NLM_F_ACK) != 0;
        send(request, what);
        List<byte[]> answers = new ArrayList<>();
        while (true) {
            for (byte[] m : receive(what)) {
                if (Netlink.seq(m) != want) continue;
                int type = Netlink.type(m);
                if (type == Netlink.NLMSG_ERROR) {
                    int error = Netlink.error(m);
                    if (error != 0) throw new NetlinkException(what, -error, Netlink.errorMessage(m));
                    return answers;
                }
                if (type == Netlink.NLMSG_DONE) {
                    int status = Netlink.doneStatus(m);
                    if (status < 0) throw new NetlinkException(what, -status, null);
                    return answers;
                }
                if (type == Netlink.NLMSG_NOOP) continue;
                answers.add(m);
                if (!dump && !ack) return answers;
            }
        }
    }

    private void send(byte[] request, String what) throws NetlinkException {
        if (closed) throw new IllegalStateException("netlink socket closed");
        if (out.size() < request.length) {
            out.close();
            out = new Memory(request.length);
        }
        out.write(0, request, 0, request.length);
        long r;
        do {
            // no address: an unconnected netlink socket sends to the kernel (port 0)
            r = sys(Linux.NR.sendto(), fd, Pointer.nativeValue(out), request.length, 0, 0, 0);
        } while (r == -Errno.EINTR);
        check(r, what + " (sendto)");
        // a netlink datagram goes whole or not at all
        if (r != request.length) throw new IllegalStateException(what + ": sendto sent " + r + " of " + request.length + " bytes");
    }

    private List<byte[]> receive(String what) throws NetlinkException {
        long r;
        do {
            r = sys(Linux.NR.recvfrom(), fd, Pointer.nativeValue(in), RECEIVE_BUFFER, NetLinux.MSG_TRUNC, 0, 0);
        } while (r == -Errno.EINTR);
        if (r == -Errno.EAGAIN) throw new NetlinkException(what, Errno.EAGAIN, "no answer from the kernel in " + TIMEOUT_SECONDS + " s");
        check(r, what + " (recvfrom)");
        if (r > RECEIVE_BUFFER) throw new NetlinkException(what, NetLinux.ENOBUFS, "a reply of " + r + " bytes was truncated to " + RECEIVE_BUFFER);
        return Netlink.split(in.getByteArray(0, (int) r), (int) r);
    }

    private static long check(long r, String what) throws NetlinkException {
        if (r < 0) throw new NetlinkException(what, (int) -r, null);
        return r;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LinuxHost.INSTANCE.close(fd);
        in.close();
        out.close();
    }
}
