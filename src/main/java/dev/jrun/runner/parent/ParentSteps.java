package dev.jrun.runner.parent;

import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunnerException;
import dev.jrun.security.Rlimits;
import dev.jrun.sys.Errno;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.SyscallException;
import java.util.List;

/**
 * The parent's steps between the clone and SYNC_GO, done on the new child's pid while it waits
 * ({@code Step.AwaitParent}): the id maps now; network and cgroup set-up belong here too. The
 * steps around them are the supervisor's own: the private dir before the clone, the clone itself
 * ({@code CreateNamespaces}) and {@code Supervise} after the exec.
 */
public final class ParentSteps implements Step.ParentVisitor<Void> {
    private final HostSyscalls host;
    private final Plan plan;
    private final int pid;
    private int index;
    private RunnerException failure;

    private ParentSteps(HostSyscalls host, Plan plan, int pid) {
        this.host = host;
        this.plan = plan;
        this.pid = pid;
    }

    /** Performs the parent steps that the plan puts between CreateNamespaces and AwaitParent. */
    public static void afterClone(HostSyscalls host, Plan plan, int pid) throws RunnerException {
        ParentSteps p = new ParentSteps(host, plan, pid);
        List<Step> steps = plan.steps();
        boolean cloned = false;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s instanceof Step.CreateNamespaces) {
                cloned = true;
            } else if (s instanceof Step.AwaitParent) {
                return;
            } else if (cloned && s instanceof Step.ParentStep ps) {
                p.index = i;
                ps.accept(p);
                if (p.failure != null) throw p.failure;
            }
        }
    }

    @Override
    public Void writeIdMaps(Step.WriteIdMaps m) {
        try {
            IdMaps.write(host, plan, index, m, pid);
        } catch (RunnerException e) {
            failure = e;
        }
        return null;
    }

    /**
     * Only CAP_SYS_RESOURCE in the host's user namespace may raise a hard limit: an unprivileged
     * jrun gets EPERM, and the hint names its own limit.
     */
    @Override
    public Void setRlimits(Step.SetRlimits s) {
        for (Step.Limit l : s.limits()) {
            try {
                host.prlimit(pid, l.resource(), l.soft(), l.hard());
            } catch (SyscallException e) {
                String hint = null;
                if (e.errno == Errno.EPERM) {
                    try {
                        long hard = host.getrlimit(l.resource())[1];
                        hint = "this host's hard limit for " + Rlimits.name(l.resource()) + " is " + Rlimits.value(hard)
                                + " for jrun's user (ulimit " + Rlimits.ulimitOption(l.resource()) + "); only root can raise a hard limit:"
                                + " lower the spec's or raise the host's";
                    } catch (SyscallException ignored) {
                        // no hint then
                    }
                }
                failure = new RunnerException(plan, index, "prlimit " + Rlimits.name(l.resource()) + " " + Rlimits.value(l.soft())
                        + "/" + Rlimits.value(l.hard()), e.errno, hint);
                return null;
            }
        }
        return null;
    }

    @Override
    public Void oomScoreAdj(Step.OomScoreAdj s) {
        try {
            host.writeFile("/proc/" + pid + "/oom_score_adj", Integer.toString(s.value()));
        } catch (SyscallException e) {
            failure = new RunnerException(plan, index, "write /proc/PID/oom_score_adj " + s.value(), e.errno, null);
        }
        return null;
    }

    // The supervisor's own steps never stand between the clone and SYNC_GO.
    @Override
    public Void privateDir(Step.PrivateDir s) {
        throw misplaced(s);
    }

    @Override
    public Void createNamespaces(Step.CreateNamespaces s) {
        throw misplaced(s);
    }

    @Override
    public Void supervise(Step.Supervise s) {
        throw misplaced(s);
    }

    private static IllegalStateException misplaced(Step s) {
        return new IllegalStateException("a plan with " + s + " between the clone and SYNC_GO");
    }
}
