package dev.jrun.net;

import dev.jrun.sys.ProcStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses of a bridge's subnet, leased to runs: one file per bridge,
 * {@code /run/jrun/net/<netns>/<bridge>.leases}, where {@code <netns>} is the network namespace
 * jrun (and so the bridge) is in — runs in other namespaces (the tests') never share leases. Each
 * line is {@code ADDRESS HOLDER}, the holder a jrun's "PID.STARTTIME": a lease whose jrun is gone
 * (SIGKILLed) is reclaimed by the next run. The file is changed only under its lock (fcntl), so
 * parallel runs never get one address twice. The first lease of a bridge (none live before it)
 * and the last release run the caller's hooks: the NAT rule's lifetime.
 */
public final class Leases {
    private Leases() {}

    /** Where lease files live; tests may point it elsewhere. */
    static Path base = Path.of("/run/jrun/net");

    /**
     * fcntl locks are per process, and a JVM refuses a second lock on a file one of its threads
     * holds (OverlappingFileLockException): runs in one JVM (the stress bench, a service of
     * detached containers) take turns here first.
     */
    private static final Object IN_PROCESS = new Object();

    /** What the first lease and the last release of a bridge do (e.g. add and remove the NAT rule). */
    public interface Hooks {
        void first() throws NetworkException;

        void last() throws NetworkException;
    }

    /** A held lease; {@link #close} releases it. */
    public static final class Lease implements AutoCloseable {
        private final Path file;
        private final Ipv4 address;
        private final Hooks hooks;
        private boolean released;
        /** Who the file says holds it: this jrun, or the init a detached run handed it to. */
        private String holder = ProcStat.SELF;

        private Lease(Path file, Ipv4 address, Hooks hooks) {
            this.file = file;
            this.address = address;
            this.hooks = hooks;
        }

        public Ipv4 address() {
            return address;
        }

        /**
         * A detached container outlives whoever supervises it: from now on the lease is held by
         * its init (pid {@code pid}), so that a SIGKILLed service does not make the address look
         * free while the container still uses it. It is reclaimed once that init is gone.
         */
        public void handTo(int pid) throws NetworkException {
            ProcStat p = ProcStat.read("/proc/" + pid + "/stat");
            if (p == null || released) return;
            String to = pid + "." + p.startTime();
            synchronized (IN_PROCESS) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    List<String[]> live = live(read(ch));
                    for (String[] l : live) if (l[0].equals(address.toString()) && l[1].equals(holder)) l[1] = to;
                    write(ch, live);
                    holder = to;
                } catch (IOException e) {
                    throw new NetworkException("hand lease " + address + " in " + file + " to pid " + pid + ": " + e.getMessage());
                }
            }
        }

        /** Gives the address back; the last lease of the bridge runs {@link Hooks#last} and removes the file. */
        @Override
        public void close() throws NetworkException {
            if (released) return;
            released = true;
            synchronized (IN_PROCESS) {
                release();
            }
        }

        private void release() throws NetworkException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                List<String[]> live = live(read(ch));
                live.removeIf(l -> l[0].equals(address.toString()) && l[1].equals(holder));
                write(ch, live);
                if (live.isEmpty()) {
                    hooks.last();
                    Files.deleteIfExists(file);
                    try {
                        Files.deleteIfExists(file.getParent()); // only when no other bridge's file is left in it
                    } catch (java.nio.file.DirectoryNotEmptyException others) {
                        // other bridges of this namespace hold leases
                    }
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed meanwhile: nothing to release
            } catch (IOException e) {
                throw new NetworkException("release lease " + address + " in " + file + ": " + e.getMessage());
            }
        }
    }

    /** This process's network namespace, as a file name: "net-4026531840". */
    static String netns() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString(); // net:[4026531840]
            return "net-" + link.substring(link.indexOf('[') + 1, link.indexOf(']'));
        } catch (IOException | RuntimeException e) {
            return "net-unknown";
        }
    }

    /**
     * Leases {@code pinned} (which must be free) or the lowest free host address of
     * {@code subnet}: not the network or broadcast address, nor the gateway (its first address).
     */
    public static Lease acquire(String bridge, Cidr subnet, Ipv4 pinned, Hooks hooks) throws NetworkException {
        synchronized (IN_PROCESS) {
            return take(base.resolve(netns()).resolve(bridge + ".leases"), bridge, subnet, pinned, hooks);
        }
    }

    private static Lease take(Path file, String bridge, Cidr subnet, Ipv4 pinned, Hooks hooks) throws NetworkException {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                List<String[]> live = live(read(ch));
                Ipv4 gateway = gateway(subnet);
                Ipv4 address = pinned;
                if (address != null) {
                    for (String[] l : live) {
                        if (l[0].equals(address.toString())) {
                            throw new NetworkException("address " + address + " on bridge " + bridge + " is leased to the jrun with pid "
                                    + l[1].substring(0, l[1].indexOf('.')) + "; pin another network.address or leave it out to get one");
                        }
                    }
                } else {
                    address = lowestFree(subnet, gateway, live);
                    if (address == null) {
                        throw new NetworkException("no free address left in " + subnet + " on bridge " + bridge + " (" + live.size()
                                + " leased): use a larger network.subnet");
                    }
                }
                boolean first = live.isEmpty();
                if (first) hooks.first();
                live.add(new String[] {address.toString(), ProcStat.SELF});
                write(ch, live);
                return new Lease(file, address, hooks);
            }
        } catch (IOException e) {
            throw new NetworkException("lease an address on bridge " + bridge + " in " + file + ": " + e.getMessage()
                    + (e instanceof java.nio.file.AccessDeniedException ? " (bridge networking needs root)" : ""));
        }
    }

    /** How many live runs hold an address on {@code bridge} in this network namespace. */
    public static int holders(String bridge) {
        Path file = base.resolve(netns()).resolve(bridge + ".leases");
        synchronized (IN_PROCESS) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                return live(read(ch)).size();
            } catch (IOException e) {
                return 0; // no file: no holder
            }
        }
    }

    /** The gateway of a subnet: its first host address. */
    public static Ipv4 gateway(Cidr subnet) {
        return new Ipv4(subnet.network().bits() + 1);
    }

    private static Ipv4 lowestFree(Cidr subnet, Ipv4 gateway, List<String[]> live) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (String[] l : live) taken.add(l[0]);
        int first = subnet.network().bits() + 1;
        int last = subnet.broadcast().bits() - 1;
        for (long a = Integer.toUnsignedLong(first); a <= Integer.toUnsignedLong(last); a++) {
            Ipv4 ip = new Ipv4((int) a);
            if (ip.equals(gateway) || taken.contains(ip.toString())) continue;
            return ip;
        }
        return null;
    }

    /** The entries whose jrun is still alive; a dead holder's lease is reclaimed by dropping it. */
    private static List<String[]> live(List<String[]> all) {
        List<String[]> out = new ArrayList<>();
        for (String[] l : all) if (ProcStat.alive(l[1])) out.add(l);
        return out;
    }

    private static List<String[]> read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
        ch.read(b, 0);
        List<String[]> out = new ArrayList<>();
        for (String line : new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 2) out.add(f);
        }
        return out;
    }

    private static void write(FileChannel ch, List<String[]> entries) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String[] l : entries) sb.append(l[0]).append(' ').append(l[1]).append('\n');
        byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(b), 0);
        ch.force(false);
    }
}
