package dev.jrun.runner;

import static dev.jrun.plan.MountFlags.*;
import static dev.jrun.runner.ChildProgram.*;
import static dev.jrun.sys.Linux.*;

import dev.jrun.plan.MountFlags;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.sys.Kernel;
import dev.jrun.sys.NativeArena;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compiles a {@link Plan} into the {@link ChildProgram} a forked child runs: every path resolved
 * inside the rootfs, every string and struct encoded into one native arena, every mount point to
 * create spelled out. All decisions are taken here, in the parent, where Java may allocate, throw
 * and look at the filesystem.
 */
final class ProgramBuilder {
    /** What the program needs from the parent besides the plan. */
    record Setup(
            int syncFd,
            int statusFd,
            int ttyFd,
            /** Where generated conf files are written; null when the plan has none. */
            Path confDir,
            /** The empty host directory a {@code rootfs: {host: true}} root is built on. */
            Path hostRootDir,
            int lastCap,
            /** Test-only fault injection: where the child stalls on purpose. */
            Stall stall,
            /** Locked-flag lookup (statfs), injectable so unit tests need no particular host. */
            LockedFlags lockedFlags) {}

    /** Fault injection for the watchdogs' tests: nowhere, right after SYNC_GO, or in the init after exec. */
    /** Fault injection for the watchdogs' tests: where the child (or its init) blocks forever. */
    enum Stall {
        NONE,
        /** the setup child makes no progress (rt_sigtimedwait): the stall timeout catches it */
        BEFORE_EXEC,
        /** the setup child blocks in futex, as a stuck JVM copy does: caught at once */
        BEFORE_EXEC_FUTEX,
        /** the init blocks before its loop */
        INIT,
        /** the init blocks in futex on the first signal it is to forward, so signals must bypass it */
        INIT_ON_SIGNAL,
        /** the init blocks in futex once it has seen the process exit */
        INIT_AT_EXIT;

        boolean inInit() {
            return this == INIT || this == INIT_ON_SIGNAL || this == INIT_AT_EXIT;
        }
    }

    @FunctionalInterface
    interface LockedFlags {
        long of(String hostPath) throws RunnerException;
    }

    private final Plan plan;
    private final Setup setup;
    private final NativeArena arena = new NativeArena();
    private int[] op = new int[64];
    private long[] args = new long[64 * ARGS];
    private boolean[] relocate = new boolean[64 * ARGS];
    private int[] step = new int[64];
    private String[] what = new String[64];
    private int count;
    private int current = -1;

    private ContainerPaths paths;
    private boolean entered;
    private boolean init;
    private boolean denySetgroups;
    private int confFiles;
    private String rootHostPath;

    private ProgramBuilder(Plan plan, Setup setup) {
        this.plan = plan;
        this.setup = setup;
    }

    static ChildProgram build(Plan plan, Setup setup) throws RunnerException {
        return new ProgramBuilder(plan, setup).build();
    }

    private ChildProgram build() throws RunnerException {
        try {
            int statusBuf = arena.zeroed(8);
            int syncBuf = arena.zeroed(8);
            prologue(syncBuf);
            List<Step> steps = plan.steps();
            for (int i = 0; i < steps.size(); i++) {
                current = i;
                compile(steps.get(i));
            }
            arena.seal();
            for (int i = 0; i < count * ARGS; i++) {
                if (relocate[i]) args[i] = arena.address((int) args[i]);
            }
            return new ChildProgram(Arrays.copyOf(op, count), Arrays.copyOf(args, count * ARGS),
                    Arrays.copyOf(step, count), Arrays.copyOf(what, count), count, setup.statusFd(),
                    arena.address(statusBuf), arena);
        } catch (RunnerException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Keep only the two sync fds (and a terminal): whatever else the JVM had open is not ours. */
    private void prologue(int syncBuf) {
        current = -1;
        int[] keep = setup.ttyFd() >= 0
                ? new int[] {setup.syncFd(), setup.statusFd(), setup.ttyFd()}
                : new int[] {setup.syncFd(), setup.statusFd()};
        Arrays.sort(keep);
        long from = 3;
        for (int fd : keep) {
            if (fd > from) emit("close inherited fds", CLOSE_RANGE, from, fd - 1, 0);
            from = fd + 1L;
        }
        emit("close inherited fds", CLOSE_RANGE, from, FD_MAX, 0);
        // The container dies with the thread that started it, whatever happens to jrun.
        emit("prctl PR_SET_PDEATHSIG", PRCTL, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        emitP("wait for the parent (id maps)", READ_SYNC, new long[] {setup.syncFd(), syncBuf}, 0b10);
        emit("close sync pipe", CLOSE, setup.syncFd());
        if (setup.stall() == Stall.BEFORE_EXEC) {
            int none = arena.zeroed(Math.max(8, SIGINFO_SIZE));
            emitP("stall (fault injection)", STALL, new long[] {none, none}, 0b11);
        } else if (setup.stall() == Stall.BEFORE_EXEC_FUTEX) {
            emitP("stall in futex (fault injection)", STALL_FUTEX, new long[] {arena.zeroed(8)}, 0b1);
        }
    }

    private void compile(Step s) throws RunnerException {
        // CreateNamespaces and WriteIdMaps are the parent's (clone flags, /proc/PID/*_map).
        if (s instanceof Step.WriteIdMaps m) {
            denySetgroups = m.denySetgroups();
            // After clone the child still has its host ids, which a custom map may not map (root
            // with 0 -> 100000): files it creates would fail with EOVERFLOW. Become the namespace's
            // root now, as runc does, where root is mapped.
            if (maps(m.gid(), 0)) emit("setresgid 0 (in the user namespace)", SETRESGID, 0);
            if (maps(m.uid(), 0)) emit("setresuid 0 (in the user namespace)", SETRESUID, 0);
        } else if (s instanceof Step.SetPropagation p) {
            emitP("make / " + MountFlags.describe(p.flags()), MOUNT, new long[] {str("none"), str("/"), 0, p.flags(), 0}, 0b11);
        } else if (s instanceof Step.BindRootfs b) {
            bindRootfs(b);
        } else if (s instanceof Step.HostRoot h) {
            hostRoot(h);
        } else if (s instanceof Step.Mount m) {
            mount(m.source(), m.target(), m.fstype(), m.flags(), m.data(), m.dir());
        } else if (s instanceof Step.Symlink l) {
            symlink(l);
        } else if (s instanceof Step.ConfFile f) {
            confFile(f);
        } else if (s instanceof Step.EnterRoot e) {
            enterRoot(e.pivot());
        } else if (s instanceof Step.RemountRootReadonly) {
            long locked = rootHostPath == null ? 0 : setup.lockedFlags().of(rootHostPath);
            emitP("remount / read-only", MOUNT, new long[] {str("none"), str(entered ? "/" : paths.host("/")), 0,
                    MS_REMOUNT | MS_BIND | MS_RDONLY | locked, 0}, 0b11);
        } else if (s instanceof Step.SetHostname h) {
            long len = h.hostname().getBytes(StandardCharsets.UTF_8).length;
            emitP("sethostname " + h.hostname(), SETHOSTNAME, new long[] {str(h.hostname()), len}, 0b1);
        } else if (s instanceof Step.SetDomainname d) {
            long len = d.domainname().getBytes(StandardCharsets.UTF_8).length;
            emitP("setdomainname " + d.domainname(), SETDOMAINNAME, new long[] {str(d.domainname()), len}, 0b1);
        } else if (s instanceof Step.LoopbackUp) {
            loopback();
        } else if (s instanceof Step.StartInit) {
            init = true; // forked last, just before exec: see exec()
        } else if (s instanceof Step.SetUser u) {
            setUser(u);
        } else if (s instanceof Step.Chdir c) {
            emitP("chdir " + c.cwd(), CHDIR, new long[] {str(c.cwd())}, 0b1);
        } else if (s instanceof Step.Exec e) {
            exec(e);
        }
    }

    private static boolean maps(List<Step.IdMapLine> lines, long id) {
        for (Step.IdMapLine l : lines) if (id >= l.container() && id < l.container() + l.size()) return true;
        return false;
    }

    /**
     * A read-only rootfs is shown through an overlay whose upper layer is a private tmpfs: mount
     * points the spec needs but the rootfs lacks are created there, never in the host's directory
     * (which a plain bind would change for good). A writable rootfs is bound onto itself, as runc
     * does, and mount points are created in it.
     */
    private void bindRootfs(Step.BindRootfs b) {
        if (!b.readonly() || setup.hostRootDir() == null) {
            rootHostPath = b.source();
            paths = new ContainerPaths(b.source(), Path.of(b.source()));
            emitP("bind rootfs " + b.source() + " onto itself", MOUNT,
                    new long[] {str(b.source()), str(b.source()), 0, MS_BIND | MS_REC, 0}, 0b00011);
            return;
        }
        String root = setup.hostRootDir().toString();
        String layer = setup.hostRootDir().resolveSibling("layer").toString();
        emitP("mount tmpfs on " + layer + " (overlay's upper layer)", MOUNT,
                new long[] {str("tmpfs"), str(layer), str("tmpfs"), MS_NOSUID | MS_NODEV, str("mode=755")}, 0b10111);
        emitP("mkdir " + layer + "/upper", MKDIR, new long[] {str(layer + "/upper"), 0755}, 0b1);
        emitP("mkdir " + layer + "/work", MKDIR, new long[] {str(layer + "/work"), 0755}, 0b1);
        String options = "lowerdir=" + overlayEscape(b.source()) + ",upperdir=" + overlayEscape(layer + "/upper")
                + ",workdir=" + overlayEscape(layer + "/work");
        emitP("mount overlay of rootfs " + b.source() + " on " + root, MOUNT,
                new long[] {str("overlay"), str(root), str("overlay"), 0, str(options)}, 0b10111);
        paths = new ContainerPaths(root, Path.of(b.source()));
    }

    /** overlayfs splits its options at ',' and lowerdir at ':'; a backslash escapes both. */
    static String overlayEscape(String path) {
        return path.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:");
    }

    private void hostRoot(Step.HostRoot h) throws RunnerException {
        String root = setup.hostRootDir().toString();
        paths = new ContainerPaths(root, null);
        emitP("mount tmpfs on " + root + " (host root)", MOUNT,
                new long[] {str("tmpfs"), str(root), str("tmpfs"), MS_NOSUID | MS_NODEV, str("mode=755")}, 0b10111);
        // Host binaries expect a /tmp to exist (as a cwd, say); it is an empty directory of the root.
        mkdir("/tmp");
        for (String dir : h.binds()) {
            Path p = Path.of(dir);
            if (Files.isSymbolicLink(p)) { // usrmerge: /bin -> usr/bin; keep the link, not a second bind
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    emitP("symlink " + dir + " -> " + target, SYMLINK, new long[] {str(target), str(root + dir)}, 0b11);
                    paths.createdLink(dir, target);
                } catch (IOException e) {
                    throw new RunnerException(plan, current, "readlink " + dir, dev.jrun.sys.Errno.EACCES, null);
                }
            } else if (Files.isDirectory(p)) {
                mount(dir, dir, null, MS_BIND | MS_REC | MS_RDONLY, null, true);
            }
        }
    }

    private void mount(String source, String target, String fstype, long flags, String data, boolean dir)
            throws RunnerException {
        String resolved = resolve(target);
        String host = paths.host(resolved);
        boolean bind = (flags & MS_BIND) != 0;
        String name = bind ? "bind " + source + " on " + target : "mount " + (fstype == null ? source : fstype) + " on " + target;
        if ((flags & (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)) != 0 && fstype == null && !bind) {
            emitP("make " + target + " " + MountFlags.describe(flags), MOUNT, new long[] {str("none"), str(host), 0, flags, 0}, 0b11);
            return;
        }
        mountPoint(resolved, dir);
        if (bind) {
            emitP(name, MOUNT, new long[] {str(source), str(host), 0, MS_BIND | (flags & MS_REC), 0}, 0b11);
            long perMount = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME);
            if (perMount != 0) {
                // A bind ignores these flags; a remount applies them, and must keep the source's
                // locked ones or a user namespace gets EPERM (mount_namespaces(7)).
                long locked = setup.lockedFlags().of(source);
                emitP("remount " + target + " " + MountFlags.describe(perMount | locked), MOUNT,
                        new long[] {str("none"), str(host), 0, MS_REMOUNT | MS_BIND | perMount | locked, 0}, 0b11);
            }
            paths.mounted(resolved, Path.of(source));
        } else {
            emitP(name, MOUNT, new long[] {str(source), str(host), fstype == null ? 0 : str(fstype), flags,
                    data == null ? 0 : str(data)}, 0b11 | (fstype == null ? 0 : 0b100) | (data == null ? 0 : 0b10000));
            paths.mounted(resolved, null);
        }
    }

    /** mkdir every missing directory down to the mount point; an empty file for a file mount. */
    private void mountPoint(String resolved, boolean dir) {
        if (resolved.equals("/")) return;
        int slash = 0;
        while ((slash = resolved.indexOf('/', slash + 1)) > 0) mkdir(resolved.substring(0, slash));
        if (paths.kind(resolved) != ContainerPaths.Kind.MISSING) return;
        if (dir) {
            mkdir(resolved);
        } else {
            emitP("create mount point " + resolved, CREAT, new long[] {str(paths.host(resolved)), 0644}, 0b1);
        }
    }

    private void mkdir(String dir) {
        if (paths.kind(dir) != ContainerPaths.Kind.MISSING) return;
        emitP("mkdir " + dir, MKDIR, new long[] {str(paths.host(dir)), 0755}, 0b1);
        paths.createdDir(dir);
    }

    private String resolve(String target) throws RunnerException {
        if (entered) return target;
        try {
            return paths.resolve(target);
        } catch (ContainerPaths.Unresolvable e) {
            throw new RunnerException(plan, current, "resolve " + target + " inside the rootfs", e.errno, null);
        }
    }

    private void symlink(Step.Symlink l) throws RunnerException {
        int slash = l.linkpath().lastIndexOf('/');
        String parent = resolve(slash <= 0 ? "/" : l.linkpath().substring(0, slash));
        String link = (parent.equals("/") ? "" : parent) + l.linkpath().substring(slash);
        mkdir(parent);
        emitP("symlink " + l.linkpath() + " -> " + l.target(), SYMLINK,
                new long[] {str(l.target()), str(entered ? link : paths.host(link))}, 0b11);
        paths.createdLink(link, l.target());
    }

    private void confFile(Step.ConfFile f) throws RunnerException {
        Path file = setup.confDir().resolve("f" + confFiles++);
        try {
            // java.io: NIO's channel classes cost milliseconds of a cold run
            try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toFile())) {
                out.write(f.content().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new RunnerException(plan, current, "write " + file + ": " + e.getMessage(), 0, null);
        }
        mount(file.toString(), f.target(), null, MS_BIND | MS_RDONLY, null, false);
    }

    private void enterRoot(boolean pivot) {
        String root = paths.host("/");
        emitP("chdir " + root, CHDIR, new long[] {str(root)}, 0b1);
        if (pivot) {
            // runc's trick: the old root is stacked under the new one at "." and detached at once,
            // so no put_old directory is needed inside the rootfs.
            emitP("pivot_root " + root, PIVOT_ROOT, new long[] {str("."), str(".")}, 0b11);
            emitP("detach the old root", UMOUNT2, new long[] {str("."), MNT_DETACH}, 0b1);
        } else {
            emitP("chroot " + root, CHROOT, new long[] {str(".")}, 0b1);
        }
        emitP("chdir /", CHDIR, new long[] {str("/")}, 0b1);
        entered = true;
    }

    private void loopback() {
        ByteBuffer ifr = NativeArena.layout(IFREQ_SIZE);
        ifr.put("lo".getBytes(StandardCharsets.US_ASCII));
        ifr.putShort(IFNAMSIZ, (short) (IFF_UP | IFF_LOOPBACK | IFF_RUNNING));
        int at = arena.struct(ifr.array());
        emit("socket AF_INET (for lo)", SOCKET, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        emitP("bring lo up (SIOCSIFFLAGS)", IOCTL_REG, new long[] {0, SIOCSIFFLAGS, at}, 0b100);
        emit("close socket", CLOSE_REG);
    }

    private void setUser(Step.SetUser u) {
        long keep = 0;
        for (int cap : DOCKER_DEFAULT_CAPS) keep |= 1L << cap;
        // Bounding set first (it needs CAP_SETPCAP, which capset keeps), so that not even an exec of
        // a file with capabilities can get CAP_SYS_ADMIN back, e.g. to remount a read-only volume rw.
        emit("drop capabilities from the bounding set", CAPBSET_DROP, keep, 0, setup.lastCap());
        ByteBuffer hdr = NativeArena.layout(8).putInt(LINUX_CAPABILITY_VERSION_3).putInt(0);
        ByteBuffer data = NativeArena.layout(24);
        data.putInt((int) keep).putInt((int) keep).putInt(0).putInt((int) (keep >>> 32)).putInt((int) (keep >>> 32)).putInt(0);
        emitP("capset (docker's default set)", CAPSET, new long[] {arena.struct(hdr.array()), arena.struct(data.array())}, 0b11);
        // setgroups is refused for good once "deny" was written; with no groups to set, skip it.
        if (!denySetgroups || !u.additionalGids().isEmpty()) {
            ByteBuffer gids = NativeArena.layout(Math.max(4, 4 * u.additionalGids().size()));
            for (long g : u.additionalGids()) gids.putInt((int) g);
            emitP("setgroups " + u.additionalGids(), SETGROUPS,
                    new long[] {u.additionalGids().size(), arena.struct(gids.array())}, 0b10);
        }
        emit("setresgid " + u.gid(), SETRESGID, u.gid());
        emit("setresuid " + u.uid(), SETRESUID, u.uid());
        // A credential change clears the parent-death signal: set it again.
        emit("prctl PR_SET_PDEATHSIG", PRCTL, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    }

    private void exec(Step.Exec e) {
        int initStart = -1;
        int forkAt = -1;
        int set = 0;
        int info = 0;
        if (init) {
            set = arena.struct(NativeArena.layout(8).putLong(initSignals()).array());
            info = arena.zeroed(SIGINFO_SIZE);
            emitP("block forwarded signals and SIGCHLD (init)", SIGPROCMASK, new long[] {SIG_BLOCK, set}, 0b10);
            forkAt = count;
            emit("clone the process (init)", FORK_PROCESS, SIGCHLD, 0);
        }
        int empty = arena.zeroed(8);
        int dfl = arena.zeroed(KERNEL_SIGACTION_SIZE);
        emitP("unblock signals", SIGPROCMASK, new long[] {SIG_SETMASK, empty}, 0b10);
        emitP("reset signal dispositions", RESET_SIGNALS, new long[] {dfl}, 0b1);
        if (setup.ttyFd() >= 0) {
            int tty = setup.ttyFd();
            emit("setsid", SETSID);
            emit("ioctl TIOCSCTTY", IOCTL, tty, TIOCSCTTY, 0);
            for (int fd = 0; fd < 3; fd++) emit("dup3 terminal to fd " + fd, DUP3, tty, fd);
        }
        emit("mark fds >= 3 close-on-exec", CLOSE_RANGE, 3, FD_MAX, CLOSE_RANGE_CLOEXEC);
        int argv = arena.stringArray(e.args());
        int envp = arena.stringArray(e.env());
        List<String> candidates = candidates(e);
        for (int i = 0; i < candidates.size(); i++) {
            emitP("execve " + String.join(" ", e.args()), EXECVE,
                    new long[] {str(candidates.get(i)), argv, envp, i < candidates.size() - 1 ? 1 : 0}, 0b0111);
        }
        if (init) {
            initStart = count;
            args[forkAt * ARGS + 1] = initStart;
            // PID 1 keeps nothing of jrun's: the exec-status pipe must close for the parent to see EOF.
            emit("close all fds >= 3 (init)", CLOSE_RANGE, 3, FD_MAX, 0);
            emit("prctl PR_SET_DUMPABLE 0 (init)", PRCTL, PR_SET_DUMPABLE, 0, 0, 0, 0);
            if (setup.stall() == Stall.INIT) {
                int none = arena.zeroed(SIGINFO_SIZE);
                emitP("stall (fault injection, init)", STALL, new long[] {none, none}, 0b11);
            }
            if (setup.stall() == Stall.INIT_AT_EXIT || setup.stall() == Stall.INIT_ON_SIGNAL) {
                emitP("wait for signals (init; fault injection: " + setup.stall() + ")", INIT_LOOP,
                        new long[] {set, info, arena.zeroed(8), setup.stall() == Stall.INIT_AT_EXIT ? STALL_AT_EXIT : STALL_ON_SIGNAL}, 0b111);
            } else {
                emitP("wait for signals (init)", INIT_LOOP, new long[] {set, info, 0, 0}, 0b11);
            }
        }
    }

    static long initSignals() {
        long set = 0;
        for (int sig : new int[] {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD}) {
            set |= 1L << (sig - 1);
        }
        return set;
    }

    /** execvp(3)'s candidates: args[0] itself if it has a slash, else each PATH entry. */
    private static List<String> candidates(Step.Exec e) {
        String cmd = e.args().get(0);
        if (cmd.contains("/")) return List.of(cmd);
        String path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (String kv : e.env()) if (kv.startsWith("PATH=")) path = kv.substring(5);
        List<String> out = new ArrayList<>();
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) dir = ".";
            out.add(dir.endsWith("/") ? dir + cmd : dir + "/" + cmd);
        }
        return out.isEmpty() ? List.of(cmd) : out;
    }

    // Emitting ops. Pointer arguments are arena offsets until the arena is sealed; bit k of
    // {@code pointers} marks argument k as one.

    private long str(String s) {
        return arena.string(s);
    }

    private void emit(String description, int opcode, long... a) {
        emitP(description, opcode, a, 0);
    }

    private void emitP(String description, int opcode, long[] a, int pointers) {
        if (count == op.length) {
            op = Arrays.copyOf(op, count * 2);
            step = Arrays.copyOf(step, count * 2);
            what = Arrays.copyOf(what, count * 2);
            args = Arrays.copyOf(args, count * 2 * ARGS);
            relocate = Arrays.copyOf(relocate, count * 2 * ARGS);
        }
        op[count] = opcode;
        step[count] = current;
        what[count] = description;
        for (int k = 0; k < a.length; k++) {
            args[count * ARGS + k] = a[k];
            relocate[count * ARGS + k] = (pointers & (1 << k)) != 0;
        }
        count++;
    }

    /** ST_* flags of a mount, as the MS_* flags a bind remount must repeat. */
    static long lockedFromStatfs(long st) {
        long ms = 0;
        if ((st & ST_RDONLY) != 0) ms |= MS_RDONLY;
        if ((st & ST_NOSUID) != 0) ms |= MS_NOSUID;
        if ((st & ST_NODEV) != 0) ms |= MS_NODEV;
        if ((st & ST_NOEXEC) != 0) ms |= MS_NOEXEC;
        if ((st & ST_NOATIME) != 0) ms |= MS_NOATIME;
        if ((st & ST_NODIRATIME) != 0) ms |= MS_NODIRATIME;
        if ((st & ST_RELATIME) != 0) ms |= MS_RELATIME;
        return ms;
    }

    static LockedFlags statfs(Plan plan) {
        return path -> {
            try {
                return lockedFromStatfs(Kernel.statfsFlags(path));
            } catch (Kernel.SyscallException e) {
                throw new RunnerException(plan, -1, "statfs " + path, e.errno, null);
            }
        };
    }
}
