package dev.jrun.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Userspace networking for a network namespace jrun may not put a veth into: pasta (Debian
 * passt), else slirp4netns, started against the container's namespace between the clone and
 * SYNC_GO, and stopped with it. Both get slirp4netns's addressing, so the generated /etc/hosts
 * and resolv.conf do not depend on which one a host has: the container is {@link #ADDRESS}/24 on
 * {@link #IFNAME}, its gateway {@link #GATEWAY} is the host's loopback (a server the host runs on
 * 127.0.0.1 is reachable there) and {@link #DNS} forwards to the host's resolver.
 *
 * <p>This class only decides the command line; the supervisor forks the helper (so it dies with
 * jrun) with the fds the command line names: {@link #NETNS_FD}, {@link #READY_FD} and, rootless,
 * {@link #USERNS_FD}. The helper writes to the readiness fd once the namespace is configured
 * (pasta its pid, through {@code --pid}; slirp4netns "1", through {@code --ready-fd}).
 */
public final class Slirp {
    public static final String ADDRESS = "10.0.2.100";
    public static final int PREFIX = 24;
    public static final String GATEWAY = "10.0.2.2";
    public static final String DNS = "10.0.2.3";
    public static final String IFNAME = "eth0";
    public static final int MTU = 65520;

    /** The helper's fds, as its command line names them. */
    public static final int NETNS_FD = 3;
    public static final int READY_FD = 4;
    public static final int USERNS_FD = 5;
    /** The directory of slirp4netns's API socket, an O_PATH fd: see {@link #API_SOCKET}. */
    public static final int API_DIR_FD = 6;
    /**
     * Where slirp4netns listens, as it names it: in the directory jrun hands it as
     * {@link #API_DIR_FD}. A socket's path may hold at most 107 bytes, which a private dir under
     * a deep TMPDIR exceeds; through the fd the path is a few bytes however deep the directory.
     */
    public static final String API_SOCKET = "/proc/self/fd/" + API_DIR_FD + "/slirp.sock";

    /** The helpers jrun knows, in the order it prefers them, with the Debian package of each. */
    public enum Kind {
        PASTA("pasta", "passt"),
        SLIRP4NETNS("slirp4netns", "slirp4netns");

        public final String program;
        public final String debianPackage;

        Kind(String program, String debianPackage) {
            this.program = program;
            this.debianPackage = debianPackage;
        }
    }

    /**
     * What to run. {@code apiSocket} is where slirp4netns listens for the port forwards
     * ({@link #forwardRequest}), {@link #API_SOCKET} or null; pasta takes them on its command line
     * and has none.
     */
    public record Command(Kind kind, String path, List<String> argv, String apiSocket) {}

    private Slirp() {}

    /**
     * The first helper on PATH, or an error that names both packages. {@code apiDir}: jrun can hand
     * slirp4netns a directory for its API socket ({@link #API_DIR_FD}), which its port forwards need.
     */
    public static Command command(List<Port> ports, boolean asRoot, boolean joinUserns, boolean apiDir)
            throws NetworkException {
        String pasta = Helpers.find(Kind.PASTA.program);
        if (pasta != null) return new Command(Kind.PASTA, pasta, pasta(pasta, ports, asRoot, joinUserns), null);
        String slirp = Helpers.find(Kind.SLIRP4NETNS.program);
        if (slirp != null) {
            String api = ports.isEmpty() || !apiDir ? null : API_SOCKET;
            return new Command(Kind.SLIRP4NETNS, slirp, slirp4netns(slirp, asRoot, joinUserns, api), api);
        }
        throw new NetworkException("network mode slirp needs pasta or slirp4netns, and neither is on PATH:"
                + " install the " + Kind.PASTA.debianPackage + " package (pasta) or the " + Kind.SLIRP4NETNS.debianPackage
                + " package (on Debian: apt-get install passt), or use network.mode none");
    }

    /**
     * pasta in the foreground (the supervisor is its parent, and its death signal works only so),
     * IPv4 with slirp4netns's addresses, and no port forwarded but the spec's: pasta's default
     * "auto" would forward every port the container binds to the host (-t/-u) and every port the
     * host binds into the container (-T/-U). As root it would drop to nobody before joining the
     * namespace, which nobody cannot; --runas 0:0 keeps root (pasta still drops its capabilities).
     */
    static List<String> pasta(String path, List<Port> ports, boolean asRoot, boolean joinUserns) {
        List<String> a = new ArrayList<>(List.of(path, "--foreground", "--quiet", "--ipv4-only", "--config-net",
                "--address", ADDRESS, "--netmask", Integer.toString(PREFIX), "--gateway", GATEWAY,
                "--dns-forward", DNS, "--ns-ifname", IFNAME, "--mtu", Integer.toString(MTU),
                "--pid", fd(READY_FD)));
        a.addAll(List.of("--tcp-ports", pastaPorts(ports, "tcp"), "--udp-ports", pastaPorts(ports, "udp"),
                "--tcp-ns", "none", "--udp-ns", "none"));
        if (asRoot) a.addAll(List.of("--runas", "0:0"));
        if (joinUserns) a.addAll(List.of("--userns", fd(USERNS_FD)));
        a.addAll(List.of("--netns", fd(NETNS_FD)));
        return a;
    }

    /** "8080:80,127.0.0.1/9000:9000", or "none". */
    static String pastaPorts(List<Port> ports, String protocol) {
        StringBuilder b = new StringBuilder();
        for (Port p : ports) {
            if (!p.protocol().equals(protocol)) continue;
            if (b.length() > 0) b.append(',');
            if (p.hostIp() != null) b.append(p.hostIp()).append('/');
            b.append(p.hostPort()).append(':').append(p.containerPort());
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /**
     * slirp4netns configuring the namespace itself, seccomp-filtered, and as root sandboxed (its
     * own mount namespace, pivot_root, no capabilities) as podman runs it: rootless, outside a user
     * namespace of its own, the sandbox's setegid(0) fails. The port forwards go through its API
     * socket once it is ready.
     */
    static List<String> slirp4netns(String path, boolean asRoot, boolean joinUserns, String apiSocket) {
        List<String> a = new ArrayList<>(List.of(path, "--configure", "--mtu=" + MTU, "--ready-fd=" + READY_FD));
        if (asRoot) a.add("--enable-sandbox");
        a.addAll(List.of("--enable-seccomp", "--netns-type=path"));
        if (joinUserns) a.add("--userns-path=" + fd(USERNS_FD));
        if (apiSocket != null) a.add("--api-socket=" + apiSocket);
        a.add(fd(NETNS_FD));
        a.add(IFNAME);
        return a;
    }

    /** slirp4netns's add_hostfwd request for one published port (one JSON object a connection). */
    public static String forwardRequest(Port p) {
        return "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"" + p.protocol() + "\", \"host_addr\": \""
                + (p.hostIp() == null ? "0.0.0.0" : p.hostIp()) + "\", \"host_port\": " + p.hostPort()
                + ", \"guest_port\": " + p.containerPort() + "}}";
    }

    /** The API socket in the directory that jrun's own fd {@code dirFd} names (the helper's {@link #API_DIR_FD}). */
    public static String apiSocketIn(int dirFd) {
        return "/proc/self/fd/" + dirFd + "/slirp.sock";
    }

    /** Asks slirp4netns, on its API socket, to forward one published port; its error, if any, as the message. */
    public static void forward(String apiSocket, Port p) throws NetworkException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(apiSocket))) {
            ch.write(ByteBuffer.wrap(forwardRequest(p).getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (ch.read(buf) > 0 && reply.size() < 65536) {
                reply.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            String r = reply.toString(StandardCharsets.UTF_8);
            if (!r.contains("\"return\"")) {
                throw new NetworkException("slirp4netns refused to publish port " + p + ": " + r.trim());
            }
        } catch (IOException e) {
            throw new NetworkException("publishing port " + p + " through slirp4netns's API socket " + apiSocket + ": " + e.getMessage());
        }
    }

    private static String fd(int n) {
        return "/proc/self/fd/" + n;
    }
}
