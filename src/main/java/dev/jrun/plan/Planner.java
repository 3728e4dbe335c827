package dev.jrun.plan;

import static dev.jrun.plan.MountFlags.*;

import dev.jrun.net.Slirp;
import dev.jrun.host.ContainerPaths;
import dev.jrun.host.DeviceNodes;
import dev.jrun.host.HostInfo;
import dev.jrun.host.SearchPath;
import dev.jrun.net.Port;
import dev.jrun.plan.Step.IdMapLine;
import dev.jrun.plan.Step.Purpose;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.security.Capabilities;
import dev.jrun.security.MaskedPaths;
import dev.jrun.security.Rlimits;
import dev.jrun.security.SeccompFilters;
import dev.jrun.spec.Spec;
import dev.jrun.sys.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles a {@link Spec} into the ordered {@link Plan} the runner executes. Every decision a
 * run makes is taken here (the runner only encodes steps), and the planner changes nothing: apart
 * from telling a file from a directory for bind mount points and reading the host's usrmerge
 * links, it reads nothing, which is what lets {@code jrun plan} print exactly what {@code jrun run}
 * will do.
 *
 * <p>The order is the kernel's, not the spec's: the clone, the id maps (which the child waits
 * for), propagation (before any mount, or mounts leak to the host), the root, mounts under it,
 * conf files and volumes (last, so they are not hidden by a mount over a parent directory), then
 * pivot_root/chroot, read-only root, hostname, loopback, capabilities, the user switch (which
 * clears the parent-death signal, so it is set again), chdir, the init and exec.
 */
public final class Planner {
    /** What `rootfs: {host: true}` exposes, read-only, as bubblewrap users commonly do. */
    public static final List<String> HOST_ROOT_DIRS =
            List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");

    private static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");
    private static final long NO_SUID_DEV_EXEC = MS_NOSUID | MS_NODEV | MS_NOEXEC;

    private final Spec spec;
    private final Function<String, Location> locate;
    private final HostInfo host;
    private final PlanOptions options;
    /** A detached container's PID 1 is the static init (bound at /dev/init), which execs the process. */
    private boolean staticInit;
    static final String INIT_PATH = "/dev/init";
    private final List<Step> steps = new ArrayList<>();

    private Planner(Spec spec, Function<String, Location> locate, HostInfo host, PlanOptions options) {
        this.spec = spec;
        this.locate = locate;
        this.host = host;
        this.options = options;
    }

    /**
     * @param locate maps a JSON pointer into the spec (e.g. "/mounts/2") to its source location,
     *               falling back to the nearest ancestor that exists
     */
    public static Plan compile(Spec spec, Function<String, Location> locate, HostInfo host) throws PlanException {
        return compile(spec, locate, host, PlanOptions.FOREGROUND);
    }

    public static Plan compile(Spec spec, Function<String, Location> locate, HostInfo host, PlanOptions options) throws PlanException {
        Planner p = new Planner(spec, locate, host, options);
        p.build();
        return new Plan(spec, List.copyOf(p.steps));
    }

    private Location at(String pointer) {
        Location l = locate.apply(pointer);
        return l != null ? l : spec.at();
    }

    /**
     * Where the spec sets {@code pointer}, or a location with no line, which `jrun plan` prints as
     * "(default)": the step is there because jrun does it by default. (The locator falls back to
     * the nearest ancestor, so an absent key locates where its parent does.)
     */
    private Location atOrDefault(String pointer) {
        Location l = locate.apply(pointer);
        Location parent = locate.apply(pointer.substring(0, pointer.lastIndexOf('/')));
        if (l == null || l.equals(parent)) return Location.unknown(spec.file().toString());
        return l;
    }

    /** The mode a run gets: a bridge spec falls back to slirp when not root, if it says so. */
    private Spec.NetworkMode mode;
    private String modeReason;

    private void chooseNetworkMode() throws PlanException {
        Spec.Network net = spec.network();
        mode = net.mode();
        if (mode == Spec.NetworkMode.BRIDGE && !host.root()) {
            if (net.rootless() != Spec.NetworkMode.SLIRP) {
                throw new PlanException(at("/network/mode"), "network mode bridge needs root (it makes a bridge and veths on the"
                        + " host), and jrun runs as uid " + host.uid() + ": run it as root, or add network.rootless: slirp to fall back"
                        + " to userspace networking");
            }
            mode = Spec.NetworkMode.SLIRP;
            modeReason = "network.rootless: slirp — bridge needs root, and jrun runs as uid " + host.uid();
        }
    }

    private void build() throws PlanException {
        Set<Namespace> ns = spec.namespaces();
        chooseNetworkMode();
        staticInit = options.detached() && options.staticInit() != null && ns.contains(Namespace.PID) && ns.contains(Namespace.MOUNT)
                && spec.process().init();
        Spec.Network net = spec.network();
        Location netAt = at("/network");
        List<Port> ports = new ArrayList<>();
        for (Spec.Port p : net.ports()) ports.add(new Port(p.hostIp(), p.hostPort(), p.containerPort(), p.protocol()));
        if (mode == Spec.NetworkMode.BRIDGE) {
            steps.add(new Step.LeaseAddress(net.bridge(), net.subnet(), net.address(), net.nat(), netAt));
        }
        if (!ports.isEmpty() && (mode == Spec.NetworkMode.BRIDGE || mode == Spec.NetworkMode.SLIRP)) {
            steps.add(new Step.PublishPorts(ports, mode == Spec.NetworkMode.BRIDGE, at("/network/ports")));
        }
        Location nsAt = at("/namespaces");
        Step.WriteIdMaps maps = ns.contains(Namespace.USER) ? idMaps() : null;
        if (!spec.joins().isEmpty()) {
            if (!host.root()) {
                // setns(2) wants CAP_SYS_ADMIN over the target's user namespace and in the caller's own.
                throw new PlanException(spec.joins().get(0).at(), "joining an existing namespace needs root: the kernel lets"
                        + " only a process with CAP_SYS_ADMIN in its own user namespace setns into another, and jrun runs as uid "
                        + host.uid() + "; run it as root, or create the namespace instead");
            }
            List<Step.Join> joins = new ArrayList<>();
            for (Spec.JoinNamespace j : spec.joins()) joins.add(new Step.Join(j.type(), j.path().toString()));
            steps.add(new Step.JoinNamespaces(List.copyOf(joins), spec.joins().get(0).at()));
        }
        steps.add(new Step.CreateNamespaces(ns, nsAt));
        steps.add(new Step.CloseInheritedFds(nsAt));
        steps.add(new Step.ParentDeathSignal(Linux.SIGKILL, nsAt));
        if (maps != null) steps.add(maps);
        Spec.ProcessSpec proc = spec.process();
        if (!proc.rlimits().isEmpty()) steps.add(rlimits(proc));
        if (proc.oomScoreAdj() != null) steps.add(new Step.OomScoreAdj(proc.oomScoreAdj(), at("/process/oomScoreAdj")));
        if (mode == Spec.NetworkMode.BRIDGE) steps.add(new Step.BridgeNetwork(net.bridge(), net.subnet(), netAt));
        if (mode == Spec.NetworkMode.SLIRP) steps.add(new Step.SlirpNetwork(ports, modeReason, netAt));
        steps.add(new Step.AwaitParent(nsAt));
        if (maps != null) {
            boolean gid = maps(maps.gid(), 0);
            boolean uid = maps(maps.uid(), 0);
            if (gid || uid) steps.add(new Step.BecomeNamespaceRoot(gid, uid, maps.at()));
        }
        if (ns.contains(Namespace.MOUNT)) addFilesystem();
        if (ns.contains(Namespace.UTS)) {
            steps.add(new Step.SetHostname(spec.hostname(), at("/hostname")));
            if (spec.domainname() != null) steps.add(new Step.SetDomainname(spec.domainname(), at("/domainname")));
        }
        if (ns.contains(Namespace.NET)) steps.add(new Step.LoopbackUp(at("/network")));
        steps.add(new Step.SetUmask(proc.umask() == null ? DEFAULT_UMASK : proc.umask(), atOrDefault("/process/umask")));
        Spec.CapabilityChanges changes = proc.capabilities();
        long caps = Capabilities.apply(Capabilities.DEFAULT, changes.add(), changes.drop(), host.lastCap());
        Step.LoadSeccomp seccomp = seccomp(caps);
        Location capsAt = atOrDefault("/process/capabilities");
        steps.add(new Step.DropBoundingSet(caps, host.lastCap(), capsAt));
        // Without no_new_privs the kernel loads a filter only with CAP_SYS_ADMIN: before the user
        // switch and the capset, as runc does.
        if (seccomp != null && !proc.noNewPrivileges()) steps.add(seccomp);
        Spec.User user = proc.user();
        long uid = user == null ? 0 : user.uid();
        long gid = user == null ? 0 : user.gid();
        List<Long> groups = user == null ? List.of() : user.additionalGids();
        // setgroups is refused for good once "deny" was written; with no groups to set, skip it.
        boolean setgroups = maps == null || !maps.denySetgroups() || !groups.isEmpty();
        Location userAt = user == null ? at("/process") : user.at();
        steps.add(new Step.SetUser(uid, gid, groups, setgroups, userAt));
        steps.add(new Step.SetCapabilities(caps, caps, 0, capsAt));
        // A credential change clears the parent-death signal (prctl(2)): set it again. A detached
        // container clears it instead, whether or not the credentials changed: it outlives whatever
        // supervises it (a SIGKILLed service must not take the containers with it).
        steps.add(new Step.ParentDeathSignal(options.detached() ? 0 : Linux.SIGKILL, userAt));
        steps.add(new Step.Chdir(proc.cwd(), at("/process/cwd")));
        if (proc.noNewPrivileges()) {
            steps.add(new Step.NoNewPrivileges(atOrDefault("/process/noNewPrivileges")));
            if (seccomp != null) steps.add(seccomp); // the last step before the init and the exec
        }
        boolean init = ns.contains(Namespace.PID) && proc.init() && !staticInit;
        if (init) steps.add(new Step.StartInit(at("/process")));
        List<String> env = environment(proc, uid);
        List<String> candidates = SearchPath.candidates(proc.args().get(0), SearchPath.in(env));
        Location argsAt = at("/process/args");
        if (staticInit) {
            steps.add(new Step.CheckExecutable(candidates, argsAt));
            List<String> args = new ArrayList<>(List.of(INIT_PATH, "--"));
            args.addAll(proc.args());
            steps.add(new Step.Exec(args, env, List.of(INIT_PATH), false, true, argsAt));
        } else {
            steps.add(new Step.Exec(proc.args(), env, candidates, proc.terminal() && !options.detached(), options.detached(), argsAt));
        }
        steps.add(new Step.Supervise(options.detached() ? List.of() : FORWARDED_SIGNALS, init, at("/process")));
        if (needsPrivateDir()) steps.add(0, new Step.PrivateDir(containerRootHostUid(maps), spec.rootfs().at()));
    }

    /**
     * What jrun passes on to the container. HotSpot keeps SIGQUIT (bin/jrun switches its thread
     * dump off, which would land in the container's output) and SIGUSR2 for itself.
     */
    public static final List<Integer> FORWARDED_SIGNALS = List.of(Linux.SIGINT, Linux.SIGTERM, Linux.SIGHUP, Linux.SIGUSR1);

    /** OCI's and runc's default. */
    static final int DEFAULT_UMASK = 022;

    private Step.SetRlimits rlimits(Spec.ProcessSpec proc) {
        List<Step.Limit> limits = new ArrayList<>();
        for (Spec.Rlimit r : proc.rlimits()) limits.add(new Step.Limit(Rlimits.number(r.name()), r.soft(), r.hard()));
        return new Step.SetRlimits(limits, at("/process/rlimits"));
    }

    /** The filter for these capabilities (the default profile's rules depend on them), or null for unconfined. */
    private Step.LoadSeccomp seccomp(long caps) throws PlanException {
        Spec.Seccomp s = spec.security().seccomp();
        if (s.kind() == Spec.SeccompKind.UNCONFINED) return null;
        Location where = atOrDefault("/security/seccomp");
        try {
            SeccompFilters.Filter f = SeccompFilters.compile(s.kind() == Spec.SeccompKind.PROFILE ? s.profile() : null, caps, host);
            return new Step.LoadSeccomp(f.bpf(), f.description(), where);
        } catch (SeccompFilters.FilterException e) {
            throw new PlanException(where, "seccomp: " + e.getMessage()
                    + (s.kind() == Spec.SeccompKind.DEFAULT ? " (or set security.seccomp: unconfined, which is unsafe)" : ""));
        }
    }

    private Step.WriteIdMaps idMaps() {
        Spec.IdMappings m = spec.idMappings();
        List<IdMapLine> uid = m.isDefault() ? List.of(new IdMapLine(0, host.uid(), 1)) : lines(m.uid());
        List<IdMapLine> gid = m.isDefault() ? List.of(new IdMapLine(0, host.gid(), 1)) : lines(m.gid());
        // user_namespaces(7): an unprivileged writer of gid_map must deny setgroups first.
        return new Step.WriteIdMaps(uid, gid, !host.root(), m.isDefault() ? at("/") : m.at());
    }

    private static List<IdMapLine> lines(List<Spec.IdMap> maps) {
        return maps.stream().map(x -> new IdMapLine(x.container(), x.host(), x.size())).toList();
    }

    private static boolean maps(List<IdMapLine> lines, long id) {
        for (IdMapLine l : lines) if (id >= l.container() && id < l.container() + l.size()) return true;
        return false;
    }

    /** Conf files, an overlay root or a host root need one: their files and mount points live there. */
    private boolean needsPrivateDir() {
        for (Step s : steps) {
            if (s instanceof Step.ConfFile || s instanceof Step.OverlayRoot || s instanceof Step.HostRoot) return true;
        }
        return false;
    }

    /**
     * As root with a custom map, container root is another host uid, which must be able to reach
     * the private dir to bind from it: the dir is chowned to it. -1: it stays jrun's.
     */
    private static long containerRootHostUid(Step.WriteIdMaps maps) {
        if (maps == null || maps.denySetgroups()) return -1;
        for (IdMapLine l : maps.uid()) {
            if (l.container() == 0 && l.host() != 0) return l.host();
        }
        return -1;
    }

    private void addFilesystem() {
        // mount_namespaces(7): without this, mounts below propagate to the host's shared mounts.
        steps.add(new Step.SetPropagation(MS_REC | MS_PRIVATE, at("/namespaces")));
        Spec.Rootfs root = spec.rootfs();
        steps.add(new Step.ResolveInRoot(host.kernelAtLeast(5, 6), Location.unknown(spec.file().toString())));
        if (root.host()) {
            addHostRoot(root.at());
        } else if (root.readonly()) {
            steps.add(new Step.OverlayRoot(real(root.path()), root.at()));
        } else {
            steps.add(new Step.BindRootfs(real(root.path()), root.at()));
        }
        int rootEnd = steps.size();
        if (spec.defaultMounts()) addDefaultMounts();
        addDevices();
        if (staticInit) {
            steps.add(new Step.Mount(real(options.staticInit()), INIT_PATH, null, MS_BIND | MS_RDONLY | MS_NODEV, null, false,
                    Purpose.INIT, at("/process/init")));
        }
        for (int i = 0; i < spec.mounts().size(); i++) addSpecMount(spec.mounts().get(i));
        addConfFiles();
        boolean recursive = host.kernelAtLeast(5, 12);
        for (Spec.Volume v : spec.volumes()) {
            // nodev: a device node in the volume (or made through it) cannot be opened
            long flags = MS_BIND | MS_REC | MS_NODEV | (v.readonly() ? MS_RDONLY : 0);
            boolean dir = !Files.isRegularFile(v.source());
            steps.add(new Step.Mount(real(v.source()), v.destination(), null, flags, null, dir, Purpose.VOLUME, v.at()));
            if (v.readonly() && recursive) steps.add(new Step.RecursiveReadonly(v.destination(), v.at()));
        }
        if (!root.host()) steps.addAll(rootEnd, copyUps(rootEnd));
        steps.add(new Step.EnterRoot(root.host() || root.pivot(), root.at()));
        Spec.Security sec = spec.security();
        List<String> masked = new ArrayList<>(sec.maskedPaths() != null ? sec.maskedPaths() : MaskedPaths.MASKED);
        if (root.host()) masked.addAll(MaskedPaths.hostSecrets()); // whatever the spec's list says
        steps.add(new Step.MaskPaths(List.copyOf(masked), atOrDefault("/security/maskedPaths")));
        steps.add(new Step.ReadonlyPaths(sec.readonlyPaths() != null ? sec.readonlyPaths() : MaskedPaths.READONLY, recursive,
                atOrDefault("/security/readonlyPaths")));
        if (root.host() || root.readonly()) steps.add(new Step.RemountRootReadonly(root.at()));
    }

    /** A host path without symlinks, as the child opens it (RESOLVE_NO_SYMLINKS); as it is when it does not exist. */
    private static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return p.toString();
        }
    }

    private static String real(String p) {
        return p.startsWith("/") ? real(Path.of(p)) : p;
    }

    /**
     * The rootfs directories that must get new entries (mount points) but belong to a host user
     * other than the one container root is: with a user namespace, container root may not create
     * entries in them, so each gets a {@link Step.CopyUp}. Found by walking the mounts from
     * {@code from} through the same resolver the child program is built with.
     */
    private List<Step> copyUps(int from) {
        if (!spec.has(Namespace.USER) || spec.rootfs().host()) return List.of();
        long rootUid = containerRootOwner();
        Path rootPath = spec.rootfs().path();
        ContainerPaths tree = ContainerPaths.of(rootPath);
        Set<String> dirs = new java.util.LinkedHashSet<>();
        for (int i = from; i < steps.size(); i++) {
            Step s = steps.get(i);
            String target = s instanceof Step.Mount m ? m.target() : s instanceof Step.Symlink l ? l.linkpath()
                    : s instanceof Step.ConfFile c ? c.target() : null;
            if (target == null) continue;
            try {
                String resolved = tree.resolve(target);
                String parent = "/";
                for (String c : resolved.substring(1).split("/")) {
                    String p = parent.equals("/") ? "/" + c : parent + "/" + c;
                    if (tree.kind(p) == ContainerPaths.Kind.MISSING) {
                        Path backing = tree.backing(parent);
                        if (!parent.equals("/") && backing != null && backing.startsWith(rootPath)
                                && Files.isDirectory(backing, java.nio.file.LinkOption.NOFOLLOW_LINKS) && owner(backing) != rootUid) {
                            dirs.add(parent);
                        }
                        tree.createdDir(p);
                    }
                    parent = p;
                }
                if (s instanceof Step.Mount m) tree.mounted(resolved, (m.flags() & MS_BIND) == 0 ? null : Path.of(m.source()));
            } catch (ContainerPaths.Unresolvable e) {
                // the program builder reports it, with the step
            }
        }
        List<Step> out = new ArrayList<>();
        for (String d : dirs) out.add(new Step.CopyUp(d, spec.rootfs().at()));
        return out;
    }

    private static long owner(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The host uid the container's root is: the invoking user by default, else the map's line for 0. */
    private long containerRootOwner() {
        Spec.IdMappings m = spec.idMappings();
        if (m.isDefault()) return host.uid();
        for (Spec.IdMap l : m.uid()) if (l.container() == 0) return l.host();
        return -1;
    }

    private DeviceNodes nodes;

    private DeviceNodes nodes() {
        if (nodes == null) nodes = DeviceNodes.host();
        return nodes;
    }

    /** Each device the spec allows: the host's node bound at its path, like the default ones. */
    private void addDevices() {
        for (Spec.Device d : spec.devices()) {
            Path found = d.type() == null ? null : nodes().find(new DeviceNodes.Node(d.type().charAt(0), d.major(), d.minor()));
            String node = d.type() == null ? d.path() : found == null ? null : found.toString();
            if (node == null) node = d.path(); // lint reports it; the bind then fails with ENOENT and a hint
            steps.add(new Step.Mount(real(node), d.path(), null, MS_BIND, null, false, Purpose.DEVICE, d.at()));
        }
    }

    /** A tmpfs root; the host's system directories bound read-only, its usrmerge links (/bin -> usr/bin) kept as links. */
    private void addHostRoot(Location at) {
        steps.add(new Step.HostRoot(at));
        for (String dir : HOST_ROOT_DIRS) {
            Path p = Path.of(dir);
            if (Files.isSymbolicLink(p)) {
                try {
                    steps.add(new Step.Symlink(Files.readSymbolicLink(p).toString(), dir, at));
                } catch (IOException e) {
                    // unreadable: leave it out, as a directory that does not exist
                }
            } else if (Files.isDirectory(p)) {
                steps.add(new Step.Mount(dir, dir, null, MS_BIND | MS_REC | MS_RDONLY | MS_NODEV, null, true, Purpose.HOST_DIR, at));
            }
        }
    }

    private void addDefaultMounts() {
        Location at = at("/defaultMounts");
        Set<Namespace> ns = spec.namespaces();
        boolean userns = ns.contains(Namespace.USER);
        // proc(5) can only be mounted by a process inside the pid namespace it shows; without one,
        // show the host's (what bwrap does), read through a recursive bind.
        if (ns.contains(Namespace.PID)) {
            mount("proc", "/proc", "proc", NO_SUID_DEV_EXEC, null, Purpose.DEFAULT, at);
        } else {
            mount("/proc", "/proc", null, MS_BIND | MS_REC, null, Purpose.DEFAULT, at);
        }
        // A user namespace may mount sysfs only if it also owns a network namespace; else bind the
        // host's read-only, as runc and crun fall back to.
        if (!userns || ns.contains(Namespace.NET)) {
            mount("sysfs", "/sys", "sysfs", NO_SUID_DEV_EXEC | MS_RDONLY, null, Purpose.DEFAULT, at);
        } else {
            mount("/sys", "/sys", null, MS_BIND | MS_REC | MS_RDONLY, null, Purpose.DEFAULT, at);
        }
        // nodev: device nodes are bound in one by one; one made in /dev (mknod) cannot be opened
        mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=755,size=65536k", Purpose.DEFAULT, at);
        for (String d : DEVICES) {
            steps.add(new Step.Mount("/dev/" + d, "/dev/" + d, null, MS_BIND, null, false, Purpose.DEVICE, at));
        }
        // gid=5 (tty) only where it is mapped: the rootless single-id map has no gid 5 (EINVAL).
        String ptsData = "newinstance,ptmxmode=0666,mode=620" + (gidMapped(5) ? ",gid=5" : "");
        mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, ptsData, Purpose.DEFAULT, at);
        steps.add(new Step.Symlink("pts/ptmx", "/dev/ptmx", at));
        steps.add(new Step.Symlink("/proc/self/fd", "/dev/fd", at));
        steps.add(new Step.Symlink("/proc/self/fd/0", "/dev/stdin", at));
        steps.add(new Step.Symlink("/proc/self/fd/1", "/dev/stdout", at));
        steps.add(new Step.Symlink("/proc/self/fd/2", "/dev/stderr", at));
        mount("shm", "/dev/shm", "tmpfs", NO_SUID_DEV_EXEC, "mode=1777,size=65536k", Purpose.DEFAULT, at);
        // mqueue shows the caller's IPC namespace; a user namespace may mount it only for its own.
        if (ns.contains(Namespace.IPC)) {
            mount("mqueue", "/dev/mqueue", "mqueue", NO_SUID_DEV_EXEC, null, Purpose.DEFAULT, at);
        }
    }

    private boolean gidMapped(long gid) {
        if (!spec.namespaces().contains(Namespace.USER)) return true;
        Spec.IdMappings m = spec.idMappings();
        if (m.isDefault()) return gid == 0;
        return m.gid().stream().anyMatch(x -> gid >= x.container() && gid < x.container() + x.size());
    }

    private void mount(String source, String target, String fstype, long flags, String data, Purpose purpose, Location at) {
        steps.add(new Step.Mount(source, target, fstype, flags, data, true, purpose, at));
    }

    private void addSpecMount(Spec.Mount m) {
        MountOptions.Parsed o = MountOptions.parse(m.options());
        long flags = o.flags();
        String type = m.type();
        // A mount without a type is a bind mount: the format's default type is "bind".
        if (type == null || "bind".equals(type) || "rbind".equals(type)) {
            flags |= MS_BIND | ("rbind".equals(type) ? MS_REC : 0);
            type = null;
        }
        // nodev on every mount but devpts (its pty nodes must open): lint refuses a "dev" option
        if (!"devpts".equals(type)) flags |= MS_NODEV;
        String source = m.source();
        boolean dir = true;
        if ((flags & MS_BIND) != 0 && source != null) {
            // Bind sources are host paths, relative to the spec's folder like every path in a spec.
            java.nio.file.Path p = spec.file().toAbsolutePath().getParent().resolve(source).normalize();
            source = real(p);
            dir = !Files.isRegularFile(p);
        } else if (source == null) {
            source = type == null ? "none" : type;
        }
        steps.add(new Step.Mount(source, m.destination(), type, flags, o.data(), dir, Purpose.SPEC_MOUNT, m.at()));
        if (o.propagation() != 0) {
            steps.add(new Step.Mount("none", m.destination(), null, o.propagation(), null, dir, Purpose.SPEC_MOUNT, m.at()));
        }
    }

    private void addConfFiles() {
        Map<String, String> generated = new LinkedHashMap<>();
        generated.put("/etc/hosts", hosts());
        generated.put("/etc/hostname", spec.hostname() + "\n");
        generated.put("/etc/resolv.conf", resolvConf());
        for (Spec.ConfFile f : spec.files()) generated.remove(f.destination());
        Location at = at("/files");
        generated.forEach((target, content) -> steps.add(new Step.ConfFile(target, content, at)));
        for (Spec.ConfFile f : spec.files()) {
            if (f.content() != null) {
                steps.add(new Step.ConfFile(f.destination(), f.content(), f.at()));
            } else {
                steps.add(new Step.Mount(f.source().toString(), f.destination(), null, MS_BIND | MS_RDONLY, null,
                        false, Purpose.CONF_FILE, f.at()));
            }
        }
    }

    /** The container's address for its hostname: slirp's, the pinned one, or the lease's (known when the run starts). */
    private String hosts() {
        String h = spec.hostname();
        String address = switch (mode) {
            case SLIRP -> Slirp.ADDRESS;
            case BRIDGE -> spec.network().address() != null ? spec.network().address() : Step.ConfFile.ADDRESS;
            default -> "127.0.1.1";
        };
        return "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + address + "\t" + h + "\n";
    }


    /**
     * network.dns; else the slirp helper's DNS; else, with a network of its own (bridge), the
     * host's resolvers but the loopback ones (127.0.0.53 would not answer inside the container's
     * namespace); sharing the host's network, the host's file as it is.
     */
    private String resolvConf() {
        List<String> dns = spec.network().dns();
        if (dns != null) {
            StringBuilder b = new StringBuilder("# generated by jrun from network.dns\n");
            for (String d : dns) b.append("nameserver ").append(d).append('\n');
            return b.toString();
        }
        boolean hostNet = mode == Spec.NetworkMode.HOST || (!spec.has(Namespace.NET) && !spec.joins(Namespace.NET));
        if (hostNet && host.resolvConf() != null) return host.resolvConf();
        if (mode == Spec.NetworkMode.SLIRP) return "# generated by jrun: the slirp helper's DNS\nnameserver " + Slirp.DNS + "\n";
        if (mode == Spec.NetworkMode.BRIDGE) {
            StringBuilder b = new StringBuilder("# generated by jrun: the host's resolvers but loopback ones\n");
            boolean any = false;
            if (host.resolvConf() != null) {
                for (String line : host.resolvConf().split("\n")) {
                    String t = line.trim();
                    if (t.startsWith("nameserver") && (t.contains(" 127.") || t.contains("\t127.") || t.endsWith(" ::1"))) continue;
                    if (t.startsWith("nameserver")) any = true;
                    b.append(line).append('\n');
                }
            }
            if (!any) b.append("# (the host has none but loopback ones: set network.dns)\n");
            return b.toString();
        }
        return "# generated by jrun: network mode none has no DNS (loopback only)\n";
    }

    /** Docker's defaults first, then the spec's env, which overrides them. */
    private static List<String> environment(Spec.ProcessSpec proc, long uid) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", SearchPath.DEFAULT);
        env.put("HOME", uid == 0 ? "/root" : "/");
        if (proc.terminal()) env.put("TERM", "xterm");
        env.putAll(proc.env());
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
