package dev.jrun.sys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hex dumps of captured netlink traffic: "3c 00 00 00 ..." or one run of digits, '#' comments ignored. */
public final class Hex {
    private Hex() {}

    public static byte[] parse(String hex) {
        StringBuilder digits = new StringBuilder();
        for (String line : hex.split("\n")) {
            int hash = line.indexOf('#');
            digits.append((hash < 0 ? line : line.substring(0, hash)).replaceAll("\\s", ""));
        }
        if (digits.length() % 2 != 0) throw new IllegalArgumentException("odd number of hex digits");
        byte[] b = new byte[digits.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    public static String format(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length; i++) s.append(i % 16 == 0 ? (i == 0 ? "" : "\n") : " ").append(String.format("%02x", b[i]));
        return s.toString();
    }

    /** A test resource of datagrams separated by blank lines. */
    public static List<byte[]> datagrams(Class<?> near, String resource) throws IOException {
        try (InputStream in = near.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("no test resource " + resource);
            List<byte[]> out = new ArrayList<>();
            for (String block : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n\\s*\n")) out.add(parse(block));
            return out;
        }
    }
}
