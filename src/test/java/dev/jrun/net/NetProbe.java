package dev.jrun.net;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.jrun.net.RtNetlink.NetnsRef;
import dev.jrun.sys.LibcSyscalls;
import dev.jrun.sys.Linux;
import dev.jrun.sys.NetNs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The "host" side of RtNetlinkContainerTest: a JVM started under {@code unshare --net}, so that
 * its own network namespace plays the host's and nothing it does can reach the real one. It
 * refuses to start in the namespace named by its argument (the test JVM's, the real host's), then
 * answers one command a line on stdin with one line on stdout: "ok RESULT MICROSECONDS" or
 * "err MESSAGE".
 */
public final class NetProbe {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        String mine = NetNs.id("/proc/self/ns/net");
        if (args.length != 1 || mine.equals(args[0])) {
            System.err.println("NetProbe: refusing to run in the network namespace " + mine + " (the host's is " + Arrays.toString(args) + ")");
            System.exit(3);
        }
        OUT.println("ready " + mine);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Links links = Links.open()) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("quit")) break;
                long t0 = System.nanoTime();
                try {
                    String r = run(links, line.split(" "));
                    OUT.println("ok " + r + " " + (System.nanoTime() - t0) / 1000);
                } catch (Exception e) {
                    OUT.println("err " + e.getMessage());
                }
            }
        }
    }

    private static String run(Links links, String[] a) throws Exception {
        switch (a[0]) {
            case "bridge": // NAME GATEWAY/PREFIX
                links.ensureBridge(a[1], Cidr.parse(a[2]));
                return "-";
            case "bridgein": { // NSFILE NAME GATEWAY/PREFIX: through a socket opened in another namespace
                try (Links there = Links.openIn(a[1])) {
                    there.ensureBridge(a[2], Cidr.parse(a[3]));
                }
                return "-";
            }
            case "parallelbridge": // N NAME GATEWAY/PREFIX: N sockets at once, as N runs would
                return parallelBridge(Integer.parseInt(a[1]), a[2], Cidr.parse(a[3]));
            case "veth": { // HOSTNAME pid|fd PID PEERNAME
                int pid = Integer.parseInt(a[3]);
                if (a[2].equals("pid")) {
                    links.createVeth(a[1], NetnsRef.pid(pid), a[4]);
                } else {
                    int fd = open("/proc/" + pid + "/ns/net");
                    try {
                        links.createVeth(a[1], NetnsRef.fd(fd), a[4]);
                    } finally {
                        LibcSyscalls.sys(Linux.NR.close(), fd, 0, 0, 0, 0, 0);
                    }
                }
                return "-";
            }
            case "attach": // HOSTNAME BRIDGE
                links.attach(a[1], a[2]);
                return "-";
            case "configure": // NSFILE IFNAME ADDRESS/PREFIX GATEWAY
                Links.configureInNetns(a[1], a[2], Cidr.parse(a[3]), Ipv4.parse(a[4]));
                return "-";
            case "delete":
                return String.valueOf(links.deleteLink(a[1]));
            case "deletebridge":
                return String.valueOf(links.deleteBridge(a[1]));
            case "exists":
                return String.valueOf(links.linkExists(a[1]));
            case "links": {
                List<String> names = new ArrayList<>();
                for (RtNetlink.Link l : links.links()) names.add(l.name());
                return String.join(",", names);
            }
            case "netns": { // NSFILE: the namespace seen inside the action, then the caller's after it
                String inside = NetNs.call(a[1], NetNs::current);
                return inside + "," + NetNs.current() + "," + NetNs.id("/proc/self/ns/net");
            }
            case "listen": // ADDRESS PORT [NSFILE]: one greeting per connection, naming the socket's namespace
                return listen(InetAddress.getByName(a[1]), Integer.parseInt(a[2]), a.length > 3 ? a[3] : null);
            case "bench": // N PID: N times veth + attach + configure, then delete; micros, sorted
                return bench(links, Integer.parseInt(a[1]), Integer.parseInt(a[2]));
            default:
                throw new IllegalArgumentException("unknown command " + a[0]);
        }
    }

    private static String parallelBridge(int n, String name, Cidr gateway) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Exception[] failed = new Exception[n];
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            threads[i] = new Thread(() -> {
                try (Links l = Links.open()) {
                    go.await();
                    l.ensureBridge(name, gateway);
                } catch (Exception e) {
                    failed[k] = e;
                }
            });
            threads[i].start();
        }
        go.countDown();
        for (Thread t : threads) t.join();
        for (Exception e : failed) if (e != null) throw e;
        return "-";
    }

    private static String listen(InetAddress address, int port, String nsFile) throws Exception {
        ServerSocket server = nsFile == null ? new ServerSocket(port, 4, address)
                : NetNs.call(nsFile, () -> new ServerSocket(port, 4, address)); // bound, so created, in there
        String where = nsFile == null ? NetNs.current() : NetNs.id(nsFile);
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket s = server.accept(); OutputStream o = s.getOutputStream()) {
                    o.write(("hello from " + where + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return where;
    }

    private static String bench(Links links, int n, int pid) throws Exception {
        String ns = "/proc/" + pid + "/ns/net";
        long[] setup = new long[n];
        long[] teardown = new long[n];
        for (int i = 0; i < n; i++) {
            String name = Links.vethName("bench-" + i);
            long t0 = System.nanoTime();
            links.createVeth(name, NetnsRef.pid(pid), "eth0");
            links.attach(name, "jrun0");
            Links.configureInNetns(ns, "eth0", Cidr.parse("10.88.1.2/16"), Ipv4.parse("10.88.0.1"));
            long t1 = System.nanoTime();
            if (!links.deleteLink(name)) throw new IllegalStateException(name + " was gone before its delete");
            long t2 = System.nanoTime();
            setup[i] = (t1 - t0) / 1000;
            teardown[i] = (t2 - t1) / 1000;
        }
        return "setup=" + summary(setup) + ";delete=" + summary(teardown);
    }

    /** first,min,median,max */
    private static String summary(long[] micros) {
        long first = micros[0];
        long[] s = micros.clone();
        Arrays.sort(s);
        return first + "," + s[0] + "," + s[s.length / 2] + "," + s[s.length - 1];
    }

    private static int open(String path) {
        byte[] p = (path + "\0").getBytes(StandardCharsets.UTF_8);
        try (Memory m = new Memory(p.length)) {
            m.write(0, p, 0, p.length);
            long fd = LibcSyscalls.sys(Linux.NR.openat(), Linux.AT_FDCWD, Pointer.nativeValue(m), Linux.O_RDONLY | Linux.O_CLOEXEC, 0, 0, 0);
            if (fd < 0) throw new IllegalStateException("open " + path + ": errno " + -fd);
            return (int) fd;
        }
    }
}
