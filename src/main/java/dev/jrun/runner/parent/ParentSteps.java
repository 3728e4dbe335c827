package dev.jrun.runner.parent;

import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunnerException;
import dev.jrun.sys.HostSyscalls;
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
