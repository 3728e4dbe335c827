package dev.jrun.runner.child;

import static dev.jrun.plan.MountFlags.*;
import static dev.jrun.runner.child.ChildProgram.*;
import static dev.jrun.sys.Linux.*;

import dev.jrun.host.ContainerPaths;
import dev.jrun.plan.MountFlags;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunnerException;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.NativeArena;
import dev.jrun.sys.SyscallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes the child steps of a {@link Plan} into the {@link ChildProgram} a forked child runs:
 * every path resolved inside the rootfs, every string and struct encoded into one native arena,
 * every mount point to create spelled out. It decides nothing the plan does not say: each visit
 * method is one step's emitter. Runs in the parent, where Java may allocate, throw and look at the
 * filesystem.
 */
public final class ProgramBuilder implements Step.ChildVisitor<Void> {
    /** What the program needs from the parent besides the plan. */
    public record Setup(
            int syncFd,
            int statusFd,
            int ttyFd,
            /** The run's private dir (conf files, the root's mount points); null when the plan has none. */
            Path privateDir,
            /** Test-only fault injection: where this attempt stalls on purpose, or null. */
            FaultInjection.Where stall,
            /** Locked-flag lookup (statfs), injectable so unit tests need no particular host. */
            LockedFlags lockedFlags,
            /** This JVM's argv area (its /proc/self/cmdline), which the init overwrites in its copy; 0 when unknown. */
            long argStart,
            long argLength,
            /** The container's address (a lease's, or slirp's) for {@code ConfFile.ADDRESS}; null without one. */
            String address,
            /** A detached container's stdin (/dev/null) and log (stdout and stderr); -1 in the foreground. */
            int stdinFd,
            int logFd,
            /** jrun exec: the container init's pidfd and its root's O_PATH fd (OpenContainer); -1 otherwise. */
            int joinPidfd,
            int joinRootFd) {
        public Setup(int syncFd, int statusFd, int ttyFd, Path privateDir, FaultInjection.Where stall, LockedFlags lockedFlags) {
            this(syncFd, statusFd, ttyFd, privateDir, stall, lockedFlags, 0, 0, null, -1, -1, -1, -1);
        }

        /** The fds the child keeps open until its exec, whatever their numbers. */
        int[] kept() {
            return java.util.stream.IntStream.of(syncFd, statusFd, ttyFd, stdinFd, logFd, joinPidfd, joinRootFd).filter(fd -> fd >= 0)
                    .sorted().toArray();
        }
    }

    @FunctionalInterface
    public interface LockedFlags {
        long of(String hostPath) throws RunnerException;
    }

    private final Plan plan;
    private final Setup setup;
    private final ProgramBuffer out = new ProgramBuffer();
    private final NativeArena arena = out.arena;
    /** A checked exception from an emitter, carried out of the visitor. */
    private RunnerException failure;

    private ContainerPaths paths;
    private boolean entered;
    private boolean init;
    private int confFiles;
    private int copyUps;
    /** ResolveInRoot(openat2): bind sources opened without symlinks; once the root is mounted, targets resolved below it. */
    private boolean raceFree;
    private boolean inRoot;
    /** The fds the program opens, at fixed numbers the builder picks among those close-fds leaves free. */
    private final int rootFd;
    private final int targetFd;
    private final int parentFd;
    private final int sourceFd;
    /** struct open_how: below the root (O_PATH; O_PATH|O_DIRECTORY) and of a host path without symlinks (file; dir). */
    private int howInRoot;
    private int howInRootDir;
    private int howHost;
    private int howHostDir;
    private int howPlainDir;

    private ProgramBuilder(Plan plan, Setup setup) {
        this.plan = plan;
        this.setup = setup;
        int[] free = new int[4];
        int fd = 3;
        for (int i = 0; i < free.length; fd++) {
            if (java.util.Arrays.binarySearch(setup.kept(), fd) < 0) free[i++] = fd;
        }
        rootFd = free[0];
        targetFd = free[1];
        parentFd = free[2];
        sourceFd = free[3];
    }

    private int how(long flags, long resolve) {
        return arena.struct(NativeArena.layout(OPEN_HOW_SIZE).putLong(flags).putLong(0).putLong(resolve).array());
    }

    /** A container path relative to the root fd: "etc/hosts", "." for the root itself. */
    private static String rel(String resolved) {
        return resolved.equals("/") ? "." : resolved.substring(1);
    }

    /** /proc/self/fd/N: what mount(2) and overlayfs resolve to the fd's own file (a magic link). */
    private static String fdPath(int fd) {
        return "/proc/self/fd/" + fd;
    }

    /**
     * Opens container path {@code resolved} below the root as {@code fd} and returns the path that
     * names it, or, before the root is pinned (or without openat2), its host path.
     */
    private String open(String resolved, int fd, boolean dir) {
        if (!inRoot) return paths.host(resolved);
        emitP("resolve " + resolved + " in the root (openat2)", OPENAT2_TO,
                new long[] {rootFd, str(rel(resolved)), dir ? howInRootDir : howInRoot, fd}, 0b0110);
        return fdPath(fd);
    }

    private void close(int fd) {
        if (inRoot) emit("close fd " + fd, CLOSE, fd);
    }

    /** A bind source: a host path the spec names is opened without following any symlink. */
    private String source(String hostPath, boolean guarded) {
        if (!raceFree || !guarded) return hostPath;
        emitP("open bind source " + hostPath + " (openat2 RESOLVE_NO_SYMLINKS)", OPENAT2_TO,
                new long[] {AT_FDCWD, str(hostPath), howHost, sourceFd}, 0b0110);
        return fdPath(sourceFd);
    }

    public static ChildProgram build(Plan plan, Setup setup) throws RunnerException {
        return new ProgramBuilder(plan, setup).build();
    }

    private ChildProgram build() throws RunnerException {
        try {
            howInRoot = how(O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            howInRootDir = how(O_PATH | O_CLOEXEC | O_DIRECTORY, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            howHost = how(O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
            howHostDir = how(O_PATH | O_CLOEXEC | O_DIRECTORY, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
            howPlainDir = how(O_PATH | O_CLOEXEC | O_DIRECTORY, 0);
            List<Step> steps = plan.steps();
            for (int i = 0; i < steps.size(); i++) {
                out.current = i;
                if (steps.get(i) instanceof Step.ChildStep c) c.accept(this); // the parent's steps emit nothing here
                if (failure != null) throw failure;
            }
            return out.finish(setup.statusFd());
        } catch (RunnerException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Runs an emitter that may fail with a RunnerException, which the visitor interface cannot throw. */
    private interface Emitter {
        void emit() throws RunnerException;
    }

    private Void checked(Emitter e) {
        try {
            e.emit();
        } catch (RunnerException x) {
            failure = x;
        }
        return null;
    }

    // --- The emitters, in plan order -------------------------------------------------------

    /** Keep only the two sync fds (and a terminal): whatever else the JVM had open is not ours. */
    @Override
    public Void closeInheritedFds(Step.CloseInheritedFds s) {
        int[] keep = setup.kept();
        long from = 3;
        for (int fd : keep) {
            if (fd > from) emit("close inherited fds", CLOSE_RANGE, from, fd - 1, 0);
            from = fd + 1L;
        }
        emit("close inherited fds", CLOSE_RANGE, from, FD_MAX, 0);
        return null;
    }

    @Override
    public Void parentDeathSignal(Step.ParentDeathSignal s) {
        emit("prctl PR_SET_PDEATHSIG", PRCTL, PR_SET_PDEATHSIG, s.signal(), 0, 0, 0);
        return null;
    }

    @Override
    public Void awaitParent(Step.AwaitParent s) {
        int syncBuf = arena.zeroed(8);
        emitP("wait for the parent (SYNC_GO)", READ_SYNC, new long[] {setup.syncFd(), syncBuf}, 0b10);
        emit("close sync pipe", CLOSE, setup.syncFd());
        if (setup.stall() == FaultInjection.Where.BEFORE_EXEC) {
            int none = arena.zeroed(Math.max(8, SIGINFO_SIZE));
            emitP("stall (fault injection)", STALL, new long[] {none, none}, 0b11);
        } else if (setup.stall() == FaultInjection.Where.BEFORE_EXEC_FUTEX) {
            emitP("stall in futex (fault injection)", STALL_FUTEX, new long[] {arena.zeroed(8)}, 0b1);
        }
        return null;
    }

    @Override
    public Void becomeNamespaceRoot(Step.BecomeNamespaceRoot s) {
        if (s.gid()) emit("setresgid 0 (in the user namespace)", SETRESGID, 0);
        if (s.uid()) emit("setresuid 0 (in the user namespace)", SETRESUID, 0);
        return null;
    }

    @Override
    public Void setPropagation(Step.SetPropagation p) {
        emitP("make / " + MountFlags.describe(p.flags()), MOUNT, new long[] {str("none"), str("/"), 0, p.flags(), 0}, 0b11);
        return null;
    }

    @Override
    public Void resolveInRoot(Step.ResolveInRoot r) {
        raceFree = r.openat2();
        return null;
    }

    /** Once the root is mounted: its fd, below which every later mount point is resolved. */
    private void pinRoot(String hostPath, boolean guarded) {
        if (!raceFree) return;
        emitP("open the new root " + hostPath, OPENAT2_TO, new long[] {AT_FDCWD, str(hostPath), guarded ? howHostDir : howPlainDir,
                rootFd}, 0b0110);
        inRoot = true;
    }

    /**
     * A read-only rootfs is shown through an overlay whose upper layer is a private tmpfs: mount
     * points the spec needs but the rootfs lacks are created there, never in the host's directory
     * (which a plain bind would change for good). nodev: no device node made in it can be opened.
     */
    @Override
    public Void overlayRoot(Step.OverlayRoot o) {
        String root = privatePath("root");
        String layer = privatePath("layer");
        emitP("mkdir " + root, MKDIR, new long[] {str(root), 0700, AT_FDCWD}, 0b1);
        emitP("mkdir " + layer, MKDIR, new long[] {str(layer), 0700, AT_FDCWD}, 0b1);
        emitP("mount tmpfs on " + layer + " (overlay's upper layer)", MOUNT,
                new long[] {str("tmpfs"), str(layer), str("tmpfs"), MS_NOSUID | MS_NODEV, str("mode=755")}, 0b10111);
        emitP("mkdir " + layer + "/upper", MKDIR, new long[] {str(layer + "/upper"), 0755, AT_FDCWD}, 0b1);
        emitP("mkdir " + layer + "/work", MKDIR, new long[] {str(layer + "/work"), 0755, AT_FDCWD}, 0b1);
        String lower = source(o.lower(), true);
        String options = "lowerdir=" + overlayEscape(lower) + ",upperdir=" + overlayEscape(layer + "/upper")
                + ",workdir=" + overlayEscape(layer + "/work");
        emitP("mount overlay of rootfs " + o.lower() + " on " + root, MOUNT,
                new long[] {str("overlay"), str(root), str("overlay"), MS_NODEV, str(options)}, 0b10111);
        paths = new ContainerPaths(root, Path.of(o.lower()));
        pinRoot(root, false);
        return null;
    }

    /** A writable rootfs is bound onto itself, as runc does, and remounted nodev; mount points are created in it. */
    @Override
    public Void bindRootfs(Step.BindRootfs b) {
        return checked(() -> {
            paths = new ContainerPaths(b.source(), Path.of(b.source()));
            String src = source(b.source(), true);
            emitP("bind rootfs " + b.source() + " onto itself", MOUNT, new long[] {str(src), str(src), 0, MS_BIND | MS_REC, 0}, 0b00011);
            long locked = setup.lockedFlags().of(b.source());
            pinRoot(b.source(), true);
            String at = inRoot ? fdPath(rootFd) : b.source();
            emitP("remount rootfs " + MountFlags.describe(MS_NODEV | locked), MOUNT,
                    new long[] {str("none"), str(at), 0, MS_REMOUNT | MS_BIND | MS_NODEV | locked, 0}, 0b11);
        });
    }

    /** overlayfs splits its options at ',' and lowerdir at ':'; a backslash escapes both. */
    static String overlayEscape(String path) {
        return path.replace("\\", "\\\\").replace(",", "\\,").replace(":", "\\:");
    }

    @Override
    public Void hostRoot(Step.HostRoot h) {
        String root = privatePath("root");
        emitP("mkdir " + root, MKDIR, new long[] {str(root), 0700, AT_FDCWD}, 0b1);
        paths = new ContainerPaths(root, null);
        emitP("mount tmpfs on " + root + " (host root)", MOUNT,
                new long[] {str("tmpfs"), str(root), str("tmpfs"), MS_NOSUID | MS_NODEV, str("mode=755")}, 0b10111);
        pinRoot(root, false);
        // Host binaries expect a /tmp to exist (as a cwd, say); it is an empty directory of the root.
        mkdir("/tmp");
        return null;
    }

    /** An overlay of the directory over a fresh tmpfs of the private dir: new entries go to the tmpfs. */
    @Override
    public Void copyUp(Step.CopyUp c) {
        return checked(() -> {
            String resolved = resolve(c.dir());
            String layer = privatePath("copyup-" + copyUps++);
            emitP("mkdir " + layer, MKDIR, new long[] {str(layer), 0700, AT_FDCWD}, 0b1);
            emitP("mount tmpfs on " + layer + " (copy-up of " + c.dir() + ")", MOUNT,
                    new long[] {str("tmpfs"), str(layer), str("tmpfs"), MS_NOSUID | MS_NODEV, str("mode=755")}, 0b10111);
            emitP("mkdir " + layer + "/upper", MKDIR, new long[] {str(layer + "/upper"), 0755, AT_FDCWD}, 0b1);
            emitP("mkdir " + layer + "/work", MKDIR, new long[] {str(layer + "/work"), 0755, AT_FDCWD}, 0b1);
            String dir = open(resolved, targetFd, true);
            String options = "lowerdir=" + overlayEscape(dir) + ",upperdir=" + overlayEscape(layer + "/upper")
                    + ",workdir=" + overlayEscape(layer + "/work");
            emitP("mount overlay of " + c.dir() + " on itself (copy-up)", MOUNT,
                    new long[] {str("overlay"), str(dir), str("overlay"), MS_NODEV, str(options)}, 0b10111);
            close(targetFd);
            paths.mounted(resolved, paths.backing(resolved));
        });
    }

    private String privatePath(String name) {
        if (setup.privateDir() == null) throw new IllegalStateException("the plan has no private-dir step");
        return setup.privateDir().resolve(name).toString();
    }

    @Override
    public Void mount(Step.Mount m) {
        return checked(() -> mount(m.source(), m.target(), m.fstype(), m.flags(), m.data(), m.dir(),
                m.purpose() != Step.Purpose.CONF_FILE));
    }

    private static final long PER_MOUNT = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME
            | MS_RELATIME | MS_STRICTATIME;

    /** @param guarded the source is a host path a spec names (opened without symlinks), not jrun's own file */
    private void mount(String source, String target, String fstype, long flags, String data, boolean dir, boolean guarded)
            throws RunnerException {
        String resolved = resolve(target);
        boolean bind = (flags & MS_BIND) != 0;
        String name = bind ? "bind " + source + " on " + target : "mount " + (fstype == null ? source : fstype) + " on " + target;
        if ((flags & (MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE)) != 0 && fstype == null && !bind) {
            String at = open(resolved, targetFd, dir);
            emitP("make " + target + " " + MountFlags.describe(flags), MOUNT, new long[] {str("none"), str(at), 0, flags, 0}, 0b11);
            close(targetFd);
            return;
        }
        mountPoint(resolved, dir);
        if (bind) {
            String src = source(source, guarded);
            String at = open(resolved, targetFd, dir);
            emitP(name, MOUNT, new long[] {str(src), str(at), 0, MS_BIND | (flags & MS_REC), 0}, 0b11);
            close(targetFd);
            if (guarded && raceFree) emit("close fd " + sourceFd, CLOSE, sourceFd);
            long perMount = flags & PER_MOUNT;
            if (perMount != 0) {
                // A bind ignores these flags; a remount applies them, and must keep the source's
                // locked ones or a user namespace gets EPERM (mount_namespaces(7)). The mount point
                // is opened again: the fd opened before names the directory under the new mount.
                long locked = setup.lockedFlags().of(source);
                at = open(resolved, targetFd, dir);
                emitP("remount " + target + " " + MountFlags.describe(perMount | locked), MOUNT,
                        new long[] {str("none"), str(at), 0, MS_REMOUNT | MS_BIND | perMount | locked, 0}, 0b11);
                close(targetFd);
            }
            paths.mounted(resolved, Path.of(source));
        } else {
            String at = open(resolved, targetFd, dir);
            emitP(name, MOUNT, new long[] {str(source), str(at), fstype == null ? 0 : str(fstype), flags,
                    data == null ? 0 : str(data)}, 0b11 | (fstype == null ? 0 : 0b100) | (data == null ? 0 : 0b10000));
            close(targetFd);
            paths.mounted(resolved, null);
        }
    }

    @Override
    public Void recursiveReadonly(Step.RecursiveReadonly r) {
        return checked(() -> {
            String resolved = resolve(r.target());
            int attr = arena.struct(NativeArena.layout(MOUNT_ATTR_SIZE).putLong(MOUNT_ATTR_RDONLY).array());
            if (inRoot) {
                open(resolved, targetFd, true);
                emitP("make " + r.target() + " read-only with its submounts (mount_setattr)", MOUNT_SETATTR,
                        new long[] {targetFd, str(""), AT_EMPTY_PATH | AT_RECURSIVE, attr}, 0b1010);
                close(targetFd);
            } else {
                emitP("make " + r.target() + " read-only with its submounts (mount_setattr)", MOUNT_SETATTR,
                        new long[] {AT_FDCWD, str(paths.host(resolved)), AT_RECURSIVE, attr}, 0b1010);
            }
        });
    }

    /** mkdir every missing directory down to the mount point; an empty file for a file mount. */
    private void mountPoint(String resolved, boolean dir) {
        if (resolved.equals("/")) return;
        int slash = 0;
        while ((slash = resolved.indexOf('/', slash + 1)) > 0) mkdir(resolved.substring(0, slash));
        if (paths.kind(resolved) != ContainerPaths.Kind.MISSING) return;
        if (dir) {
            mkdir(resolved);
        } else if (inRoot) {
            // O_NOFOLLOW: a symlink planted there meanwhile fails (ELOOP) instead of being followed
            int parent = parentIn(resolved);
            emitP("create mount point " + resolved, CREAT, new long[] {str(baseName(resolved)), 0644, parent, O_NOFOLLOW}, 0b1);
            close(parentFd);
        } else {
            emitP("create mount point " + resolved, CREAT, new long[] {str(paths.host(resolved)), 0644, AT_FDCWD, 0}, 0b1);
        }
    }

    private void mkdir(String dir) {
        if (paths.kind(dir) != ContainerPaths.Kind.MISSING) return;
        if (inRoot) {
            int parent = parentIn(dir);
            emitP("mkdir " + dir, MKDIR, new long[] {str(baseName(dir)), 0755, parent}, 0b1);
            close(parentFd);
        } else {
            emitP("mkdir " + dir, MKDIR, new long[] {str(paths.host(dir)), 0755, AT_FDCWD}, 0b1);
        }
        paths.createdDir(dir);
    }

    /** Opens the parent directory of {@code resolved} below the root: the fd the *at call creates the entry in. */
    private int parentIn(String resolved) {
        int slash = resolved.lastIndexOf('/');
        open(slash <= 0 ? "/" : resolved.substring(0, slash), parentFd, true);
        return parentFd;
    }

    private static String baseName(String resolved) {
        return resolved.substring(resolved.lastIndexOf('/') + 1);
    }

    private String resolve(String target) throws RunnerException {
        if (entered) return target;
        try {
            return paths.resolve(target);
        } catch (ContainerPaths.Unresolvable e) {
            throw new RunnerException(plan, out.current, "resolve " + target + " inside the rootfs", e.errno, null);
        }
    }

    @Override
    public Void symlink(Step.Symlink l) {
        return checked(() -> {
            int slash = l.linkpath().lastIndexOf('/');
            String parent = resolve(slash <= 0 ? "/" : l.linkpath().substring(0, slash));
            String link = (parent.equals("/") ? "" : parent) + l.linkpath().substring(slash);
            mkdir(parent);
            if (entered) {
                emitP("symlink " + l.linkpath() + " -> " + l.target(), SYMLINK, new long[] {str(l.target()), str(link), AT_FDCWD}, 0b11);
            } else if (inRoot) {
                int dir = parentIn(link);
                emitP("symlink " + l.linkpath() + " -> " + l.target(), SYMLINK, new long[] {str(l.target()), str(baseName(link)), dir}, 0b11);
                close(parentFd);
            } else {
                emitP("symlink " + l.linkpath() + " -> " + l.target(), SYMLINK,
                        new long[] {str(l.target()), str(paths.host(link)), AT_FDCWD}, 0b11);
            }
            paths.createdLink(link, l.target());
        });
    }

    /** The content goes to a file of the private dir (written here, by the parent), which is bound read-only. */
    @Override
    public Void confFile(Step.ConfFile f) {
        return checked(() -> {
            Path file = Path.of(privatePath("f" + confFiles++));
            try {
                // java.io: NIO's channel classes cost milliseconds of a cold run
                try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toFile())) {
                    String content = f.content();
                    if (content.contains(Step.ConfFile.ADDRESS)) {
                        content = content.replace(Step.ConfFile.ADDRESS, setup.address() == null ? "127.0.1.1" : setup.address());
                    }
                    out.write(content.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new RunnerException(plan, out.current, "write " + file + ": " + e.getMessage(), 0, null);
            }
            mount(file.toString(), f.target(), null, MS_BIND | MS_RDONLY | MS_NODEV, null, false, false);
        });
    }

    @Override
    public Void enterRoot(Step.EnterRoot e) {
        String root = inRoot ? fdPath(rootFd) : paths.host("/");
        emitP("chdir " + paths.host("/"), CHDIR, new long[] {str(root)}, 0b1);
        if (inRoot) emit("close the root's fd", CLOSE, rootFd);
        inRoot = false;
        if (e.pivot()) {
            // runc's trick: the old root is stacked under the new one at "." and detached at once,
            // so no put_old directory is needed inside the rootfs.
            emitP("pivot_root " + paths.host("/"), PIVOT_ROOT, new long[] {str("."), str(".")}, 0b11);
            emitP("detach the old root", UMOUNT2, new long[] {str("."), MNT_DETACH}, 0b1);
        } else {
            // runc's --no-pivot: with the new root moved over /, ".." from its top lands on the top
            // mount at /, the new root itself: a nested chroot cannot be escaped to the host's tree.
            emitP("move the new root over /", MOUNT, new long[] {str("."), str("/"), 0, MS_MOVE, 0}, 0b11);
            emitP("chroot " + paths.host("/"), CHROOT, new long[] {str(".")}, 0b1);
        }
        emitP("chdir /", CHDIR, new long[] {str("/")}, 0b1);
        entered = true;
        return null;
    }

    /** Inside the root: /dev/null over a file, a read-only tmpfs over a directory, nothing for what does not exist. */
    @Override
    public Void maskPaths(Step.MaskPaths m) {
        for (String p : m.paths()) {
            emitP("mask " + p, MASK_PATH, new long[] {str(p), str("/dev/null"), str("tmpfs"), str("mode=0555,size=0")}, 0b1111);
        }
        return null;
    }

    @Override
    public Void readonlyPaths(Step.ReadonlyPaths r) {
        int attr = r.recursive() ? arena.struct(NativeArena.layout(MOUNT_ATTR_SIZE).putLong(MOUNT_ATTR_RDONLY).array()) : 0;
        int statfsBuf = arena.zeroed(STATFS_SIZE);
        for (String p : r.paths()) {
            emitP("make " + p + " read-only", READONLY_PATH, new long[] {str(p), attr, statfsBuf, str("none")},
                    r.recursive() ? 0b1111 : 0b1101);
        }
        return null;
    }

    /** The root is the overlay or the tmpfs jrun mounted: no flags of the host's are locked on it. */
    @Override
    public Void remountRootReadonly(Step.RemountRootReadonly s) {
        emitP("remount / read-only", MOUNT, new long[] {str("none"), str(entered ? "/" : paths.host("/")), 0,
                MS_REMOUNT | MS_BIND | MS_RDONLY, 0}, 0b11);
        return null;
    }

    @Override
    public Void setHostname(Step.SetHostname h) {
        long len = h.hostname().getBytes(StandardCharsets.UTF_8).length;
        emitP("sethostname " + h.hostname(), SETHOSTNAME, new long[] {str(h.hostname()), len}, 0b1);
        return null;
    }

    @Override
    public Void setDomainname(Step.SetDomainname d) {
        long len = d.domainname().getBytes(StandardCharsets.UTF_8).length;
        emitP("setdomainname " + d.domainname(), SETDOMAINNAME, new long[] {str(d.domainname()), len}, 0b1);
        return null;
    }

    @Override
    public Void loopbackUp(Step.LoopbackUp s) {
        ByteBuffer ifr = NativeArena.layout(IFREQ_SIZE);
        ifr.put("lo".getBytes(StandardCharsets.US_ASCII));
        ifr.putShort(IFNAMSIZ, (short) (IFF_UP | IFF_LOOPBACK | IFF_RUNNING));
        int at = arena.struct(ifr.array());
        emit("socket AF_INET (for lo)", SOCKET, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        emitP("bring lo up (SIOCSIFFLAGS)", IOCTL_REG, new long[] {0, SIOCSIFFLAGS, at}, 0b100);
        emit("close socket", CLOSE_REG);
        return null;
    }

    @Override
    public Void setUmask(Step.SetUmask u) {
        emit("umask 0" + Integer.toOctalString(u.mask()), UMASK, u.mask()); // not String.format: Formatter costs a cold run ~1 ms
        return null;
    }

    @Override
    public Void noNewPrivileges(Step.NoNewPrivileges n) {
        emit("prctl PR_SET_NO_NEW_PRIVS 1", PRCTL, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        return null;
    }

    /** The filter's bytes in the arena; the child fills struct sock_fprog with their address, which only exists once the arena is sealed. */
    @Override
    public Void loadSeccomp(Step.LoadSeccomp l) {
        int filter = arena.struct(l.bpf());
        int fprog = arena.zeroed(SOCK_FPROG_SIZE);
        emitP("seccomp SECCOMP_SET_MODE_FILTER (" + l.instructions() + " instructions)", LOAD_SECCOMP,
                new long[] {filter, l.instructions(), fprog}, 0b101);
        return null;
    }

    @Override
    public Void dropBoundingSet(Step.DropBoundingSet b) {
        emit("drop capabilities from the bounding set", CAPBSET_DROP, b.keep(), 0, b.lastCap());
        return null;
    }

    /** capset's data is two {effective, permitted, inheritable} words (_LINUX_CAPABILITY_VERSION_3). */
    @Override
    public Void setCapabilities(Step.SetCapabilities c) {
        ByteBuffer hdr = NativeArena.layout(8).putInt(LINUX_CAPABILITY_VERSION_3).putInt(0);
        ByteBuffer data = NativeArena.layout(24);
        data.putInt((int) c.effective()).putInt((int) c.permitted()).putInt((int) c.inheritable())
                .putInt((int) (c.effective() >>> 32)).putInt((int) (c.permitted() >>> 32)).putInt((int) (c.inheritable() >>> 32));
        emitP("capset", CAPSET, new long[] {arena.struct(hdr.array()), arena.struct(data.array())}, 0b11);
        return null;
    }

    @Override
    public Void setUser(Step.SetUser u) {
        if (u.setgroups()) {
            ByteBuffer gids = NativeArena.layout(Math.max(4, 4 * u.additionalGids().size()));
            for (long g : u.additionalGids()) gids.putInt((int) g);
            emitP("setgroups " + u.additionalGids(), SETGROUPS,
                    new long[] {u.additionalGids().size(), arena.struct(gids.array())}, 0b10);
        }
        emit("prctl PR_SET_KEEPCAPS 1", PRCTL, PR_SET_KEEPCAPS, 1, 0, 0, 0);
        emit("setresgid " + u.gid(), SETRESGID, u.gid());
        emit("setresuid " + u.uid(), SETRESUID, u.uid());
        emit("prctl PR_SET_KEEPCAPS 0", PRCTL, PR_SET_KEEPCAPS, 0, 0, 0, 0);
        return null;
    }

    @Override
    public Void chdir(Step.Chdir c) {
        emitP("chdir " + c.cwd(), CHDIR, new long[] {str(c.cwd())}, 0b1);
        return null;
    }

    /** The fork itself is the first op of the exec step: nothing may run between it and the process's exec. */
    @Override
    public Void startInit(Step.StartInit s) {
        init = true;
        return null;
    }

    @Override
    public Void joinContainer(Step.JoinContainer j) {
        long first = 0;
        for (dev.jrun.spec.Namespace n : j.joinedFirst()) first |= n.cloneFlag;
        if (first != 0) emit("setns(pidfd) into the namespaces the container joined", SETNS, setup.joinPidfd(), first);
        long flags = 0;
        for (dev.jrun.spec.Namespace n : j.namespaces()) flags |= n.cloneFlag;
        emit("setns(pidfd) into the container's namespaces", SETNS, setup.joinPidfd(), flags);
        emit("fchdir to the container's root", FCHDIR, setup.joinRootFd());
        emitP("chroot . (the container's root)", CHROOT, new long[] {str(".")}, 0b1);
        emit("close the pidfd", CLOSE, setup.joinPidfd());
        emit("close the root fd", CLOSE, setup.joinRootFd());
        return null;
    }

    @Override
    public Void checkExecutable(Step.CheckExecutable c) {
        List<String> candidates = c.candidates();
        int end = out.count() + candidates.size();
        for (int i = 0; i < candidates.size(); i++) {
            emitP("check " + candidates.get(i) + " is executable", CHECK_EXEC,
                    new long[] {str(candidates.get(i)), i < candidates.size() - 1 ? 1 : 0, end}, 0b1);
        }
        return null;
    }

    @Override
    public Void exec(Step.Exec e) {
        int forkAt = -1;
        int set = 0;
        int info = 0;
        if (init) {
            set = arena.struct(NativeArena.layout(8).putLong(initSignals()).array());
            info = arena.zeroed(SIGINFO_SIZE);
            emitP("block forwarded signals and SIGCHLD (init)", SIGPROCMASK, new long[] {SIG_BLOCK, set}, 0b10);
            forkAt = out.count();
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
        if (e.detached() && setup.logFd() >= 0) {
            // stdin /dev/null, stdout and stderr the log; a session of its own, no terminal
            emit("setsid", SETSID);
            emit("dup3 /dev/null to fd 0", DUP3, setup.stdinFd(), 0);
            emit("dup3 the log to fd 1", DUP3, setup.logFd(), 1);
            emit("dup3 the log to fd 2", DUP3, setup.logFd(), 2);
        }
        emit("mark fds >= 3 close-on-exec", CLOSE_RANGE, 3, FD_MAX, CLOSE_RANGE_CLOEXEC);
        int argv = arena.stringArray(e.args());
        int envp = arena.stringArray(e.env());
        List<String> candidates = e.candidates();
        for (int i = 0; i < candidates.size(); i++) {
            emitP("execve " + String.join(" ", e.args()), EXECVE,
                    new long[] {str(candidates.get(i)), argv, envp, i < candidates.size() - 1 ? 1 : 0}, 0b0111);
        }
        if (init) {
            out.patch(forkAt, 1, out.count());
            // PID 1 keeps nothing of jrun's: the exec-status pipe must close for the parent to see EOF.
            emit("close all fds >= 3 (init)", CLOSE_RANGE, 3, FD_MAX, 0);
            emit("prctl PR_SET_DUMPABLE 0 (init)", PRCTL, PR_SET_DUMPABLE, 0, 0, 0, 0);
            if (setup.argLength() > 0) {
                // The init is a copy of this JVM: its /proc/1/cmdline would show jrun's whole command line.
                byte[] name = "jrun-init".getBytes(StandardCharsets.US_ASCII);
                emitP("overwrite the init's command line", OVERWRITE, new long[] {setup.argStart(), setup.argLength(),
                        arena.struct(name), name.length}, 0b100);
            }
            FaultInjection.Where stall = setup.stall();
            if (stall == FaultInjection.Where.INIT) {
                int none = arena.zeroed(SIGINFO_SIZE);
                emitP("stall (fault injection, init)", STALL, new long[] {none, none}, 0b11);
            }
            if (stall == FaultInjection.Where.INIT_AT_EXIT || stall == FaultInjection.Where.INIT_ON_SIGNAL) {
                emitP("wait for signals (init; fault injection: " + stall + ")", INIT_LOOP,
                        new long[] {set, info, arena.zeroed(8), stall == FaultInjection.Where.INIT_AT_EXIT ? STALL_AT_EXIT : STALL_ON_SIGNAL}, 0b111);
            } else {
                emitP("wait for signals (init)", INIT_LOOP, new long[] {set, info, 0, 0}, 0b11);
            }
        }
        return null;
    }

    static long initSignals() {
        long set = 0;
        for (int sig : new int[] {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD}) {
            set |= 1L << (sig - 1);
        }
        return set;
    }

    private long str(String s) {
        return out.str(s);
    }

    private void emit(String description, int opcode, long... a) {
        out.emitP(description, opcode, a, 0);
    }

    private void emitP(String description, int opcode, long[] a, int pointers) {
        out.emitP(description, opcode, a, pointers);
    }

    /** Locked flags as the kernel reports them for the source's mount (statfs(2)). */
    public static LockedFlags statfs(Plan plan, HostSyscalls host) {
        return path -> {
            try {
                return ChildExecutor.msFlags(host.statfsFlags(path));
            } catch (SyscallException e) {
                throw new RunnerException(plan, -1, "statfs " + path, e.errno, null);
            }
        };
    }
}
