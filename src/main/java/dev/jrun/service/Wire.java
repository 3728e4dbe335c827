package dev.jrun.service;

import dev.jrun.plan.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The service's protocol: one JSON object per line each way, a request then its reply. */
final class Wire {
    static final int MAX = 1 << 20;

    private Wire() {}

    static void send(SocketChannel ch, Map<String, Object> message) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((Json.writeCompact(message) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) ch.write(b);
    }

    /** The next line as an object; EOFException-like IOException when the peer closed first. */
    static Map<String, Object> receive(SocketChannel ch) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1);
        while (true) {
            b.clear();
            if (ch.read(b) < 0) throw new IOException("the jrun service closed the connection");
            byte c = b.get(0);
            if (c == '\n') break;
            if (line.size() >= MAX) throw new IOException("message too long");
            line.write(c);
        }
        return Json.readObject(line.toByteArray());
    }
}
