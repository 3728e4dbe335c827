package dev.jrun.plan;

import dev.jrun.net.Port;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A compact binary form of a plan's steps, for {@link PlanCache}. Hand-written because Java
 * serialization would load ~100 classes on the cold path it exists to shorten. The decoded plan
 * has no {@code spec}: the runner needs only the steps and their locations. Big-endian integers
 * and length-prefixed UTF-8 through {@link Out} and {@link In}, not Data*Stream: in JDK 21+ those
 * go through VarHandles, whose first use costs ~3 ms of a cold start.
 */
public final class PlanCodec {
    private PlanCodec() {}

    // One tag per step kind; a decoder that meets an unknown tag rejects the entry (a cache miss).
    private static final int PRIVATE_DIR = 1, CREATE_NS = 2, CLOSE_FDS = 3, DEATH_SIGNAL = 4, ID_MAPS = 5, AWAIT_PARENT = 6,
            NS_ROOT = 7, PROPAGATION = 8, OVERLAY_ROOT = 9, BIND_ROOTFS = 10, HOST_ROOT = 11, MOUNT = 12, SYMLINK = 13,
            CONF_FILE = 14, ENTER_ROOT = 15, RO_ROOT = 16, HOSTNAME = 17, DOMAINNAME = 18, LOOPBACK = 19, CAPABILITIES = 20,
            USER = 21, CHDIR = 22, INIT = 23, EXEC = 24, SUPERVISE = 25, RLIMITS = 26, OOM_SCORE = 27, RESOLVE_ROOT = 28,
            COPY_UP = 29, RECURSIVE_RO = 30, MASK = 31, READONLY_PATHS = 32, UMASK = 33, NO_NEW_PRIVS = 34, SECCOMP = 35, BOUNDING = 36, LEASE = 37, PORTS = 38, BRIDGE = 39, SLIRP = 40, CHECK_EXEC = 41, OPEN_CONTAINER = 42, JOIN_CONTAINER = 43, JOIN_NS = 44;

    public static byte[] encode(List<Step> steps) {
        Out out = new Out();
        out.writeInt(steps.size());
        Writer w = new Writer(out);
        for (Step s : steps) {
            out.writeUTF(s.at().file());
            out.writeInt(s.at().line());
            out.writeInt(s.at().col());
            s.accept(w);
        }
        return out.toByteArray();
    }

    /** Writes a step's tag and fields. */
    private static final class Writer implements Step.Visitor<Void> {
        private final Out out;

        Writer(Out out) {
            this.out = out;
        }

        private Void tag(int t) {
            out.writeByte(t);
            return null;
        }

        public Void privateDir(Step.PrivateDir x) {
            tag(PRIVATE_DIR);
            out.writeLong(x.owner());
            return null;
        }

        public Void createNamespaces(Step.CreateNamespaces x) {
            tag(CREATE_NS);
            out.writeInt(mask(x.namespaces()));
            return null;
        }

        public Void joinNamespaces(Step.JoinNamespaces x) {
            tag(JOIN_NS);
            out.writeInt(x.joins().size());
            for (Step.Join j : x.joins()) {
                out.writeInt(j.type().ordinal());
                out.writeUTF(j.path());
            }
            return null;
        }

        public Void closeInheritedFds(Step.CloseInheritedFds x) {
            return tag(CLOSE_FDS);
        }

        public Void parentDeathSignal(Step.ParentDeathSignal x) {
            tag(DEATH_SIGNAL);
            out.writeInt(x.signal());
            return null;
        }

        public Void writeIdMaps(Step.WriteIdMaps x) {
            tag(ID_MAPS);
            idLines(out, x.uid());
            idLines(out, x.gid());
            out.writeBoolean(x.denySetgroups());
            return null;
        }

        public Void awaitParent(Step.AwaitParent x) {
            return tag(AWAIT_PARENT);
        }

        public Void leaseAddress(Step.LeaseAddress x) {
            tag(LEASE);
            out.writeUTF(x.bridge());
            out.writeUTF(x.subnet());
            nullable(out, x.pinned());
            out.writeBoolean(x.nat());
            return null;
        }

        public Void publishPorts(Step.PublishPorts x) {
            tag(PORTS);
            ports(out, x.ports());
            out.writeBoolean(x.proxy());
            return null;
        }

        public Void bridgeNetwork(Step.BridgeNetwork x) {
            tag(BRIDGE);
            out.writeUTF(x.bridge());
            out.writeUTF(x.subnet());
            return null;
        }

        public Void slirpNetwork(Step.SlirpNetwork x) {
            tag(SLIRP);
            ports(out, x.ports());
            nullable(out, x.reason());
            return null;
        }

        public Void setRlimits(Step.SetRlimits x) {
            tag(RLIMITS);
            out.writeInt(x.limits().size());
            for (Step.Limit l : x.limits()) {
                out.writeInt(l.resource());
                out.writeLong(l.soft());
                out.writeLong(l.hard());
            }
            return null;
        }

        public Void oomScoreAdj(Step.OomScoreAdj x) {
            tag(OOM_SCORE);
            out.writeInt(x.value());
            return null;
        }

        public Void resolveInRoot(Step.ResolveInRoot x) {
            tag(RESOLVE_ROOT);
            out.writeBoolean(x.openat2());
            return null;
        }

        public Void copyUp(Step.CopyUp x) {
            tag(COPY_UP);
            out.writeUTF(x.dir());
            return null;
        }

        public Void recursiveReadonly(Step.RecursiveReadonly x) {
            tag(RECURSIVE_RO);
            out.writeUTF(x.target());
            return null;
        }

        public Void maskPaths(Step.MaskPaths x) {
            tag(MASK);
            strings(out, x.paths());
            return null;
        }

        public Void readonlyPaths(Step.ReadonlyPaths x) {
            tag(READONLY_PATHS);
            strings(out, x.paths());
            out.writeBoolean(x.recursive());
            return null;
        }

        public Void setUmask(Step.SetUmask x) {
            tag(UMASK);
            out.writeInt(x.mask());
            return null;
        }

        public Void noNewPrivileges(Step.NoNewPrivileges x) {
            return tag(NO_NEW_PRIVS);
        }

        public Void loadSeccomp(Step.LoadSeccomp x) {
            tag(SECCOMP);
            out.writeBytes(x.bpf());
            out.writeUTF(x.description());
            return null;
        }

        public Void becomeNamespaceRoot(Step.BecomeNamespaceRoot x) {
            tag(NS_ROOT);
            out.writeBoolean(x.gid());
            out.writeBoolean(x.uid());
            return null;
        }

        public Void setPropagation(Step.SetPropagation x) {
            tag(PROPAGATION);
            out.writeLong(x.flags());
            return null;
        }

        public Void overlayRoot(Step.OverlayRoot x) {
            tag(OVERLAY_ROOT);
            out.writeUTF(x.lower());
            return null;
        }

        public Void bindRootfs(Step.BindRootfs x) {
            tag(BIND_ROOTFS);
            out.writeUTF(x.source());
            return null;
        }

        public Void hostRoot(Step.HostRoot x) {
            return tag(HOST_ROOT);
        }

        public Void mount(Step.Mount x) {
            tag(MOUNT);
            out.writeUTF(x.source());
            out.writeUTF(x.target());
            nullable(out, x.fstype());
            out.writeLong(x.flags());
            nullable(out, x.data());
            out.writeBoolean(x.dir());
            out.writeByte(x.purpose().ordinal());
            return null;
        }

        public Void symlink(Step.Symlink x) {
            tag(SYMLINK);
            out.writeUTF(x.target());
            out.writeUTF(x.linkpath());
            return null;
        }

        public Void confFile(Step.ConfFile x) {
            tag(CONF_FILE);
            out.writeUTF(x.target());
            out.writeUTF(x.content());
            return null;
        }

        public Void enterRoot(Step.EnterRoot x) {
            tag(ENTER_ROOT);
            out.writeBoolean(x.pivot());
            return null;
        }

        public Void remountRootReadonly(Step.RemountRootReadonly x) {
            return tag(RO_ROOT);
        }

        public Void setHostname(Step.SetHostname x) {
            tag(HOSTNAME);
            out.writeUTF(x.hostname());
            return null;
        }

        public Void setDomainname(Step.SetDomainname x) {
            tag(DOMAINNAME);
            out.writeUTF(x.domainname());
            return null;
        }

        public Void loopbackUp(Step.LoopbackUp x) {
            return tag(LOOPBACK);
        }

        public Void dropBoundingSet(Step.DropBoundingSet x) {
            tag(BOUNDING);
            out.writeLong(x.keep());
            out.writeInt(x.lastCap());
            return null;
        }

        public Void setCapabilities(Step.SetCapabilities x) {
            tag(CAPABILITIES);
            out.writeLong(x.effective());
            out.writeLong(x.permitted());
            out.writeLong(x.inheritable());
            return null;
        }

        public Void setUser(Step.SetUser x) {
            tag(USER);
            out.writeLong(x.uid());
            out.writeLong(x.gid());
            out.writeInt(x.additionalGids().size());
            for (long g : x.additionalGids()) out.writeLong(g);
            out.writeBoolean(x.setgroups());
            return null;
        }

        public Void chdir(Step.Chdir x) {
            tag(CHDIR);
            out.writeUTF(x.cwd());
            return null;
        }

        public Void startInit(Step.StartInit x) {
            return tag(INIT);
        }

        public Void exec(Step.Exec x) {
            tag(EXEC);
            strings(out, x.args());
            strings(out, x.env());
            strings(out, x.candidates());
            out.writeBoolean(x.terminal());
            out.writeBoolean(x.detached());
            return null;
        }

        public Void checkExecutable(Step.CheckExecutable x) {
            tag(CHECK_EXEC);
            strings(out, x.candidates());
            return null;
        }

        public Void openContainer(Step.OpenContainer x) {
            tag(OPEN_CONTAINER);
            out.writeUTF(x.name());
            out.writeInt(x.pid());
            out.writeLong(x.startTime());
            return null;
        }

        public Void joinContainer(Step.JoinContainer x) {
            tag(JOIN_CONTAINER);
            out.writeInt(mask(x.namespaces()));
            out.writeInt(mask(x.joinedFirst()));
            return null;
        }

        public Void supervise(Step.Supervise x) {
            tag(SUPERVISE);
            out.writeInt(x.signals().size());
            for (int sig : x.signals()) out.writeInt(sig);
            out.writeBoolean(x.init());
            return null;
        }
    }

    static int mask(Set<Namespace> namespaces) {
        int mask = 0;
        for (Namespace n : namespaces) mask |= 1 << n.ordinal();
        return mask;
    }

    static Set<Namespace> namespaces(int mask) {
        Set<Namespace> ns = EnumSet.noneOf(Namespace.class);
        for (Namespace x : Namespace.values()) if ((mask & (1 << x.ordinal())) != 0) ns.add(x);
        return ns;
    }

    /** The steps, or throws IOException for anything that is not what {@link #encode} wrote. */
    public static List<Step> decode(byte[] buf, int off, int len) throws IOException {
        In in = new In(buf, off, len);
        int n = in.readInt();
        if (n < 0 || n > 100_000) throw new IOException("bad step count " + n);
        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) steps.add(read(in));
        if (in.pos != in.end) throw new IOException("trailing bytes after the plan");
        return steps;
    }

    private static Step read(In in) throws IOException {
        Location at = new Location(in.readUTF(), in.readInt(), in.readInt());
        int kind = in.readByte();
        return switch (kind) {
            case PRIVATE_DIR -> new Step.PrivateDir(in.readLong(), at);
            case CREATE_NS -> new Step.CreateNamespaces(namespaces(in.readInt()), at);
            case OPEN_CONTAINER -> new Step.OpenContainer(in.readUTF(), in.readInt(), in.readLong(), at);
            case JOIN_CONTAINER -> new Step.JoinContainer(namespaces(in.readInt()), namespaces(in.readInt()), at);
            case JOIN_NS -> {
                int n = in.readInt();
                List<Step.Join> joins = new ArrayList<>();
                for (int i = 0; i < n; i++) joins.add(new Step.Join(Namespace.values()[in.readInt()], in.readUTF()));
                yield new Step.JoinNamespaces(List.copyOf(joins), at);
            }
            case CLOSE_FDS -> new Step.CloseInheritedFds(at);
            case DEATH_SIGNAL -> new Step.ParentDeathSignal(in.readInt(), at);
            case ID_MAPS -> new Step.WriteIdMaps(idLines(in), idLines(in), in.readBoolean(), at);
            case AWAIT_PARENT -> new Step.AwaitParent(at);
            case NS_ROOT -> new Step.BecomeNamespaceRoot(in.readBoolean(), in.readBoolean(), at);
            case PROPAGATION -> new Step.SetPropagation(in.readLong(), at);
            case OVERLAY_ROOT -> new Step.OverlayRoot(in.readUTF(), at);
            case BIND_ROOTFS -> new Step.BindRootfs(in.readUTF(), at);
            case HOST_ROOT -> new Step.HostRoot(at);
            case MOUNT -> new Step.Mount(in.readUTF(), in.readUTF(), nullable(in), in.readLong(), nullable(in),
                    in.readBoolean(), purpose(in.readByte()), at);
            case SYMLINK -> new Step.Symlink(in.readUTF(), in.readUTF(), at);
            case CONF_FILE -> new Step.ConfFile(in.readUTF(), in.readUTF(), at);
            case ENTER_ROOT -> new Step.EnterRoot(in.readBoolean(), at);
            case RO_ROOT -> new Step.RemountRootReadonly(at);
            case HOSTNAME -> new Step.SetHostname(in.readUTF(), at);
            case DOMAINNAME -> new Step.SetDomainname(in.readUTF(), at);
            case LOOPBACK -> new Step.LoopbackUp(at);
            case BOUNDING -> new Step.DropBoundingSet(in.readLong(), in.readInt(), at);
            case CAPABILITIES -> new Step.SetCapabilities(in.readLong(), in.readLong(), in.readLong(), at);
            case USER -> {
                long uid = in.readLong();
                long gid = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > 65536) throw new IOException("bad group count " + n);
                List<Long> groups = new ArrayList<>(n);
                for (int i = 0; i < n; i++) groups.add(in.readLong());
                yield new Step.SetUser(uid, gid, groups, in.readBoolean(), at);
            }
            case CHDIR -> new Step.Chdir(in.readUTF(), at);
            case INIT -> new Step.StartInit(at);
            case EXEC -> new Step.Exec(strings(in), strings(in), strings(in), in.readBoolean(), in.readBoolean(), at);
            case CHECK_EXEC -> new Step.CheckExecutable(strings(in), at);
            case RLIMITS -> {
                int n = in.readInt();
                if (n < 0 || n > 64) throw new IOException("bad rlimit count " + n);
                List<Step.Limit> limits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) limits.add(new Step.Limit(in.readInt(), in.readLong(), in.readLong()));
                yield new Step.SetRlimits(limits, at);
            }
            case OOM_SCORE -> new Step.OomScoreAdj(in.readInt(), at);
            case RESOLVE_ROOT -> new Step.ResolveInRoot(in.readBoolean(), at);
            case COPY_UP -> new Step.CopyUp(in.readUTF(), at);
            case RECURSIVE_RO -> new Step.RecursiveReadonly(in.readUTF(), at);
            case MASK -> new Step.MaskPaths(strings(in), at);
            case READONLY_PATHS -> new Step.ReadonlyPaths(strings(in), in.readBoolean(), at);
            case UMASK -> new Step.SetUmask(in.readInt(), at);
            case NO_NEW_PRIVS -> new Step.NoNewPrivileges(at);
            case SECCOMP -> new Step.LoadSeccomp(in.readBytes(), in.readUTF(), at);
            case LEASE -> new Step.LeaseAddress(in.readUTF(), in.readUTF(), nullable(in), in.readBoolean(), at);
            case PORTS -> new Step.PublishPorts(ports(in), in.readBoolean(), at);
            case BRIDGE -> new Step.BridgeNetwork(in.readUTF(), in.readUTF(), at);
            case SLIRP -> new Step.SlirpNetwork(ports(in), nullable(in), at);
            case SUPERVISE -> {
                int n = in.readInt();
                if (n < 0 || n > 64) throw new IOException("bad signal count " + n);
                List<Integer> sigs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) sigs.add(in.readInt());
                yield new Step.Supervise(sigs, in.readBoolean(), at);
            }
            default -> throw new IOException("unknown step kind " + kind);
        };
    }

    private static Step.Purpose purpose(int ordinal) throws IOException {
        Step.Purpose[] all = Step.Purpose.values();
        if (ordinal < 0 || ordinal >= all.length) throw new IOException("bad mount purpose " + ordinal);
        return all[ordinal];
    }

    private static void idLines(Out out, List<Step.IdMapLine> lines) {
        out.writeInt(lines.size());
        for (Step.IdMapLine l : lines) {
            out.writeLong(l.container());
            out.writeLong(l.host());
            out.writeLong(l.size());
        }
    }

    private static List<Step.IdMapLine> idLines(In in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 340) throw new IOException("bad id map count " + n);
        List<Step.IdMapLine> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) lines.add(new Step.IdMapLine(in.readLong(), in.readLong(), in.readLong()));
        return lines;
    }

    private static void ports(Out out, List<Port> ports) {
        out.writeInt(ports.size());
        for (Port p : ports) {
            nullable(out, p.hostIp());
            out.writeInt(p.hostPort());
            out.writeInt(p.containerPort());
            out.writeUTF(p.protocol());
        }
    }

    private static List<Port> ports(In in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 65536) throw new IOException("bad port count " + n);
        List<Port> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new Port(nullable(in), in.readInt(), in.readInt(), in.readUTF()));
        return out;
    }

    private static void nullable(Out out, String s) {
        out.writeBoolean(s != null);
        if (s != null) out.writeUTF(s);
    }

    private static String nullable(In in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void strings(Out out, List<String> l) {
        out.writeInt(l.size());
        for (String s : l) out.writeUTF(s);
    }

    private static List<String> strings(In in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 100_000) throw new IOException("bad list size " + n);
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) l.add(in.readUTF());
        return l;
    }

    /** A growable big-endian writer. */
    private static final class Out {
        private byte[] b = new byte[4096];
        private int n;

        private void room(int k) {
            if (n + k > b.length) b = Arrays.copyOf(b, Math.max(b.length * 2, n + k));
        }

        void writeByte(int v) {
            room(1);
            b[n++] = (byte) v;
        }

        void writeBoolean(boolean v) {
            writeByte(v ? 1 : 0);
        }

        void writeInt(int v) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) b[n++] = (byte) (v >>> shift);
        }

        void writeLong(long v) {
            writeInt((int) (v >>> 32));
            writeInt((int) v);
        }

        void writeBytes(byte[] u) {
            writeInt(u.length);
            room(u.length);
            System.arraycopy(u, 0, b, n, u.length);
            n += u.length;
        }

        void writeUTF(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            writeInt(u.length);
            room(u.length);
            System.arraycopy(u, 0, b, n, u.length);
            n += u.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(b, n);
        }
    }

    /** Reads what {@link Out} wrote; any overrun or implausible length is an IOException. */
    private static final class In {
        private final byte[] b;
        private int pos;
        private final int end;

        In(byte[] b, int off, int len) {
            this.b = b;
            this.pos = off;
            this.end = off + len;
        }

        private void need(int k) throws IOException {
            if (k < 0 || end - pos < k) throw new IOException("truncated plan");
        }

        byte readByte() throws IOException {
            need(1);
            return b[pos++];
        }

        boolean readBoolean() throws IOException {
            return readByte() != 0;
        }

        int readInt() throws IOException {
            need(4);
            int v = 0;
            for (int i = 0; i < 4; i++) v = v << 8 | (b[pos++] & 0xff);
            return v;
        }

        long readLong() throws IOException {
            return (long) readInt() << 32 | (readInt() & 0xffffffffL);
        }

        byte[] readBytes() throws IOException {
            int k = readInt();
            need(k);
            byte[] out = Arrays.copyOfRange(b, pos, pos + k);
            pos += k;
            return out;
        }

        String readUTF() throws IOException {
            int k = readInt();
            need(k);
            String s = new String(b, pos, k, StandardCharsets.UTF_8);
            pos += k;
            return s;
        }
    }
}
