package dev.jrun.net;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Published ports of a bridge container, as docker-proxy does them: jrun listens on the host side
 * (the network namespace jrun runs in) and copies each TCP connection, and each UDP client's
 * datagrams, to the container's address. Userspace rather than DNAT: no rule to leave behind when
 * jrun is SIGKILLed, the same code path for every host address including 127.0.0.1 (which DNAT
 * does not reach without route_localnet), at the cost of a copy per byte (bench/network.sh).
 * The sockets are bound before the container starts, so a taken port fails first.
 */
public final class PortProxy implements AutoCloseable {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Port> ports;
    private final List<Object> listeners = new ArrayList<>();
    private volatile boolean closed;

    private PortProxy(List<Port> ports) {
        this.ports = ports;
    }

    /** Binds every port, or fails naming the first taken one and its owner's pid if known. */
    public static PortProxy bind(List<Port> ports) throws NetworkException {
        PortProxy p = new PortProxy(ports);
        try {
            for (Port port : ports) {
                InetSocketAddress at = new InetSocketAddress(port.hostIp() == null ? "0.0.0.0" : port.hostIp(), port.hostPort());
                try {
                    if (port.protocol().equals("udp")) {
                        DatagramChannel d = DatagramChannel.open();
                        p.open.add(d);
                        d.bind(at);
                        p.listeners.add(d);
                    } else {
                        ServerSocketChannel s = ServerSocketChannel.open();
                        p.open.add(s);
                        s.bind(at, 128);
                        p.listeners.add(s);
                    }
                } catch (BindException e) {
                    long owner = PortOwners.owner(port.hostPort(), port.protocol());
                    throw new NetworkException("publish port " + port + ": " + port.hostPort() + "/" + port.protocol() + " is taken"
                            + (owner > 0 ? " by the process with pid " + owner : "") + ": free it or publish another host port");
                }
            }
            return p;
        } catch (IOException e) {
            p.close();
            throw new NetworkException("publish ports: " + e.getMessage());
        } catch (NetworkException e) {
            p.close();
            throw e;
        }
    }

    /** Checks the ports are free and gives them back at once (the slirp helper binds them itself). */
    public static void check(List<Port> ports) throws NetworkException {
        bind(ports).close();
    }

    /** Forwards to {@code target} from now on. */
    public void start(Ipv4 target) {
        for (int i = 0; i < ports.size(); i++) {
            Port port = ports.get(i);
            InetSocketAddress to = new InetSocketAddress(target.toString(), port.containerPort());
            Object l = listeners.get(i);
            Thread t = l instanceof ServerSocketChannel s ? new Thread(() -> acceptLoop(s, to), "jrun-port-" + port)
                    : new Thread(() -> datagramLoop((DatagramChannel) l, to), "jrun-port-" + port);
            t.setDaemon(true);
            t.start();
        }
    }

    private void acceptLoop(ServerSocketChannel s, InetSocketAddress to) {
        while (!closed) {
            SocketChannel client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread t = new Thread(() -> connect(client, to), "jrun-proxy");
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(SocketChannel client, InetSocketAddress to) {
        try (client; SocketChannel server = SocketChannel.open()) {
            server.socket().connect(to, 5000);
            Thread back = new Thread(() -> pump(server, client), "jrun-proxy-back");
            back.setDaemon(true);
            back.start();
            pump(client, server);
            back.join();
        } catch (IOException | InterruptedException e) {
            // the container refused or went away: the client sees its connection closed
        }
    }

    /** Copies until EOF, then half-closes the other side, so that both directions end on their own. */
    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (from.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) to.write(b);
                b.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** One connected channel per client address: replies go back to whoever sent the datagram. */
    private void datagramLoop(DatagramChannel d, InetSocketAddress to) {
        Map<SocketAddress, DatagramChannel> clients = new ConcurrentHashMap<>();
        ByteBuffer b = ByteBuffer.allocateDirect(65536);
        while (!closed) {
            try {
                b.clear();
                SocketAddress from = d.receive(b);
                b.flip();
                DatagramChannel c = clients.get(from);
                if (c == null) {
                    DatagramChannel nc = DatagramChannel.open();
                    nc.connect(to);
                    synchronized (open) {
                        open.add(nc);
                    }
                    clients.put(from, nc);
                    c = nc;
                    Thread t = new Thread(() -> replies(nc, d, from), "jrun-proxy-udp");
                    t.setDaemon(true);
                    t.start();
                }
                c.write(b);
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private static void replies(DatagramChannel from, DatagramChannel to, SocketAddress client) {
        ByteBuffer b = ByteBuffer.allocateDirect(65536);
        try {
            while (true) {
                b.clear();
                from.read(b);
                b.flip();
                to.send(b, client);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Stops listening and forwarding. */
    @Override
    public void close() {
        closed = true;
        synchronized (open) {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort: the sockets go with jrun anyway
                }
            }
            open.clear();
        }
    }
}
