package dev.jrun.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.net.RtNetlink.Link;
import dev.jrun.net.RtNetlink.NetnsRef;
import dev.jrun.sys.Errno;
import dev.jrun.sys.NetlinkException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Links asks the kernel, in which order, and what it makes of the answers: over a recording channel, no root. */
class RtNetlinkLinksTest {
    private static final Cidr GATEWAY = Cidr.parse("10.88.0.1/16");

    @Test
    void aNewBridgeIsMadeAddressedAndUp() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().then("RTM_GETLINK jrun0", new Link(5, "jrun0", 0x1002, 0, "bridge"));
        new Links(nl).ensureBridge("jrun0", GATEWAY);
        assertEquals(List.of("RTM_NEWLINK bridge jrun0", "RTM_GETLINK jrun0", "RTM_NEWADDR 10.88.0.1/16 dev jrun0", "RTM_NEWLINK jrun0 up"), nl.log);
        assertArrayEquals(nl.expected(0, seq -> RtNetlink.newBridge(seq, "jrun0", new byte[] {2, 0x42, 10, 88, 0, 1})), nl.sent.get(0));
        assertArrayEquals(nl.expected(2, seq -> RtNetlink.newAddress(seq, 5, GATEWAY, Ipv4.parse("10.88.255.255"))), nl.sent.get(2));
        assertArrayEquals(nl.expected(3, seq -> RtNetlink.setUp(seq, 5, true)), nl.sent.get(3));
    }

    @Test
    void aBridgeAnotherRunMadeIsFine() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().link(5, "jrun0", "bridge")
                .then("RTM_NEWLINK bridge jrun0", Errno.EEXIST)
                .then("RTM_NEWADDR 10.88.0.1/16 dev jrun0", Errno.EEXIST);
        new Links(nl).ensureBridge("jrun0", GATEWAY);
        assertEquals("RTM_NEWLINK jrun0 up", nl.log.get(nl.log.size() - 1));
    }

    @Test
    void aBridgeDeletedMidwayIsMadeAgain() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().link(6, "jrun0", "bridge")
                .then("RTM_GETLINK jrun0", Errno.ENODEV) // a run tearing it down got there between our steps
                .then("RTM_NEWADDR 10.88.0.1/16 dev jrun0", Errno.ENODEV);
        new Links(nl).ensureBridge("jrun0", GATEWAY);
        assertEquals(List.of("RTM_NEWLINK bridge jrun0", "RTM_GETLINK jrun0",
                "RTM_NEWLINK bridge jrun0", "RTM_GETLINK jrun0", "RTM_NEWADDR 10.88.0.1/16 dev jrun0",
                "RTM_NEWLINK bridge jrun0", "RTM_GETLINK jrun0", "RTM_NEWADDR 10.88.0.1/16 dev jrun0", "RTM_NEWLINK jrun0 up"), nl.log);
    }

    @Test
    void aBridgeThatKeepsVanishingIsAnError() {
        RecordingNetlink nl = new RecordingNetlink().then("RTM_GETLINK jrun0", Errno.ENODEV, Errno.ENODEV, Errno.ENODEV);
        NetlinkException e = assertThrows(NetlinkException.class, () -> new Links(nl).ensureBridge("jrun0", GATEWAY));
        assertEquals("RTM_NEWLINK bridge jrun0: ENODEV (No such device): jrun0 disappeared 3 times while it was being set up", e.getMessage());
    }

    @Test
    void otherErrorsAreNotSwallowed() {
        RecordingNetlink nl = new RecordingNetlink().then("RTM_NEWLINK bridge jrun0", Errno.EPERM);
        NetlinkException e = assertThrows(NetlinkException.class, () -> new Links(nl).ensureBridge("jrun0", GATEWAY));
        assertEquals("RTM_NEWLINK bridge jrun0: EPERM (Operation not permitted)", e.getMessage());
        assertEquals(Errno.EPERM, e.errno);
        assertEquals("RTM_NEWLINK bridge jrun0", e.operation);
    }

    @Test
    void aVethIsOneRequestWithThePeersNamespace() throws Exception {
        RecordingNetlink nl = new RecordingNetlink();
        new Links(nl).createVeth("jr0000abcd", NetnsRef.fd(9), "eth0");
        assertEquals(List.of("RTM_NEWLINK veth jr0000abcd peer eth0 in netns fd 9"), nl.log);
        assertArrayEquals(nl.expected(0, seq -> RtNetlink.newVeth(seq, "jr0000abcd", "eth0", NetnsRef.fd(9))), nl.sent.get(0));
    }

    @Test
    void attachingMakesAPortAndBringsItUp() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().link(2, "jrun0", "bridge").link(7, "jr0000abcd", "veth");
        new Links(nl).attach("jr0000abcd", "jrun0");
        assertEquals(List.of("RTM_GETLINK jrun0", "RTM_GETLINK jr0000abcd", "RTM_NEWLINK jr0000abcd master jrun0", "RTM_NEWLINK jr0000abcd up"), nl.log);
        assertArrayEquals(nl.expected(2, seq -> RtNetlink.setMaster(seq, 7, 2)), nl.sent.get(2));
        NetlinkException e = assertThrows(NetlinkException.class, () -> new Links(nl).attach("jr0000abcd", "jrun9"));
        assertEquals("RTM_GETLINK jrun9: ENODEV (No such device)", e.getMessage());
    }

    @Test
    void theContainerSideInTheOrderTheKernelNeeds() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().link(1, "lo", null).link(3, "eth0", "veth");
        Cidr addr = Cidr.parse("10.88.0.2/16");
        new Links(nl).configure("eth0", addr, Ipv4.parse("10.88.0.1"));
        assertEquals(List.of("RTM_GETLINK lo", "RTM_NEWLINK lo up", "RTM_GETLINK eth0", "RTM_NEWADDR 10.88.0.2/16 dev eth0",
                "RTM_NEWLINK eth0 up", "RTM_NEWROUTE default via 10.88.0.1 dev eth0"), nl.log);
        assertArrayEquals(nl.expected(1, seq -> RtNetlink.setUp(seq, 1, true)), nl.sent.get(1));
        assertArrayEquals(nl.expected(3, seq -> RtNetlink.newAddress(seq, 3, addr, Ipv4.parse("10.88.255.255"))), nl.sent.get(3));
        assertArrayEquals(nl.expected(5, seq -> RtNetlink.newRoute(seq, Cidr.parse("0.0.0.0/0"), Ipv4.parse("10.88.0.1"), 3)), nl.sent.get(5));
    }

    @Test
    void aGatewayOutsideTheSubnetIsRefusedBeforeAnyRequest() {
        RecordingNetlink nl = new RecordingNetlink();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Links(nl).configure("eth0", Cidr.parse("10.88.0.2/16"), Ipv4.parse("10.89.0.1")));
        assertEquals("gateway 10.89.0.1 is not in 10.88.0.0/16", e.getMessage());
        assertEquals(List.of(), nl.log);
    }

    @Test
    void deletingWhatIsGoneIsNoError() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().link(7, "jr0000abcd", "veth");
        Links links = new Links(nl);
        assertFalse(links.deleteLink("jr9999abcd"));
        assertEquals(List.of("RTM_GETLINK jr9999abcd"), nl.log);
        assertTrue(links.deleteLink("jr0000abcd"));
        assertArrayEquals(nl.expected(2, seq -> RtNetlink.delLink(seq, 7)), nl.sent.get(2));
        nl.then("RTM_DELLINK jr0000abcd", Errno.ENODEV); // the container's namespace died in between
        assertFalse(links.deleteLink("jr0000abcd"));
    }

    @Test
    void onlyABridgeIsDeletedAsOne() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().link(2, "jrun0", "bridge").link(3, "eth0", null);
        Links links = new Links(nl);
        NetlinkException e = assertThrows(NetlinkException.class, () -> links.deleteBridge("eth0"));
        assertEquals("RTM_DELLINK bridge eth0: EINVAL (Invalid argument): eth0 is a device without a kind, not a bridge", e.getMessage());
        assertTrue(links.deleteBridge("jrun0"));
        assertFalse(links.deleteBridge("jrun1"));
        assertEquals(List.of("RTM_GETLINK eth0", "RTM_GETLINK jrun0", "RTM_DELLINK jrun0", "RTM_GETLINK jrun1"), nl.log);
    }

    @Test
    void aDumpReadsEveryLink() throws Exception {
        RecordingNetlink nl = new RecordingNetlink().link(1, "lo", null).link(2, "jrun0", "bridge");
        assertEquals(List.of(new Link(1, "lo", 0x1002, 0, null), new Link(2, "jrun0", 0x1002, 0, "bridge")), new Links(nl).links());
        assertTrue(new Links(nl).linkExists("jrun0"));
        assertFalse(new Links(nl).linkExists("jrun1"));
    }
}
