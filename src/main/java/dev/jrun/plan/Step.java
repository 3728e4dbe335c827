package dev.jrun.plan;

import dev.jrun.net.Port;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import java.util.List;
import java.util.Set;

/**
 * One operation of a compiled plan, in execution order (bubblewrap's SetupOp, as records). The
 * plan is the whole truth: every decision a run makes is a step here, and the runner performs
 * nothing a step does not say. Paths named {@code target}/{@code path} are container paths
 * (absolute, normalized) interpreted inside the new root; {@code source} paths of binds are host
 * paths. Every step carries the spec {@link Location} it came from so that a failure can point
 * back at the spec.
 *
 * <p>Code that handles every kind of step implements {@link Visitor}: a new step that a printer,
 * codec, emitter or hint table forgets is a compile error, not a silent fall-through. (Plain
 * virtual calls rather than a pattern switch: Java 17 has none, and no indy bootstrap runs on the
 * cold path.)
 */
public sealed interface Step {
    Location at();

    /** Which process performs the step. */
    Actor actor();

    <R> R accept(Visitor<R> v);

    enum Actor {
        /** the supervising jrun process */
        PARENT,
        /** the child jrun clones into the new namespaces, before it execs (or forks the init) */
        CHILD;

        public String word() {
            return this == PARENT ? "parent" : "child";
        }
    }

    /** A step the child performs (most of them). */
    sealed interface ChildStep extends Step {
        <R> R accept(ChildVisitor<R> v);

        @Override
        default <R> R accept(Visitor<R> v) {
            return accept((ChildVisitor<R>) v);
        }

        @Override
        default Actor actor() {
            return Actor.CHILD;
        }
    }

    /** A step the supervising jrun process performs. */
    sealed interface ParentStep extends Step {
        <R> R accept(ParentVisitor<R> v);

        @Override
        default <R> R accept(Visitor<R> v) {
            return accept((ParentVisitor<R>) v);
        }

        @Override
        default Actor actor() {
            return Actor.PARENT;
        }
    }

    /** The steps the supervising process performs; its executor implements just these. */
    interface ParentVisitor<R> {
        R privateDir(PrivateDir s);
        R createNamespaces(CreateNamespaces s);
        R joinNamespaces(JoinNamespaces s);
        R writeIdMaps(WriteIdMaps s);
        R setRlimits(SetRlimits s);
        R oomScoreAdj(OomScoreAdj s);
        R leaseAddress(LeaseAddress s);
        R publishPorts(PublishPorts s);
        R bridgeNetwork(BridgeNetwork s);
        R slirpNetwork(SlirpNetwork s);
        R openContainer(OpenContainer s);
        R supervise(Supervise s);
    }

    /** The steps the child performs; the child-program builder implements just these. */
    interface ChildVisitor<R> {
        R closeInheritedFds(CloseInheritedFds s);
        R parentDeathSignal(ParentDeathSignal s);
        R awaitParent(AwaitParent s);
        R becomeNamespaceRoot(BecomeNamespaceRoot s);
        R setPropagation(SetPropagation s);
        R overlayRoot(OverlayRoot s);
        R bindRootfs(BindRootfs s);
        R hostRoot(HostRoot s);
        R resolveInRoot(ResolveInRoot s);
        R copyUp(CopyUp s);
        R mount(Mount s);
        R symlink(Symlink s);
        R confFile(ConfFile s);
        R recursiveReadonly(RecursiveReadonly s);
        R enterRoot(EnterRoot s);
        R remountRootReadonly(RemountRootReadonly s);
        R maskPaths(MaskPaths s);
        R readonlyPaths(ReadonlyPaths s);
        R setHostname(SetHostname s);
        R setDomainname(SetDomainname s);
        R loopbackUp(LoopbackUp s);
        R setUmask(SetUmask s);
        R dropBoundingSet(DropBoundingSet s);
        R setCapabilities(SetCapabilities s);
        R noNewPrivileges(NoNewPrivileges s);
        R loadSeccomp(LoadSeccomp s);
        R setUser(SetUser s);
        R chdir(Chdir s);
        R startInit(StartInit s);
        R checkExecutable(CheckExecutable s);
        R joinContainer(JoinContainer s);
        R exec(Exec s);
    }

    /** Every step: printers, codecs, hint tables. */
    interface Visitor<R> extends ParentVisitor<R>, ChildVisitor<R> {}

    // --- Before the clone -------------------------------------------------------------------

    /**
     * A private directory (0700) under the temp dir for the mount points of the new root and the
     * generated conf files; chowned to {@code owner} (the host uid container root maps to) when
     * that is not jrun's own, so that the child may bind from it. -1: keep jrun's.
     */
    record PrivateDir(long owner, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.privateDir(this); }
    }

    /**
     * clone(2) with these CLONE_NEW* namespaces (all at once, the user namespace first by the
     * kernel's rule) and SIGCHLD. A child found stuck before exec is killed and cloned again.
     */
    record CreateNamespaces(Set<Namespace> namespaces, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.createNamespaces(this); }
    }

    /** A namespace to join: its type and the file that refers to it. */
    record Join(Namespace type, String path) {}

    /**
     * Before the clone: open each namespace file (a bind mount `jrun ns persist` made, or
     * /proc/PID/ns/TYPE). The cloning thread setns(2)es into them just for the clone, so the child
     * is born there (only net, ipc, uts and cgroup: a multithreaded JVM may switch those per
     * thread, not its user or mount namespace), and switches back at once.
     */
    record JoinNamespaces(List<Join> joins, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.joinNamespaces(this); }
    }

    /**
     * Bridge mode, before the clone: an address of {@code subnet} on {@code bridge}, the pinned
     * one or the lowest free, taken in a lease file under /run/jrun/net/ (one per network namespace
     * of the bridge, locked), released when the run ends; a lease whose jrun is gone is reclaimed.
     * With {@code nat}, the first lease of a bridge adds the masquerade rule, the last one's release
     * removes it.
     */
    record LeaseAddress(String bridge, String subnet, String pinned, boolean nat, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.leaseAddress(this); }
    }

    /**
     * Before the clone: each port's listening socket, so that a port already taken fails before
     * anything starts. {@code proxy}: jrun forwards connections to the container's address
     * (bridge); else the slirp helper forwards them and this only checks the port is free.
     */
    record PublishPorts(List<Port> ports, boolean proxy, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.publishPorts(this); }
    }

    /**
     * Bridge mode, between the clone and SYNC_GO, over rtnetlink: the bridge (created on first use
     * with the gateway address), a veth pair whose container end is born as eth0 in the child's
     * network namespace, the host end on the bridge, and in the container the leased address, lo
     * and eth0 up and a default route via the gateway. The container end goes with the namespace;
     * the host end is deleted when the attempt ends.
     */
    record BridgeNetwork(String bridge, String subnet, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.bridgeNetwork(this); }
    }

    /**
     * Between the clone and SYNC_GO: a userspace network helper (pasta, else slirp4netns) started
     * against the child's network namespace, with slirp4netns's addressing (container 10.0.2.100/24,
     * gateway 10.0.2.2 = the host's loopback, DNS 10.0.2.3) and the ports it forwards; stopped
     * when the attempt ends. {@code reason}: why this mode (a bridge spec's rootless fallback).
     */
    record SlirpNetwork(List<Port> ports, String reason, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.slirpNetwork(this); }
    }

    // --- The child, before the parent's go ---------------------------------------------------

    /** close_range(2) of every fd the child inherited from the JVM but the sync and status pipes (and a terminal). */
    record CloseInheritedFds(Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.closeInheritedFds(this); }
    }

    /** prctl(PR_SET_PDEATHSIG): the container dies with the jrun thread that started it. */
    record ParentDeathSignal(int signal, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.parentDeathSignal(this); }
    }

    /** Parent side: write /proc/PID/{uid,gid}_map; "deny" setgroups first when required. */
    record WriteIdMaps(List<IdMapLine> uid, List<IdMapLine> gid, boolean denySetgroups, Location at)
            implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.writeIdMaps(this); }
    }

    record IdMapLine(long container, long host, long size) {
        @Override
        public String toString() {
            return container + " " + host + " " + size;
        }
    }

    /**
     * Parent side: prlimit64(2) on the child, before it goes on. The parent does it because only
     * CAP_SYS_RESOURCE in the host's user namespace may raise a hard limit, and the child, in its
     * own user namespace, does not have it; resources are RLIMIT_* numbers, -1 is unlimited.
     */
    record SetRlimits(List<Limit> limits, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.setRlimits(this); }
    }

    record Limit(int resource, long soft, long hard) {}

    /** Parent side: write /proc/PID/oom_score_adj (lowering it needs CAP_SYS_RESOURCE, which the parent may have). */
    record OomScoreAdj(int value, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.oomScoreAdj(this); }
    }

    /**
     * The child blocks on the sync pipe until the parent has done its part (SYNC_GO); EOF
     * (SYNC_ABORT: the parent gave up) makes it exit quietly.
     */
    record AwaitParent(Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.awaitParent(this); }
    }

    /**
     * setresgid/setresuid(0) inside the new user namespace, where the map covers 0: after clone the
     * child still has its host ids, which a custom map may not map (root with 0 -> 100000), so
     * files it created failed with EOVERFLOW.
     */
    record BecomeNamespaceRoot(boolean gid, boolean uid, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.becomeNamespaceRoot(this); }
    }

    // --- The new root -----------------------------------------------------------------------

    /** mount("", "/", NULL, MS_REC|flag): stop propagation to and from the host first. */
    record SetPropagation(long flags, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.setPropagation(this); }
    }

    /**
     * A read-only rootfs: a tmpfs on the private dir's {@code layer}, {@code upper} and
     * {@code work} in it, and an overlay with the rootfs as its lower layer on {@code root}. Mount
     * points the rootfs lacks are created in the tmpfs, never in the host's directory.
     */
    record OverlayRoot(String lower, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.overlayRoot(this); }
    }

    /** A writable rootfs: bound recursively onto itself, as runc does, so that pivot_root can use it. */
    record BindRootfs(String source, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.bindRootfs(this); }
    }

    /**
     * rootfs {host: true}: a tmpfs on the private dir's {@code root} with an empty /tmp; the host's
     * system directories follow as read-only bind {@link Mount}s (and {@link Symlink}s for
     * usrmerge links such as /bin -> usr/bin).
     */
    record HostRoot(Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.hostRoot(this); }
    }

    /**
     * The new root, opened as an O_PATH fd: from here on every mount point is resolved below it
     * with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), created with *at calls relative to its
     * parent's fd and mounted through its own fd (/proc/self/fd/N), and bind sources are opened
     * without following any symlink; so a rootfs owner who swaps a directory for a symlink mid-run
     * cannot move a mount or a mkdir out of the rootfs. {@code openat2} false: a kernel before
     * 5.6, where paths are resolved by jrun when it builds the program and a race remains.
     */
    record ResolveInRoot(boolean openat2, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.resolveInRoot(this); }
    }

    /**
     * runc's tmpcopyup, as an overlay: a directory of the rootfs that must get new entries (mount
     * points) but belongs to a user outside the user namespace is covered by an overlay of itself
     * over a private tmpfs, so the entries are created there.
     */
    record CopyUp(String dir, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.copyUp(this); }
    }

    /** mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY) on a read-only bind: its submounts too (Linux 5.12+). */
    record RecursiveReadonly(String target, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.recursiveReadonly(this); }
    }

    /**
     * mount(2) of {@code source} on {@code target} (inside the new root). {@code dir} says whether
     * the mount point is a directory (created if missing) or a file (created empty if missing).
     * A bind with {@link MountFlags#MS_RDONLY} (or other per-mount flags) is bind + remount,
     * keeping the source's locked flags.
     */
    record Mount(String source, String target, String fstype, long flags, String data, boolean dir,
            Purpose purpose, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.mount(this); }
    }

    enum Purpose { DEFAULT, SPEC_MOUNT, CONF_FILE, VOLUME, DEVICE, HOST_DIR, INIT }

    /** symlink(2) {@code linkpath -> target} inside the new root (e.g. /dev/ptmx -> pts/ptmx). */
    record Symlink(String target, String linkpath, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.symlink(this); }
    }

    /**
     * A generated conf file: written to the private dir by the parent, then bind-mounted read-only.
     * {@link #ADDRESS} in the content stands for the container's address, which a lease decides
     * only when the run starts.
     */
    record ConfFile(String target, String content, Location at) implements ChildStep {
        public static final String ADDRESS = "${address}";

        public <R> R accept(ChildVisitor<R> v) { return v.confFile(this); }
    }

    /**
     * pivot_root(2) into the new root and detach the old one; or, when not pivot, move the new
     * root over / (MS_MOVE) and chroot(2) into it, as runc's --no-pivot does: a process that
     * escapes a nested chroot with chdir("..") then lands on the top mount at /, the container's.
     */
    record EnterRoot(boolean pivot, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.enterRoot(this); }
    }

    /** Remount / read-only, after everything was mounted into it. */
    record RemountRootReadonly(Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.remountRootReadonly(this); }
    }

    /** Inside the new root: /dev/null bound over each file, an empty read-only tmpfs over each directory; absent ones skipped. */
    record MaskPaths(List<String> paths, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.maskPaths(this); }
    }

    /** Inside the new root: each path bound onto itself and made read-only ({@code recursive}: with mount_setattr, submounts too). */
    record ReadonlyPaths(List<String> paths, boolean recursive, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.readonlyPaths(this); }
    }

    // --- The rest of the container ----------------------------------------------------------

    record SetHostname(String hostname, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.setHostname(this); }
    }

    record SetDomainname(String domainname, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.setDomainname(this); }
    }

    /** Bring "lo" up in a new network namespace (SIOCSIFFLAGS). */
    record LoopbackUp(Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.loopbackUp(this); }
    }

    /**
     * Every capability 0..{@code lastCap} not in {@code keep} leaves the bounding set, so that not
     * even an exec of a file with capabilities can get it back. Before the user switch, while the
     * child is still root (it needs CAP_SETPCAP), as runc does.
     */
    record DropBoundingSet(long keep, int lastCap, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.dropBoundingSet(this); }
    }

    /**
     * capset(2) of the final sets, as masks of capability numbers, after the user switch (which
     * kept the permitted set: PR_SET_KEEPCAPS). For container root an exec then grants the
     * bounding set anyway; for another user, what capset gives is what the kernel's exec rules keep.
     */
    record SetCapabilities(long effective, long permitted, long inheritable, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.setCapabilities(this); }
    }

    record SetUmask(int mask, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.setUmask(this); }
    }

    /** prctl(PR_SET_NO_NEW_PRIVS): no exec can raise privileges again (setuid bits, file capabilities). */
    record NoNewPrivileges(Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.noNewPrivileges(this); }
    }

    /**
     * seccomp(SECCOMP_SET_MODE_FILTER) of BPF compiled in the parent by libseccomp. It comes after
     * no_new_privs (which the kernel requires without CAP_SYS_ADMIN), or, when the spec opts out of
     * no_new_privs, before the capabilities are dropped, as runc does.
     */
    record LoadSeccomp(byte[] bpf, String description, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.loadSeccomp(this); }

        public int instructions() {
            return bpf.length / 8;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LoadSeccomp x && java.util.Arrays.equals(bpf, x.bpf) && description.equals(x.description)
                    && at.equals(x.at);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bpf) * 31 + description.hashCode();
        }

        @Override
        public String toString() {
            return "LoadSeccomp[" + instructions() + " instructions, " + description + ", " + at + "]";
        }
    }

    /**
     * setgroups (unless {@code setgroups} is false: refused for good once "deny" was written, and
     * there are no groups to set), setresgid, setresuid — setuid last: it drops the right to do the
     * rest — with PR_SET_KEEPCAPS around it, so that the permitted set survives a switch from root.
     */
    record SetUser(long uid, long gid, List<Long> additionalGids, boolean setgroups, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.setUser(this); }
    }

    record Chdir(String cwd, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.chdir(this); }
    }

    /**
     * The child forks: it stays as PID 1, jrun's init (reaps orphans, forwards signals to the
     * process, exits with its status); its child goes on to exec the process.
     */
    record StartInit(Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.startInit(this); }
    }

    /**
     * {@code jrun exec}, before the clone: a pidfd of detached container {@code name}'s init, checked
     * to be the process that started at {@code startTime} (a pidfd names one process for good, so
     * nothing after can join a later one with the pid), and an O_PATH fd of its root
     * (/proc/PID/root).
     */
    record OpenContainer(String name, int pid, long startTime, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.openContainer(this); }
    }

    /**
     * {@code jrun exec}: setns(pidfd, every namespace of the container) in one call, which the
     * kernel (5.8+) orders itself, the user namespace first (the caller must be single-threaded:
     * the raw-cloned child is) and the mount namespace last; then the container's root (fchdir to
     * the root fd, chroot "."), which for a container that chroots is below its mount namespace's.
     */
    record JoinContainer(Set<Namespace> namespaces, Set<Namespace> joinedFirst, Location at) implements ChildStep {
        /**
         * {@code joinedFirst}: the namespaces the container itself joined from outside (its
         * JoinNamespaces). They are owned by a user namespace other than the container's, so they
         * are joined first, in a setns of their own, while the caller still has its own
         * credentials: after the container's user namespace it would lack CAP_SYS_ADMIN over them.
         */
        public JoinContainer(Set<Namespace> namespaces, Location at) {
            this(namespaces, Set.of(), at);
        }

        public <R> R accept(ChildVisitor<R> v) { return v.joinContainer(this); }
    }

    /**
     * A detached container's PID 1 is a static init that execs the process itself, so the child
     * checks first, with execvp(3)'s rules and errors (faccessat X_OK on each candidate), that the
     * process's program is there and executable: a missing one gets jrun's own one-line error and
     * exit 125, not an init's message in the log.
     */
    record CheckExecutable(List<String> candidates, Location at) implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.checkExecutable(this); }
    }

    /**
     * execve(2), trying {@code candidates} in order as execvp(3) would (args[0] looked up in the
     * container's PATH), with the signal mask and dispositions reset, the terminal (when asked for
     * and jrun has one) as controlling tty, and every fd >= 3 closed on exec. {@code detached}:
     * stdin is /dev/null and stdout and stderr go to the container's log.
     */
    record Exec(List<String> args, List<String> env, List<String> candidates, boolean terminal, boolean detached, Location at)
            implements ChildStep {
        public <R> R accept(ChildVisitor<R> v) { return v.exec(this); }
    }

    // --- After the exec ---------------------------------------------------------------------

    /**
     * Forward {@code signals} that jrun receives to the container (to the init, which passes them
     * on, when there is one), wait for it, and exit with its status (128+N for signal N).
     */
    record Supervise(List<Integer> signals, boolean init, Location at) implements ParentStep {
        public <R> R accept(ParentVisitor<R> v) { return v.supervise(this); }
    }
}
