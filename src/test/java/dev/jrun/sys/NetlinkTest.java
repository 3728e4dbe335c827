package dev.jrun.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** netlink(7) framing: lengths, alignment, nesting, and the kernel's ACKs and errors as captured from ip. */
class NetlinkTest {
    @Test
    void attributesArePaddedButTheirLengthsAreNot() {
        byte[] m = new Netlink.Builder(16, Netlink.NLM_F_REQUEST, 5).attr(3, new byte[] {1, 2, 3, 4, 5}).attrU32(4, 7).build();
        assertEquals(String.join("\n",
                "24 00 00 00 10 00 01 00 05 00 00 00 00 00 00 00",
                "09 00 03 00 01 02 03 04 05 00 00 00 08 00 04 00",
                "07 00 00 00"), Hex.format(m));
    }

    @Test
    void aNestCountsItsChildrensPadding() {
        Netlink.Builder b = new Netlink.Builder(16, 0, 1);
        int outer = b.nest(18);
        b.attr(1, new byte[] {'v', 'e', 't', 'h', 'x'}); // 9 bytes, 12 with padding
        int inner = b.nest(2);
        b.attrString(3, "a");
        b.end(inner).end(outer);
        byte[] m = b.build();
        assertEquals(16 + 4 + 12 + 4 + 8, m.length);
        assertEquals(28, Netlink.u16(m, 16)); // outer: header + 12 + inner's 12
        Netlink.Attrs a = new Netlink.Attrs(m, 16, m.length);
        assertTrue(a.next());
        Netlink.Attrs in = a.nested();
        assertTrue(in.next());
        assertEquals("vethx", in.string());
        assertTrue(in.next());
        assertEquals(2, in.type());
        Netlink.Attrs innermost = in.nested();
        assertTrue(innermost.next());
        assertEquals("a", innermost.string());
        assertFalse(in.next());
        assertFalse(a.next());
    }

    @Test
    void theNestedFlagIsNotPartOfTheType() {
        byte[] m = new Netlink.Builder(16, 0, 1).attrU32(0x803e, 1).build();
        Netlink.Attrs a = new Netlink.Attrs(m, 16, m.length);
        assertTrue(a.next());
        assertEquals(0x3e, a.type());
    }

    @Test
    void aTruncatedMessageOrAttributeIsRefused() {
        byte[] m = new Netlink.Builder(16, 0, 1).attrU32(3, 1).build();
        assertThrows(IllegalArgumentException.class, () -> Netlink.split(m, m.length - 4));
        m[16] = 0x40; // the attribute claims 64 bytes
        assertThrows(IllegalArgumentException.class, () -> new Netlink.Attrs(m, 16, m.length).next());
    }

    @Test
    void splitsADatagramOfSeveralMessages() {
        byte[] a = new Netlink.Builder(16, 2, 1).attr(3, new byte[] {1}).build(); // 24 bytes with padding
        byte[] b = new Netlink.Builder(Netlink.NLMSG_DONE, 2, 1).u32(0).build();
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        List<byte[]> msgs = Netlink.split(both, both.length);
        assertEquals(2, msgs.size());
        assertEquals(Netlink.NLMSG_DONE, Netlink.type(msgs.get(1)));
        assertEquals(0, Netlink.doneStatus(msgs.get(1)));
    }

    // `ip link add jrun0 type bridge` when jrun0 exists (strace -e read=3, inside unshare --net): an
    // error without extended ACK, echoing the whole request.
    private static final String EEXIST = """
            50 00 00 00 02 00 00 00 ff 76 10 6b 92 22 00 00 ef ff ff ff 3c 00 00 00 10 00 05 06 ff 76 10 6b
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 0a 00 03 00 6a 72 75 6e 30 00 00 00
            10 00 12 00 0a 00 01 00 62 72 69 64 67 65 00 00""";

    // `ip addr add 10.88.0.1/16 dev jrun0` a second time: the request echoed, then the kernel's words.
    private static final String ADDRESS_ASSIGNED = """
            60 00 00 00 02 00 00 02 ff 76 10 6b 8e 22 00 00 ef ff ff ff 28 00 00 00 14 00 05 06 ff 76 10 6b
            00 00 00 00 02 10 00 00 02 00 00 00 08 00 02 00 0a 58 00 01 08 00 01 00 0a 58 00 01 23 00 01 00
            69 70 76 34 3a 20 41 64 64 72 65 73 73 20 61 6c 72 65 61 64 79 20 61 73 73 69 67 6e 65 64 00 00""";

    // ip's first probe (an empty RTM_NEWLINK) answered with ENODEV, as an ACK would be answered with 0.
    private static final String ENODEV = """
            34 00 00 00 02 00 00 00 00 00 00 00 cd 1d 00 00 ed ff ff ff 20 00 00 00 10 00 05 00 00 00 00 00
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00""";

    @Test
    void readsTheKernelsErrors() {
        byte[] e = Hex.parse(EEXIST);
        assertEquals(-Errno.EEXIST, Netlink.error(e));
        assertNull(Netlink.errorMessage(e));
        byte[] a = Hex.parse(ADDRESS_ASSIGNED);
        assertEquals(-Errno.EEXIST, Netlink.error(a));
        assertEquals("ipv4: Address already assigned", Netlink.errorMessage(a));
        assertEquals(-Errno.ENODEV, Netlink.error(Hex.parse(ENODEV)));
        assertThrows(IllegalArgumentException.class, () -> Netlink.doneStatus(e));
    }

    @Test
    void readsTheKernelsWordsWhenTheRequestIsNotEchoed() {
        // NETLINK_CAP_ACK, which NetlinkSocket sets: only the request's header comes back
        Netlink.Builder b = new Netlink.Builder(Netlink.NLMSG_ERROR, Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS, 9);
        b.u32(-Errno.ENODEV).u32(40).u16(16).u16(5).u32(9).u32(0); // error, then the echoed nlmsghdr
        b.attrString(Netlink.NLMSGERR_ATTR_MSG, "Nexthop device is not up");
        byte[] m = b.build();
        assertEquals(-Errno.ENODEV, Netlink.error(m));
        assertEquals("Nexthop device is not up", Netlink.errorMessage(m));
    }
}
