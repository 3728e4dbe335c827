package dev.jrun.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * netlink(7) framing, in plain Java: the {@code nlmsghdr} every message starts with, the
 * {@code nlmsgerr} of an ACK or error, and the 4-byte-aligned attributes ({@code struct nlattr}) of
 * every netlink family, in host byte order as the kernel reads them. The rtnetlink messages built
 * on it are {@code dev.jrun.net.RtNetlink}; the socket that carries them is {@link NetlinkSocket}.
 * Here, below both, because the socket's reply loop needs the framing and sys/ depends on nothing.
 */
public final class Netlink {
    private Netlink() {}

    // linux/netlink.h
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLA_HDRLEN = 4;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    // modifiers of a GET
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    // modifiers of a NEW
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    // flags of an NLMSG_ERROR: request not echoed (NETLINK_CAP_ACK), extended-ack TLVs follow
    public static final int NLM_F_CAPPED = 0x100;
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;
    // the two top bits of nla_type are flags, not part of the type
    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    /** NLMSG_ALIGN / NLA_ALIGN: both 4. */
    public static int align(int n) {
        return (n + 3) & ~3;
    }

    /**
     * One request: the header, then the family's fixed struct written field by field, then
     * attributes. Attribute lengths exclude their trailing padding and a nest's length includes its
     * children's, as iproute2's addattr_l / addattr_nest_end write them.
     */
    public static final class Builder {
        private byte[] b = new byte[128];
        private int len;

        public Builder(int type, int flags, int seq) {
            u32(0).u16(type).u16(flags).u32(seq).u32(0); // nlmsg_len set by build(), nlmsg_pid 0 = to the kernel
        }

        public Builder u8(int v) {
            room(1);
            b[len++] = (byte) v;
            return this;
        }

        public Builder u16(int v) {
            room(2);
            ByteBuffer.wrap(b).order(HOST).putShort(len, (short) v);
            len += 2;
            return this;
        }

        public Builder u32(int v) {
            room(4);
            ByteBuffer.wrap(b).order(HOST).putInt(len, v);
            len += 4;
            return this;
        }

        public Builder attr(int type, byte[] value) {
            room(align(NLA_HDRLEN + value.length));
            int start = len;
            u16(NLA_HDRLEN + value.length).u16(type);
            System.arraycopy(value, 0, b, len, value.length);
            len = start + align(NLA_HDRLEN + value.length); // nothing past len was ever written: zero padding
            return this;
        }

        public Builder attrU32(int type, int value) {
            return attr(type, ByteBuffer.allocate(4).order(HOST).putInt(value).array());
        }

        /** A NUL-terminated string, as the kernel's NLA_NUL_STRING / NLA_STRING policies accept. */
        public Builder attrString(int type, String value) {
            byte[] s = value.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[s.length + 1];
            System.arraycopy(s, 0, z, 0, s.length);
            return attr(type, z);
        }

        /** Opens a nested attribute; close it with {@link #end(int)} given what this returned. */
        public int nest(int type) {
            int start = len;
            u16(NLA_HDRLEN).u16(type);
            return start;
        }

        public Builder end(int nest) {
            ByteBuffer.wrap(b).order(HOST).putShort(nest, (short) (len - nest));
            return this;
        }

        public byte[] build() {
            byte[] out = Arrays.copyOf(b, len);
            ByteBuffer.wrap(out).order(HOST).putInt(0, len);
            return out;
        }

        private void room(int n) {
            if (len + n > b.length) b = Arrays.copyOf(b, Math.max(b.length * 2, len + n));
        }
    }

    public static int u16(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(HOST).getShort(off) & 0xffff;
    }

    public static int u32(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(HOST).getInt(off);
    }

    public static int length(byte[] msg) {
        return u32(msg, 0);
    }

    public static int type(byte[] msg) {
        return u16(msg, 4);
    }

    public static int flags(byte[] msg) {
        return u16(msg, 6);
    }

    public static int seq(byte[] msg) {
        return u32(msg, 8);
    }

    /**
     * The messages of one datagram (a reply datagram may hold several: a dump's, or an answer and
     * its ACK), each copied out whole with its header.
     */
    public static List<byte[]> split(byte[] datagram, int size) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (size - at >= NLMSG_HDRLEN) {
            int n = u32(datagram, at);
            if (n < NLMSG_HDRLEN || n > size - at) {
                throw new IllegalArgumentException("netlink message at byte " + at + " claims " + n + " bytes of " + (size - at));
            }
            out.add(Arrays.copyOfRange(datagram, at, at + n));
            at += align(n);
        }
        return out;
    }

    /** An NLMSG_ERROR's verdict: 0 for an ACK, else -errno. */
    public static int error(byte[] msg) {
        requireType(msg, NLMSG_ERROR);
        return u32(msg, NLMSG_HDRLEN);
    }

    /**
     * The kernel's own words on an error (extended ACK, NLMSGERR_ATTR_MSG: "ipv4: Address already
     * assigned"), or null. The TLVs follow the echoed request, or only its header when capped.
     */
    public static String errorMessage(byte[] msg) {
        requireType(msg, NLMSG_ERROR);
        if ((flags(msg) & NLM_F_ACK_TLVS) == 0) return null;
        int echoed = NLMSG_HDRLEN + 4; // int error, then the request's nlmsghdr
        if ((flags(msg) & NLM_F_CAPPED) == 0) echoed += align(u32(msg, echoed) - NLMSG_HDRLEN);
        Attrs a = new Attrs(msg, echoed + NLMSG_HDRLEN, msg.length);
        while (a.next()) {
            if (a.type() == NLMSGERR_ATTR_MSG) return a.string();
        }
        return null;
    }

    /** NLMSG_DONE's payload: the dump's final status, 0 or -errno. */
    public static int doneStatus(byte[] msg) {
        requireType(msg, NLMSG_DONE);
        return msg.length >= NLMSG_HDRLEN + 4 ? u32(msg, NLMSG_HDRLEN) : 0;
    }

    private static void requireType(byte[] msg, int type) {
        if (type(msg) != type) throw new IllegalArgumentException("netlink message type " + type(msg) + ", expected " + type);
    }

    /** A cursor over the attributes in {@code [from, to)} of a message. */
    public static final class Attrs {
        private final byte[] b;
        private final int end;
        private int next;
        private int at;
        private int len;
        private int type;

        public Attrs(byte[] b, int from, int to) {
            this.b = b;
            this.next = from;
            this.end = to;
        }

        public boolean next() {
            if (end - next < NLA_HDRLEN) return false;
            int n = u16(b, next);
            if (n < NLA_HDRLEN || n > end - next) {
                throw new IllegalArgumentException("netlink attribute at byte " + next + " claims " + n + " bytes of " + (end - next));
            }
            type = u16(b, next + 2) & NLA_TYPE_MASK;
            at = next + NLA_HDRLEN;
            len = n - NLA_HDRLEN;
            next += align(n);
            return true;
        }

        public int type() {
            return type;
        }

        public int length() {
            return len;
        }

        public int u32() {
            if (len < 4) throw new IllegalArgumentException("netlink attribute " + type + " has " + len + " bytes, not 4");
            return Netlink.u32(b, at);
        }

        /** The value up to its NUL (or its end: some senders leave the NUL out). */
        public String string() {
            int n = 0;
            while (n < len && b[at + n] != 0) n++;
            return new String(b, at, n, StandardCharsets.UTF_8);
        }

        public byte[] bytes() {
            return Arrays.copyOfRange(b, at, at + len);
        }

        public Attrs nested() {
            return new Attrs(b, at, at + len);
        }
    }
}
