package dev.jrun.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.sys.ProcStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases in a temp dir: files only, no network. */
class LeasesTest {
    @TempDir Path tmp;
    Path saved;
    final List<String> hooks = new ArrayList<>();
    final Leases.Hooks recording = new Leases.Hooks() {
        @Override
        public synchronized void first() {
            hooks.add("first");
        }

        @Override
        public synchronized void last() {
            hooks.add("last");
        }
    };

    @BeforeEach
    void base() {
        saved = Leases.base;
        Leases.base = tmp;
    }

    @AfterEach
    void restore() {
        Leases.base = saved;
    }

    static final Cidr SUBNET = Cidr.parse("10.88.0.0/16");

    @Test
    void theLowestFreeAddressButTheGatewayAndTheHooksAtFirstAndLast() throws Exception {
        Leases.Lease a = Leases.acquire("jrun0", SUBNET, null, recording);
        Leases.Lease b = Leases.acquire("jrun0", SUBNET, null, recording);
        assertEquals("10.88.0.2", a.address().toString(), ".1 is the gateway");
        assertEquals("10.88.0.3", b.address().toString());
        a.close();
        Leases.Lease c = Leases.acquire("jrun0", SUBNET, null, recording);
        assertEquals("10.88.0.2", c.address().toString(), "a released address is free again");
        b.close();
        c.close();
        assertEquals(List.of("first", "last"), hooks, "the NAT rule: with the first lease, until the last release");
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "nothing left when the last lease goes");
        }
    }

    @Test
    void aPinnedAddressIsExclusive() throws Exception {
        try (Leases.Lease a = Leases.acquire("jrun0", SUBNET, Ipv4.parse("10.88.0.9"), recording)) {
            NetworkException e = assertThrows(NetworkException.class, () -> Leases.acquire("jrun0", SUBNET, Ipv4.parse("10.88.0.9"), recording));
            assertTrue(e.getMessage().contains("10.88.0.9 on bridge jrun0 is leased to the jrun with pid"), e.getMessage());
            assertEquals("10.88.0.2", Leases.acquire("jrun0", SUBNET, null, recording).address().toString());
        }
    }

    /** A detached container's lease outlives its supervisor, and no longer than its init. */
    @Test
    void aLeaseHandedToAnInitIsHeldAsLongAsItLives() throws Exception {
        Path file = tmp.resolve(Leases.netns()).resolve("jrun0.leases");
        Process init = new ProcessBuilder("sleep", "60").start();
        try {
            Leases.Lease a = Leases.acquire("jrun0", SUBNET, null, recording);
            a.handTo((int) init.pid());
            String line = Files.readString(file);
            assertTrue(line.startsWith("10.88.0.2 " + init.pid() + "."), line);
            NetworkException taken = assertThrows(NetworkException.class,
                    () -> Leases.acquire("jrun0", SUBNET, Ipv4.parse("10.88.0.2"), recording));
            assertTrue(taken.getMessage().contains("is leased to the jrun with pid " + init.pid()), taken.getMessage());
            a.close();
            assertFalse(Files.exists(file), "close releases what was handed: " + hooks);

            Leases.Lease b = Leases.acquire("jrun0", SUBNET, null, recording);
            b.handTo((int) init.pid());
            init.destroyForcibly().waitFor();
            try (Leases.Lease c = Leases.acquire("jrun0", SUBNET, Ipv4.parse("10.88.0.2"), recording)) {
                assertEquals("10.88.0.2", c.address().toString(), "the init is gone: its lease is reclaimed");
            }
            b.close(); // its entry is gone already: nothing to release, no error
        } finally {
            init.destroyForcibly();
        }
    }

    @Test
    void aLeaseWhoseJrunIsGoneIsReclaimed() throws Exception {
        Path file = tmp.resolve(Leases.netns()).resolve("jrun0.leases");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "10.88.0.2 999999999.1\n10.88.0.3 " + ProcStat.SELF.substring(0, ProcStat.SELF.indexOf('.')) + ".1\n");
        // neither holder is alive: no pid 999999999, and this pid with another start time
        try (Leases.Lease a = Leases.acquire("jrun0", SUBNET, Ipv4.parse("10.88.0.2"), recording)) {
            assertEquals("10.88.0.2", a.address().toString());
            assertEquals(List.of("first"), hooks, "with the dead ones gone, this is the first lease: the rule is made again");
            assertEquals("10.88.0.2 " + ProcStat.SELF + "\n", Files.readString(file));
        }
    }

    @Test
    void parallelRunsNeverShareAnAddress() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Leases.Lease>> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) all.add(pool.submit(() -> Leases.acquire("jrun0", SUBNET, null, recording)));
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Future<Leases.Lease> f : all) assertTrue(seen.add(f.get().address().toString()), "twice: " + f.get().address());
            for (Future<Leases.Lease> f : all) f.get().close();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("first", "last"), hooks);
    }

    @Test
    void aFullSubnetSaysSo() throws Exception {
        Cidr tiny = Cidr.parse("10.9.9.0/30"); // .1 gateway, .2 the only host address
        try (Leases.Lease a = Leases.acquire("b", tiny, null, recording)) {
            assertEquals("10.9.9.2", a.address().toString());
            NetworkException e = assertThrows(NetworkException.class, () -> Leases.acquire("b", tiny, null, recording));
            assertTrue(e.getMessage().contains("no free address left in 10.9.9.0/30"), e.getMessage());
        }
    }
}
