package dev.jrun.runner;

import dev.jrun.plan.MountFlags;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.Errno;

/**
 * jrun failed to start the container. The message is the one line a user sees:
 * {@code specs/x.yaml:14:5: step 7 mount tmpfs on /dev/shm: EPERM (Operation not permitted) — hint: ...}.
 */
public final class RunnerException extends Exception {
    /** Operands longer than this are cut in messages (with …): one line, even for a 900 KB process.cwd. */
    static final int MAX_WHAT = 200;

    /** The plan step (1-based as `jrun plan` prints it), 0 when the failure belongs to no step. */
    public final int step;
    public final Location at;
    /** The errno, 0 when the failure is not a syscall's. */
    public final int errno;
    public final String hint;

    /**
     * @param stepIndex the plan step (0-based), -1 for none
     * @param what the operation and its operands ("chdir /does/not/exist")
     * @param hint null: the known cause for this step kind and errno, if any
     */
    public RunnerException(Plan plan, int stepIndex, String what, int errno, String hint) {
        this(stepIndex >= 0 ? stepIndex + 1 : 0, location(plan, stepIndex), what, errno,
                hint != null ? hint : Hints.forFailure(stepIndex >= 0 ? plan.steps().get(stepIndex) : null, what, errno));
    }

    private RunnerException(int step, Location at, String what, int errno, String hint) {
        super(format(step, at, what, errno, hint), null, false, false);
        this.step = step;
        this.at = at;
        this.errno = errno;
        this.hint = hint;
    }

    public String errnoName() {
        return errno == 0 ? null : Errno.name(errno);
    }

    private static Location location(Plan plan, int stepIndex) {
        if (stepIndex >= 0) return plan.steps().get(stepIndex).at();
        return plan.spec() == null ? null : plan.spec().at();
    }

    private static String format(int step, Location at, String what, int errno, String hint) {
        StringBuilder b = new StringBuilder();
        if (at != null) b.append(at).append(": ");
        if (step > 0) b.append("step ").append(step).append(' ');
        b.append(what.length() > MAX_WHAT ? what.substring(0, MAX_WHAT) + "\u2026" : what);
        if (errno != 0) b.append(": ").append(Errno.describe(errno));
        if (hint != null) b.append(" \u2014 hint: ").append(hint);
        return b.toString();
    }

    /** Known causes, by step kind and errno: one visit per kind of step. */
    static final class Hints implements Step.Visitor<String> {
        static final String USERNS = "unprivileged user namespaces are disabled or restricted (sysctl "
                + "kernel.unprivileged_userns_clone / user.max_user_namespaces / AppArmor "
                + "kernel.apparmor_restrict_unprivileged_userns)";

        private final String what;
        private final int errno;
        private final boolean perm;

        private Hints(String what, int errno) {
            this.what = what;
            this.errno = errno;
            this.perm = errno == Errno.EPERM || errno == Errno.EACCES;
        }

        static String forFailure(Step step, String what, int errno) {
            // EOVERFLOW: the overlay cannot copy up a parent owned by an id the namespace lacks
            // (a host-root-owned, world-writable /tmp of the rootfs, rootless)
            if ((what.startsWith("mkdir ") || what.startsWith("create mount point "))
                    && (errno == Errno.EPERM || errno == Errno.EACCES || errno == Errno.EROFS || errno == Errno.EOVERFLOW)) {
                return "the mount point is missing from the rootfs and the container's root may not create it there "
                        + "(the directory belongs to a user outside the user namespace): create it in the rootfs";
            }
            return step == null ? null : step.accept(new Hints(what, errno));
        }

        @Override
        public String privateDir(Step.PrivateDir s) {
            return "check TMPDIR (or java.io.tmpdir): jrun makes its private directory there";
        }

        @Override
        public String joinNamespaces(Step.JoinNamespaces s) {
            if (errno == Errno.ENOENT) return "the namespace file is gone: its process ended, or `jrun ns release` removed it";
            if (errno == Errno.EINVAL) return "the file is not a namespace of that type (see `jrun ns`, or readlink /proc/PID/ns/TYPE)";
            if (errno == Errno.EPERM) return "joining needs CAP_SYS_ADMIN in jrun's user namespace and over the namespace's own";
            return null;
        }

        @Override
        public String createNamespaces(Step.CreateNamespaces s) {
            if (errno == Errno.ENOSPC) return "user.max_user_namespaces (or another max_*_namespaces) is exhausted";
            if (errno == Errno.EPERM && !s.namespaces().contains(Namespace.USER) && !s.namespaces().isEmpty()) {
                return "without a user namespace, creating namespaces needs root (CAP_SYS_ADMIN): add user to namespaces";
            }
            return perm ? USERNS : null;
        }

        @Override
        public String writeIdMaps(Step.WriteIdMaps s) {
            boolean single = s.uid().size() == 1 && s.uid().get(0).size() == 1 && s.gid().size() == 1 && s.gid().get(0).size() == 1;
            if (errno == Errno.EPERM && s.denySetgroups() && !single) {
                return "an unprivileged user may map only its own uid and gid (one line of size 1); "
                        + "wider idMappings need root (or newuidmap/newgidmap, not supported yet)";
            }
            return perm ? USERNS : null;
        }

        @Override
        public String mount(Step.Mount m) {
            if (perm && "proc".equals(m.fstype())) return "proc needs a pid namespace (add pid to namespaces)";
            if (perm && "sysfs".equals(m.fstype())) return "a user namespace can mount sysfs only with its own net namespace";
            if (perm && "mqueue".equals(m.fstype())) return "mqueue needs an ipc namespace";
            if (perm && "cgroup2".equals(m.fstype())) return "cgroup2 needs a cgroup namespace";
            if (errno == Errno.EINVAL && "devpts".equals(m.fstype()) && m.data() != null && m.data().contains("gid="))
                return "the devpts gid is not mapped in the user namespace";
            if (errno == Errno.ENOENT && (m.flags() & MountFlags.MS_BIND) != 0)
                return "the bind source " + m.source() + " does not exist";
            if (errno == Errno.ENODEV) return "the kernel does not know filesystem type " + m.fstype();
            if (perm) return "the rootfs or mount point is not accessible to the container's user";
            return null;
        }

        @Override
        public String enterRoot(Step.EnterRoot e) {
            return e.pivot() && errno == Errno.EINVAL
                    ? "pivot_root refuses this root (e.g. on a ramfs initramfs); set rootfs.pivot: false" : null;
        }

        @Override
        public String exec(Step.Exec s) {
            if (errno == Errno.ENOENT) return "the program is not in the rootfs (or its interpreter/loader is missing)";
            if (errno == Errno.EACCES) return "the program is not executable";
            return null;
        }

        @Override
        public String chdir(Step.Chdir s) {
            return errno == Errno.ENOENT ? "process.cwd does not exist in the rootfs" : null;
        }

        @Override
        public String setUser(Step.SetUser s) {
            return errno == Errno.EINVAL ? "the uid/gid is not mapped in the user namespace" : null;
        }

        @Override
        public String resolveInRoot(Step.ResolveInRoot s) {
            return errno == Errno.ELOOP || errno == Errno.EXDEV ? "the rootfs path has a symlink in it since the plan was made: "
                    + "jrun opens it without following any (run again to plan anew)" : null;
        }

        @Override
        public String loadSeccomp(Step.LoadSeccomp s) {
            if (errno == Errno.EACCES) return "loading a seccomp filter needs no_new_privs or CAP_SYS_ADMIN";
            if (errno == Errno.EINVAL) return "the kernel refused the filter (seccomp disabled, or a filter too long)";
            return null;
        }

        @Override
        public String maskPaths(Step.MaskPaths s) {
            return errno == Errno.ENOENT ? "masking binds the container's /dev/null: keep defaultMounts, or set security.maskedPaths: []" : null;
        }

        // No known cause to add for these: the errno and the operation say it all.
        @Override public String setRlimits(Step.SetRlimits s) { return null; }
        @Override public String leaseAddress(Step.LeaseAddress s) { return null; }
        @Override public String publishPorts(Step.PublishPorts s) { return null; }
        @Override public String bridgeNetwork(Step.BridgeNetwork s) {
            return perm ? "bridge networking needs root (CAP_NET_ADMIN); add network.rootless: slirp to fall back when not root" : null;
        }
        @Override public String slirpNetwork(Step.SlirpNetwork s) { return null; }
        @Override public String oomScoreAdj(Step.OomScoreAdj s) { return perm ? "lowering oom_score_adj needs root (CAP_SYS_RESOURCE)" : null; }
        @Override public String copyUp(Step.CopyUp s) { return null; }
        @Override public String recursiveReadonly(Step.RecursiveReadonly s) { return null; }
        @Override public String readonlyPaths(Step.ReadonlyPaths s) { return null; }
        @Override public String setUmask(Step.SetUmask s) { return null; }
        @Override public String noNewPrivileges(Step.NoNewPrivileges s) { return null; }
        @Override public String supervise(Step.Supervise s) { return null; }
        @Override public String closeInheritedFds(Step.CloseInheritedFds s) { return null; }
        @Override public String parentDeathSignal(Step.ParentDeathSignal s) { return null; }
        @Override public String awaitParent(Step.AwaitParent s) { return null; }
        @Override public String becomeNamespaceRoot(Step.BecomeNamespaceRoot s) { return null; }
        @Override public String setPropagation(Step.SetPropagation s) { return null; }
        @Override public String overlayRoot(Step.OverlayRoot s) { return null; }
        @Override public String bindRootfs(Step.BindRootfs s) { return null; }
        @Override public String hostRoot(Step.HostRoot s) { return null; }
        @Override public String symlink(Step.Symlink s) { return null; }
        @Override public String confFile(Step.ConfFile s) { return null; }
        @Override public String remountRootReadonly(Step.RemountRootReadonly s) { return null; }
        @Override public String setHostname(Step.SetHostname s) { return null; }
        @Override public String setDomainname(Step.SetDomainname s) { return null; }
        @Override public String loopbackUp(Step.LoopbackUp s) { return null; }
        @Override public String setCapabilities(Step.SetCapabilities s) { return null; }
        @Override public String dropBoundingSet(Step.DropBoundingSet s) { return null; }
        @Override public String startInit(Step.StartInit s) { return null; }
        @Override public String joinContainer(Step.JoinContainer s) {
            if (errno == Errno.EPERM) return "jrun exec must run as the user who started the container";
            if (errno == Errno.EINVAL) return "joining namespaces by pidfd needs Linux 5.8 or later";
            return null;
        }
        @Override public String openContainer(Step.OpenContainer s) {
            return errno == Errno.ESRCH ? "the container stopped meanwhile" : null;
        }
        @Override public String checkExecutable(Step.CheckExecutable s) {
            if (errno == Errno.ENOENT) return "the program is not in the rootfs";
            if (errno == Errno.EACCES) return "the program is not executable";
            return null;
        }
    }
}
