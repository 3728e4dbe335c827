package dev.jrun.net;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
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
    void aTakenPortFailsNamingItAndItsOwner() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            NetworkException e = assertThrows(NetworkException.class,
                    () -> PortProxy.bind(List.of(new Port("127.0.0.1", taken.getLocalPort(), 80, "tcp"))));
            assertTrue(e.getMessage().contains(taken.getLocalPort() + "/tcp is taken by the process with pid " + ProcessHandle.current().pid()),
                    e.getMessage());
        }
    }
}
