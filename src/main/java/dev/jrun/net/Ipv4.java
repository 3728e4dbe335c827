package dev.jrun.net;

/**
 * An IPv4 address as its 32 bits (the first octet highest). Parsed here rather than by
 * InetAddress, which accepts host names and would resolve them.
 */
public record Ipv4(int bits) {
    /** Dotted quad only: four decimal octets, no leading zeros (inet_aton would read them as octal). */
    public static Ipv4 parse(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: \"" + s + "\"");
        int bits = 0;
        for (String o : p) {
            if (o.isEmpty() || o.length() > 3 || (o.length() > 1 && o.charAt(0) == '0') || !o.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address: \"" + s + "\"");
            }
            int v = Integer.parseInt(o);
            if (v > 255) throw new IllegalArgumentException("not an IPv4 address: \"" + s + "\"");
            bits = bits << 8 | v;
        }
        return new Ipv4(bits);
    }

    /** Network byte order, as netlink carries addresses. */
    public byte[] bytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + (bits >>> 16 & 0xff) + "." + (bits >>> 8 & 0xff) + "." + (bits & 0xff);
    }
}
