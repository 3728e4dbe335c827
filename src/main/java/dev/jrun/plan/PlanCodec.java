package dev.jrun.plan;

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

    private static final int CREATE_NS = 1, ID_MAPS = 2, PROPAGATION = 3, BIND_ROOTFS = 4, HOST_ROOT = 5, MOUNT = 6,
            SYMLINK = 7, CONF_FILE = 8, ENTER_ROOT = 9, RO_ROOT = 10, HOSTNAME = 11, DOMAINNAME = 12, LOOPBACK = 13,
            INIT = 14, USER = 15, CHDIR = 16, EXEC = 17;

    public static byte[] encode(List<Step> steps) {
        Out out = new Out();
        out.writeInt(steps.size());
        for (Step s : steps) {
            out.writeUTF(s.at().file());
            out.writeInt(s.at().line());
            out.writeInt(s.at().col());
            write(out, s);
        }
        return out.toByteArray();
    }

    private static void write(Out out, Step s) {
        if (s instanceof Step.CreateNamespaces x) {
            out.writeByte(CREATE_NS);
            int mask = 0;
            for (Namespace n : x.namespaces()) mask |= 1 << n.ordinal();
            out.writeInt(mask);
        } else if (s instanceof Step.WriteIdMaps x) {
            out.writeByte(ID_MAPS);
            idLines(out, x.uid());
            idLines(out, x.gid());
            out.writeBoolean(x.denySetgroups());
        } else if (s instanceof Step.SetPropagation x) {
            out.writeByte(PROPAGATION);
            out.writeLong(x.flags());
        } else if (s instanceof Step.BindRootfs x) {
            out.writeByte(BIND_ROOTFS);
            out.writeUTF(x.source());
            out.writeBoolean(x.readonly());
        } else if (s instanceof Step.HostRoot x) {
            out.writeByte(HOST_ROOT);
            strings(out, x.binds());
        } else if (s instanceof Step.Mount x) {
            out.writeByte(MOUNT);
            out.writeUTF(x.source());
            out.writeUTF(x.target());
            nullable(out, x.fstype());
            out.writeLong(x.flags());
            nullable(out, x.data());
            out.writeBoolean(x.dir());
            out.writeByte(x.purpose().ordinal());
        } else if (s instanceof Step.Symlink x) {
            out.writeByte(SYMLINK);
            out.writeUTF(x.target());
            out.writeUTF(x.linkpath());
        } else if (s instanceof Step.ConfFile x) {
            out.writeByte(CONF_FILE);
            out.writeUTF(x.target());
            out.writeUTF(x.content());
        } else if (s instanceof Step.EnterRoot x) {
            out.writeByte(ENTER_ROOT);
            out.writeBoolean(x.pivot());
        } else if (s instanceof Step.RemountRootReadonly) {
            out.writeByte(RO_ROOT);
        } else if (s instanceof Step.SetHostname x) {
            out.writeByte(HOSTNAME);
            out.writeUTF(x.hostname());
        } else if (s instanceof Step.SetDomainname x) {
            out.writeByte(DOMAINNAME);
            out.writeUTF(x.domainname());
        } else if (s instanceof Step.LoopbackUp) {
            out.writeByte(LOOPBACK);
        } else if (s instanceof Step.StartInit) {
            out.writeByte(INIT);
        } else if (s instanceof Step.SetUser x) {
            out.writeByte(USER);
            out.writeLong(x.uid());
            out.writeLong(x.gid());
            out.writeInt(x.additionalGids().size());
            for (long g : x.additionalGids()) out.writeLong(g);
        } else if (s instanceof Step.Chdir x) {
            out.writeByte(CHDIR);
            out.writeUTF(x.cwd());
        } else if (s instanceof Step.Exec x) {
            out.writeByte(EXEC);
            strings(out, x.args());
            strings(out, x.env());
            out.writeBoolean(x.terminal());
        } else {
            throw new IllegalArgumentException("unknown step " + s);
        }
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
        Step s;
        switch (kind) {
            case CREATE_NS -> {
                int mask = in.readInt();
                Set<Namespace> ns = EnumSet.noneOf(Namespace.class);
                for (Namespace x : Namespace.values()) if ((mask & (1 << x.ordinal())) != 0) ns.add(x);
                s = new Step.CreateNamespaces(ns, at);
            }
            case ID_MAPS -> s = new Step.WriteIdMaps(idLines(in), idLines(in), in.readBoolean(), at);
            case PROPAGATION -> s = new Step.SetPropagation(in.readLong(), at);
            case BIND_ROOTFS -> s = new Step.BindRootfs(in.readUTF(), in.readBoolean(), at);
            case HOST_ROOT -> s = new Step.HostRoot(strings(in), at);
            case MOUNT -> s = new Step.Mount(in.readUTF(), in.readUTF(), nullable(in), in.readLong(), nullable(in),
                    in.readBoolean(), Step.Purpose.values()[in.readByte()], at);
            case SYMLINK -> s = new Step.Symlink(in.readUTF(), in.readUTF(), at);
            case CONF_FILE -> s = new Step.ConfFile(in.readUTF(), in.readUTF(), at);
            case ENTER_ROOT -> s = new Step.EnterRoot(in.readBoolean(), at);
            case RO_ROOT -> s = new Step.RemountRootReadonly(at);
            case HOSTNAME -> s = new Step.SetHostname(in.readUTF(), at);
            case DOMAINNAME -> s = new Step.SetDomainname(in.readUTF(), at);
            case LOOPBACK -> s = new Step.LoopbackUp(at);
            case INIT -> s = new Step.StartInit(at);
            case USER -> {
                long uid = in.readLong();
                long gid = in.readLong();
                int n = in.readInt();
                if (n < 0 || n > 65536) throw new IOException("bad group count " + n);
                List<Long> groups = new ArrayList<>(n);
                for (int i = 0; i < n; i++) groups.add(in.readLong());
                s = new Step.SetUser(uid, gid, groups, at);
            }
            case CHDIR -> s = new Step.Chdir(in.readUTF(), at);
            case EXEC -> s = new Step.Exec(strings(in), strings(in), in.readBoolean(), at);
            default -> throw new IOException("unknown step kind " + kind);
        }
        return s;
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

        String readUTF() throws IOException {
            int k = readInt();
            need(k);
            String s = new String(b, pos, k, StandardCharsets.UTF_8);
            pos += k;
            return s;
        }
    }
}
