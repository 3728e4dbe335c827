package dev.jrun.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The proxy on 127.0.0.1 only, ephemeral ports: loopback traffic within this JVM, nothing else. */
class PortProxyTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aConnectionIsCopiedBothWaysToTheTarget() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
            int free;
            try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
                free = probe.getLocalPort();
            }
            try (PortProxy p = PortProxy.bind(List.of(new Port("127.0.0.1", free, server.getLocalPort(), "tcp")))) {
                p.start(Ipv4.parse("127.0.0.1"));
                Thread echo = new Thread(() -> {
                    try (Socket s = server.accept()) {
                        byte[] in = s.getInputStream().readAllBytes(); // until the client half-closes
                        s.getOutputStream().write(("echo:" + new String(in, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
                    } catch (Exception e) {
                        // the test's assertion will say
                    }
                });
                echo.start();
                try (Socket c = new Socket(LOOPBACK, free)) {
                    OutputStream out = c.getOutputStream();
                    out.write("hello".getBytes(StandardCharsets.US_ASCII));
                    c.shutdownOutput();
                    InputStream in = c.getInputStream();
                    assertEquals("echo:hello", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                }
                echo.join(5000);
            }
        }
    }

    @Test
    void aUdpClientsDatagramsGoToTheTargetAndItsRepliesComeBack() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, LOOPBACK); DatagramSocket client = new DatagramSocket(0, LOOPBACK)) {
            int free;
            try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
                free = probe.getLocalPort();
            }
            server.setSoTimeout(5000);
            client.setSoTimeout(5000);
            try (PortProxy p = PortProxy.bind(List.of(new Port("127.0.0.1", free, server.getLocalPort(), "udp")))) {
                p.start(Ipv4.parse("127.0.0.1"));
                for (String msg : List.of("one", "two")) {
                    byte[] b = msg.getBytes(StandardCharsets.US_ASCII);
                    client.send(new DatagramPacket(b, b.length, LOOPBACK, free));
                    DatagramPacket got = new DatagramPacket(new byte[100], 100);
                    server.receive(got);
                    assertEquals(msg, new String(got.getData(), 0, got.getLength(), StandardCharsets.US_ASCII));
                    assertNotEquals(client.getLocalPort(), got.getPort(), "the proxy sends from a socket of its own");
                    byte[] r = ("re:" + msg).getBytes(StandardCharsets.US_ASCII);
                    server.send(new DatagramPacket(r, r.length, got.getSocketAddress()));
                    DatagramPacket reply = new DatagramPacket(new byte[100], 100);
                    client.receive(reply);
                    assertEquals("re:" + msg, new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
                    assertEquals(free, reply.getPort(), "the reply comes from the published port");
                }
            }
        }
    }

    @Test
    void aTakenPortFailsNamingItAndItsOwner() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            NetworkException e = assertThrows(NetworkException.class,
                    () -> PortProxy.bind(List.of(new Port("127.0.0.1", taken.getLocalPort(), 80, "tcp"))));
            assertTrue(e.getMessage().contains(taken.getLocalPort() + "/tcp is taken by the process with pid " + ProcessHandle.current().pid()),
                    e.getMessage());
        }
    }
}
