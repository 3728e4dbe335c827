package dev.jrun.net;

/** An interface address with its prefix length, "10.88.0.1/16": the host part is kept. */
public record Cidr(Ipv4 address, int prefix) {
    public Cidr {
        if (prefix < 0 || prefix > 32) throw new IllegalArgumentException("IPv4 prefix length " + prefix + " is not 0..32");
    }

    public static Cidr parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not address/prefix: \"" + s + "\"");
        String len = s.substring(slash + 1);
        if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not address/prefix: \"" + s + "\"");
        }
        return new Cidr(Ipv4.parse(s.substring(0, slash)), Integer.parseInt(len));
    }

    public int mask() {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public Ipv4 network() {
        return new Ipv4(address.bits() & mask());
    }

    /**
     * The subnet's broadcast address, or null for /31 and /32, which have none (RFC 3021: both
     * addresses of a /31 are hosts).
     */
    public Ipv4 broadcast() {
        return prefix >= 31 ? null : new Ipv4(address.bits() | ~mask());
    }

    /** Whether {@code a} lies in this subnet. */
    public boolean contains(Ipv4 a) {
        return (a.bits() & mask()) == (address.bits() & mask());
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
