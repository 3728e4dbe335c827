package dev.jrun.sys;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.jrun.security.SeccompProfile;
import dev.jrun.security.SeccompProfile.Action;
import dev.jrun.security.SeccompProfile.Arg;
import dev.jrun.security.SeccompProfile.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Seccomp filters: the kernel ABI that loads one (seccomp(2)), and the compiler from a resolved
 * {@link SeccompProfile} to the classic-BPF program the kernel runs, built with libseccomp
 * (seccomp_rule_add(3), seccomp_export_bpf(3)) through JNA.
 *
 * <p>Compiling runs in the parent JVM when a plan is made; the child only hands the bytes to
 * seccomp(2). So libseccomp is bound on first use, never by this class's initializer, and a
 * class that reads only the constants here pays nothing for it.
 *
 * <p>Rules are added as runc and crun add them: a rule whose action is the default is skipped
 * (libseccomp refuses it with EACCES), a name libseccomp does not know is skipped and reported,
 * and two conditions on one argument become two rules. What libseccomp would otherwise do
 * silently or refuse is reported too: an unconditional rule decides every call of its syscall, so
 * libseccomp drops any rule for it with another action, earlier or later (between two
 * unconditional ones the first stays); and a rule with an earlier one's conditions but another
 * action fails with EEXIST, where jrun keeps the earlier one.
 */
public final class Seccomp {
    private Seccomp() {}

    // seccomp(2), prctl(2)
    public static final int SECCOMP_SET_MODE_FILTER = 1;
    public static final int SECCOMP_FILTER_FLAG_TSYNC = 1;
    public static final int SECCOMP_FILTER_FLAG_LOG = 2;
    public static final int SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
    /** Without CAP_SYS_ADMIN in its user namespace, a process must set this before seccomp(2). */
    public static final int PR_SET_NO_NEW_PRIVS = 38;
    /** struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
    public static final int SOCK_FILTER_SIZE = 8;
    /** struct sock_fprog on a 64-bit ABI: unsigned short len, 6 bytes of padding, the pointer. */
    public static final int SOCK_FPROG_SIZE = 16;
    /** The kernel refuses a longer filter (BPF_MAXINSNS). */
    public static final int BPF_MAXINSNS = 4096;

    /** The compiled filter: {@code bpf} is an array of struct sock_filter, ready for seccomp(2). */
    public record Program(byte[] bpf, List<Note> notes) {
        public Program {
            notes = List.copyOf(notes);
        }

        public int instructions() {
            return bpf.length / SOCK_FILTER_SIZE;
        }
    }

    /** Something about a rule that lint should tell; the filter was built without that part. */
    public record Note(Kind kind, String syscall, String pointer, String message) {
        public enum Kind {
            /** libseccomp does not know the name: no rule for it (a newer kernel's syscall, or a typo). */
            UNKNOWN_SYSCALL,
            /** Another rule decides every call of the syscall, so this one never applies. */
            SHADOWED,
            /** Same conditions as an earlier rule with another action: the earlier one wins. */
            CONFLICT,
            /** Two conditions on one argument: split into rules of their own, either one matching. */
            SPLIT,
        }
    }

    /** libseccomp is missing, or refused the profile. */
    public static final class SeccompException extends Exception {
        private static final long serialVersionUID = 1L;

        public SeccompException(String message) {
            super(message, null, false, false);
        }
    }

    // libseccomp's ABI (seccomp.h): actions, comparisons, attributes.
    private static final int SCMP_ACT_KILL_PROCESS = 0x80000000;
    private static final int SCMP_ACT_KILL_THREAD = 0x00000000;
    private static final int SCMP_ACT_TRAP = 0x00030000;
    private static final int SCMP_ACT_ERRNO = 0x00050000;
    private static final int SCMP_ACT_TRACE = 0x7ff00000;
    private static final int SCMP_ACT_LOG = 0x7ffc0000;
    private static final int SCMP_ACT_ALLOW = 0x7fff0000;
    private static final int SCMP_FLTATR_ACT_BADARCH = 2;
    private static final int SCMP_FLTATR_CTL_NNP = 3;
    private static final int SCMP_FLTATR_CTL_OPTIMIZE = 8;
    /** __NR_SCMP_ERROR: the name is no syscall on any architecture libseccomp knows. */
    private static final int NR_SCMP_ERROR = -1;
    /** struct scmp_arg_cmp: unsigned int arg, enum scmp_compare op, u64 datum_a, u64 datum_b. */
    private static final int ARG_CMP_SIZE = 24;
    private static final String SONAME = "libseccomp.so.2";

    /** Direct-mapped, registered on first use by {@link #lib()}. */
    private static final class Lib {
        static native Pointer seccomp_init(int defAction);
        static native void seccomp_release(Pointer ctx);
        static native int seccomp_attr_set(Pointer ctx, int attr, int value);
        static native int seccomp_arch_add(Pointer ctx, int archToken);
        static native int seccomp_arch_native();
        static native int seccomp_arch_resolve_name(String name);
        static native int seccomp_syscall_resolve_name(String name);
        static native Pointer seccomp_syscall_resolve_num_arch(int archToken, int num);
        static native int seccomp_rule_add_array(Pointer ctx, int action, int syscall, int argCount, Pointer args);
        static native int seccomp_export_bpf(Pointer ctx, int fd);
        static native Pointer seccomp_version();
    }

    private static boolean bound;
    private static String unavailable;
    private static String version;
    private static List<String> knownNames;

    private static synchronized void lib() throws SeccompException {
        if (bound) return;
        if (unavailable == null) {
            unavailable = bind(SONAME);
            bound = unavailable == null;
        }
        if (!bound) throw new SeccompException(unavailable);
        Pointer v = Lib.seccomp_version();
        version = v.getInt(0) + "." + v.getInt(4) + "." + v.getInt(8);
    }

    /** Binds {@link Lib} to {@code soname}: null, or why not, in words for the user. */
    static String bind(String soname) {
        NativeLibrary lib;
        try {
            lib = NativeLibrary.getInstance(soname);
        } catch (UnsatisfiedLinkError e) {
            return "cannot load " + soname + ": jrun builds seccomp filters with libseccomp; install it"
                    + " (Debian, Ubuntu: apt-get install libseccomp2; Fedora: dnf install libseccomp)";
        }
        try {
            Native.register(Lib.class, lib);
            return null;
        } catch (UnsatisfiedLinkError e) {
            return soname + " is too old for jrun (libseccomp 2.5 or later is needed): " + e.getMessage();
        }
    }

    /** libseccomp's version, e.g. "2.5.4". */
    public static String version() throws SeccompException {
        lib();
        return version;
    }

    /** True when libseccomp knows {@code name} as a syscall of some architecture. */
    public static boolean isKnown(String name) throws SeccompException {
        lib();
        return Lib.seccomp_syscall_resolve_name(name) != NR_SCMP_ERROR;
    }

    /**
     * Every syscall name of this architecture and the ones a filter here also covers (x86 and x32
     * beside x86_64, arm beside aarch64), sorted: for "did you mean" in lint.
     */
    public static synchronized List<String> knownSyscallNames() throws SeccompException {
        lib();
        if (knownNames != null) return knownNames;
        TreeSet<String> names = new TreeSet<>();
        int nativeArch = Lib.seccomp_arch_native();
        collect(nativeArch, 0, 1024, names);
        if (nativeArch == Lib.seccomp_arch_resolve_name("x86_64")) {
            collect(Lib.seccomp_arch_resolve_name("x86"), 0, 1024, names);
            collect(Lib.seccomp_arch_resolve_name("x32"), 0x40000000, 0x40000000 + 1024, names); // __X32_SYSCALL_BIT
        } else if (nativeArch == Lib.seccomp_arch_resolve_name("aarch64")) {
            int arm = Lib.seccomp_arch_resolve_name("arm");
            collect(arm, 0, 1024, names);
            collect(arm, 0xf0000, 0xf0010, names); // ARM's private calls: breakpoint, cacheflush, set_tls
        }
        knownNames = List.copyOf(names);
        return knownNames;
    }

    private static void collect(int arch, int from, int to, TreeSet<String> into) {
        for (int n = from; n < to; n++) {
            Pointer p = Lib.seccomp_syscall_resolve_num_arch(arch, n);
            if (p == null) continue;
            into.add(p.getString(0));
            Native.free(Pointer.nativeValue(p)); // libseccomp strdup()s the name
        }
    }

    /** Compiles a {@link SeccompProfile#resolve resolved} profile for this host's architecture. */
    public static Program compile(SeccompProfile profile) throws SeccompException {
        if (!profile.isResolved()) {
            throw new IllegalArgumentException("resolve the profile's archMap, includes and excludes first");
        }
        lib();
        int defaultAction = action(profile.defaultAction());
        Pointer ctx = Lib.seccomp_init(defaultAction);
        if (ctx == null) throw new SeccompException("seccomp_init(" + profile.defaultAction() + ") failed");
        try {
            // Only seccomp_load(3) reads this; jrun's child loads the bytes and sets no_new_privs as the spec says.
            check(Lib.seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "seccomp_attr_set(SCMP_FLTATR_CTL_NNP, 0)");
            // A syscall of an architecture not in the filter kills the process, not one thread of it.
            check(Lib.seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS),
                    "seccomp_attr_set(SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)");
            for (String arch : profile.architectures()) {
                String name = arch.substring("SCMP_ARCH_".length()).toLowerCase(Locale.ROOT);
                int token = Lib.seccomp_arch_resolve_name(name);
                if (token == 0) throw new SeccompException("libseccomp " + version + " does not know the architecture " + arch);
                int rc = Lib.seccomp_arch_add(ctx, token);
                if (rc < 0 && rc != -Errno.EEXIST) check(rc, "seccomp_arch_add(" + arch + ")");
            }
            // A binary search over syscall numbers, as runc does for a long profile (libseccomp up to
            // 2.5.4 misbehaves with it on an empty one). Allowed calls hit the kernel's cache either
            // way; a call the filter must walk (denied, or checked arguments) took 217-259 ns here
            // instead of 296-359 ns with the linear list, for a filter of 1227 instructions, not 983.
            if (nameCount(profile) > 32) {
                check(Lib.seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2), "seccomp_attr_set(SCMP_FLTATR_CTL_OPTIMIZE, 2)");
            }
            List<Note> notes = new ArrayList<>();
            new Rules(ctx, defaultAction, notes).addAll(profile.syscalls());
            return new Program(export(ctx), notes);
        } finally {
            Lib.seccomp_release(ctx);
        }
    }

    private static int nameCount(SeccompProfile profile) {
        int n = 0;
        for (Rule r : profile.syscalls()) n += r.names().size();
        return n;
    }

    /** Adds rules one syscall at a time, remembering what each syscall already has. */
    private static final class Rules {
        private final Pointer ctx;
        private final int defaultAction;
        private final List<Note> notes;
        /** The first unconditional rule of each syscall number. */
        private final Map<Integer, Rule> whole = new HashMap<>();
        /** The conditional rules added for each syscall number. */
        private final Map<Integer, List<Rule>> partial = new HashMap<>();
        /** Per syscall number and exact conditions: the rule that set them first. */
        private final Map<String, Rule> exact = new HashMap<>();

        Rules(Pointer ctx, int defaultAction, List<Note> notes) {
            this.ctx = ctx;
            this.defaultAction = defaultAction;
            this.notes = notes;
        }

        void addAll(List<Rule> rules) throws SeccompException {
            for (Rule r : rules) {
                int act = action(r.action());
                for (int i = 0; i < r.names().size(); i++) {
                    String name = r.names().get(i);
                    int nr = Lib.seccomp_syscall_resolve_name(name);
                    if (nr == NR_SCMP_ERROR) {
                        notes.add(new Note(Note.Kind.UNKNOWN_SYSCALL, name, pointer(r, "/names/" + i),
                                "unknown syscall " + quote(name) + ": libseccomp " + version
                                        + " does not know it, so this rule leaves it to the default action"));
                        continue;
                    }
                    if (act == defaultAction) continue; // libseccomp refuses it: it would change nothing
                    add(r, act, name, nr);
                }
            }
        }

        private void add(Rule r, int act, String name, int nr) throws SeccompException {
            Rule decided = whole.get(nr);
            if (decided != null) {
                if (action(decided.action()) != act) {
                    notes.add(new Note(Note.Kind.SHADOWED, name, pointer(r, ""), "the rule at " + where(decided)
                            + " decides every call of " + name + " (" + decided.action() + "), so this one never applies"));
                }
                return; // libseccomp would drop it too
            }
            if (r.args().isEmpty()) {
                for (Rule p : partial.getOrDefault(nr, List.of())) {
                    if (action(p.action()) != act) {
                        notes.add(new Note(Note.Kind.SHADOWED, name, pointer(p, ""), "the rule at " + where(r)
                                + " decides every call of " + name + " (" + r.action() + "), so this one never applies"));
                    }
                }
                whole.put(nr, r);
                check(Lib.seccomp_rule_add_array(ctx, act, nr, 0, null), r, name);
                return;
            }
            List<List<Arg>> chains = chains(r.args());
            if (chains.size() > 1) {
                notes.add(new Note(Note.Kind.SPLIT, name, pointer(r, "/args"), "two conditions on one argument of " + name
                        + ": each became a rule of its own, so either one matching is enough (as in runc and crun)"));
            }
            boolean added = false;
            for (List<Arg> chain : chains) {
                Rule first = exact.putIfAbsent(nr + ":" + chain, r);
                int rc;
                try (Memory args = argArray(chain)) {
                    rc = Lib.seccomp_rule_add_array(ctx, act, nr, chain.size(), args);
                }
                if (rc == -Errno.EEXIST && first != null && first != r) {
                    notes.add(new Note(Note.Kind.CONFLICT, name, pointer(r, "/args"), "the rule at " + where(first)
                            + " has the same conditions for " + name + " and the action " + first.action() + ", which wins"));
                    continue;
                }
                check(rc, r, name);
                added = true;
            }
            if (added) partial.computeIfAbsent(nr, k -> new ArrayList<>()).add(r);
        }

        private void check(int rc, Rule r, String name) throws SeccompException {
            if (rc < 0) {
                throw new SeccompException("seccomp_rule_add(" + r.action() + ", " + name + ") for the rule at " + where(r)
                        + ": " + Errno.describe(-rc));
            }
        }
    }

    /** The rule's conditions as libseccomp takes them: several on one argument must be split. */
    private static List<List<Arg>> chains(List<Arg> args) {
        boolean[] seen = new boolean[6];
        for (Arg a : args) {
            if (seen[a.index()]) {
                List<List<Arg>> split = new ArrayList<>();
                for (Arg b : args) split.add(List.of(b));
                return split;
            }
            seen[a.index()] = true;
        }
        return List.of(args);
    }

    private static Memory argArray(List<Arg> chain) {
        Memory m = new Memory((long) ARG_CMP_SIZE * chain.size());
        for (int i = 0; i < chain.size(); i++) {
            Arg a = chain.get(i);
            long at = (long) i * ARG_CMP_SIZE;
            m.setInt(at, a.index());
            m.setInt(at + 4, op(a.op()));
            m.setLong(at + 8, a.value());
            m.setLong(at + 16, a.valueTwo());
        }
        return m;
    }

    /** seccomp_export_bpf(3) writes to a file descriptor: a memfd, read back through /proc. */
    private static byte[] export(Pointer ctx) throws SeccompException {
        long fd;
        try (Memory name = new Memory(16)) {
            name.setString(0, "jrun-seccomp");
            fd = LibcSyscalls.sys(Linux.NR.memfdCreate(), Pointer.nativeValue(name), Linux.MFD_CLOEXEC, 0, 0, 0, 0);
        }
        if (fd < 0) throw new SeccompException("memfd_create for the seccomp filter: " + Errno.describe((int) -fd));
        try {
            check(Lib.seccomp_export_bpf(ctx, (int) fd), "seccomp_export_bpf");
            return Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new SeccompException("reading the exported seccomp filter: " + e.getMessage());
        } finally {
            LibcSyscalls.INSTANCE.close((int) fd);
        }
    }

    private static void check(int rc, String what) throws SeccompException {
        if (rc < 0) throw new SeccompException(what + ": " + Errno.describe(-rc));
    }

    private static int action(Action a) {
        switch (a.kind()) {
            case KILL:
            case KILL_THREAD:
                return SCMP_ACT_KILL_THREAD; // OCI's SCMP_ACT_KILL, as runc maps it
            case KILL_PROCESS:
                return SCMP_ACT_KILL_PROCESS;
            case TRAP:
                return SCMP_ACT_TRAP;
            case ERRNO:
                return SCMP_ACT_ERRNO | (a.ret() & 0xffff);
            case TRACE:
                return SCMP_ACT_TRACE | (a.ret() & 0xffff);
            case LOG:
                return SCMP_ACT_LOG;
            case ALLOW:
                return SCMP_ACT_ALLOW;
            default:
                throw new AssertionError(a);
        }
    }

    /** enum scmp_compare: SCMP_CMP_NE = 1 through SCMP_CMP_MASKED_EQ = 7. */
    private static int op(SeccompProfile.Op op) {
        switch (op) {
            case NE: return 1;
            case LT: return 2;
            case LE: return 3;
            case EQ: return 4;
            case GE: return 5;
            case GT: return 6;
            case MASKED_EQ: return 7;
            default: throw new AssertionError(op);
        }
    }

    private static String pointer(Rule r, String below) {
        return r.pointer() == null ? null : r.pointer() + below;
    }

    private static String where(Rule r) {
        return r.pointer() == null ? "(built in code)" : r.pointer();
    }

    private static String quote(String s) {
        return dev.jrun.spec.DidYouMean.quote(s);
    }
}
