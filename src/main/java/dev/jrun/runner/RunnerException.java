package dev.jrun.runner;

import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.spec.Location;
import dev.jrun.sys.Errno;

/**
 * jrun failed to start the container. The message is the one line a user sees:
 * {@code specs/x.yaml:14:5: step 7 mount tmpfs on /dev/shm: EPERM (Operation not permitted) — hint: ...}.
 */
public final class RunnerException extends Exception {
    /** The plan step (1-based as `jrun plan` prints it), 0 when the failure belongs to no step. */
    public final int step;
    public final Location at;
    /** The errno, 0 when the failure is not a syscall's. */
    public final int errno;
    public final String hint;

    RunnerException(Plan plan, int stepIndex, String what, int errno, String hint) {
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
        b.append(what);
        if (errno != 0) b.append(": ").append(Errno.describe(errno));
        if (hint != null) b.append(" \u2014 hint: ").append(hint);
        return b.toString();
    }

    /** Known causes, by step kind and errno. */
    static final class Hints {
        private Hints() {}

        static final String USERNS = "unprivileged user namespaces are disabled or restricted (sysctl "
                + "kernel.unprivileged_userns_clone / user.max_user_namespaces / AppArmor "
                + "kernel.apparmor_restrict_unprivileged_userns)";

        static String forFailure(Step step, String what, int errno) {
            boolean perm = errno == Errno.EPERM || errno == Errno.EACCES;
            // EOVERFLOW: the overlay cannot copy up a parent owned by an id the namespace lacks
            // (a host-root-owned, world-writable /tmp of the rootfs, rootless)
            if ((what.startsWith("mkdir ") || what.startsWith("create mount point "))
                    && (perm || errno == Errno.EROFS || errno == Errno.EOVERFLOW)) {
                return "the mount point is missing from the rootfs and the container's root may not create it there "
                        + "(the directory belongs to a user outside the user namespace): create it in the rootfs";
            }
            if (step instanceof Step.CreateNamespaces && (perm || errno == Errno.ENOSPC)) {
                return errno == Errno.ENOSPC ? "user.max_user_namespaces (or another max_*_namespaces) is exhausted" : USERNS;
            }
            if (step instanceof Step.WriteIdMaps && perm) return USERNS;
            if (step instanceof Step.Mount m) {
                if (perm && "proc".equals(m.fstype())) return "proc needs a pid namespace (add pid to namespaces)";
                if (perm && "sysfs".equals(m.fstype())) return "a user namespace can mount sysfs only with its own net namespace";
                if (perm && "mqueue".equals(m.fstype())) return "mqueue needs an ipc namespace";
                if (perm && "cgroup2".equals(m.fstype())) return "cgroup2 needs a cgroup namespace";
                if (errno == Errno.EINVAL && "devpts".equals(m.fstype()) && m.data() != null && m.data().contains("gid="))
                    return "the devpts gid is not mapped in the user namespace";
                if (errno == Errno.ENOENT && (m.flags() & dev.jrun.plan.MountFlags.MS_BIND) != 0)
                    return "the bind source " + m.source() + " does not exist";
                if (errno == Errno.ENODEV) return "the kernel does not know filesystem type " + m.fstype();
                if (perm) return "the rootfs or mount point is not accessible to the container's user";
            }
            if (step instanceof Step.EnterRoot e && e.pivot() && errno == Errno.EINVAL)
                return "pivot_root refuses this root (e.g. on a ramfs initramfs); set rootfs.pivot: false";
            if (step instanceof Step.Exec && errno == Errno.ENOENT)
                return "the program is not in the rootfs (or its interpreter/loader is missing)";
            if (step instanceof Step.Exec && errno == Errno.EACCES) return "the program is not executable";
            if (step instanceof Step.Chdir && errno == Errno.ENOENT) return "process.cwd does not exist in the rootfs";
            if (step instanceof Step.SetUser && errno == Errno.EINVAL) return "the uid/gid is not mapped in the user namespace";
            return null;
        }
    }
}
