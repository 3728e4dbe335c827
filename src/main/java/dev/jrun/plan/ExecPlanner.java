package dev.jrun.plan;

import dev.jrun.host.SearchPath;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.Linux;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plan of {@code jrun exec}: from the plan a detached container was started with, the steps
 * that put a new process where its process is — its namespaces (one setns by pidfd), its root,
 * its umask, bounding set, credentials, capabilities, no_new_privs and seccomp filter, its
 * rlimits and OOM score — and then the command, as that container's process was run. Nothing of
 * the container's setup (mounts, hostname, network) is repeated: it is all in the namespaces.
 */
public final class ExecPlanner {
    /** What the exec command line asks for; null keeps the container's. */
    public record Options(List<String> args, Map<String, String> env, Long uid, Long gid, String cwd, boolean terminal) {}

    private ExecPlanner() {}

    public static Plan compile(String name, int pid, long startTime, List<Step> container, Options o) throws PlanException {
        Step.Exec exec = find(container, Step.Exec.class);
        Step.CreateNamespaces created = find(container, Step.CreateNamespaces.class);
        Location at = exec == null ? new Location("jrun exec", 1, 1) : exec.at();
        if (exec == null || created == null) throw new PlanException(at, "container " + name + "'s plan has no process to join");
        if (o.args().isEmpty()) throw new PlanException(at, "name the command to run in " + name + " after --");
        Set<Namespace> ns = EnumSet.copyOf(created.namespaces().isEmpty() ? EnumSet.noneOf(Namespace.class) : created.namespaces());

        List<Step> steps = new ArrayList<>();
        steps.add(new Step.OpenContainer(name, pid, startTime, at));
        steps.add(new Step.CreateNamespaces(EnumSet.noneOf(Namespace.class), at)); // a plain fork: it joins, creates none
        steps.add(new Step.ParentDeathSignal(Linux.SIGKILL, at));
        for (Step s : container) if (s instanceof Step.SetRlimits || s instanceof Step.OomScoreAdj) steps.add(s);
        steps.add(new Step.AwaitParent(at));
        Set<Namespace> joined = EnumSet.noneOf(Namespace.class);
        Step.JoinNamespaces outside = find(container, Step.JoinNamespaces.class);
        if (outside != null) for (Step.Join j : outside.joins()) joined.add(j.type());
        steps.add(new Step.JoinContainer(ns, joined, at));
        Step.SetUser user = find(container, Step.SetUser.class);
        Step.WriteIdMaps maps = find(container, Step.WriteIdMaps.class);
        for (Step s : container) {
            if (s instanceof Step.SetUmask || s instanceof Step.DropBoundingSet || s instanceof Step.SetCapabilities
                    || s instanceof Step.NoNewPrivileges || s instanceof Step.LoadSeccomp) {
                if (s instanceof Step.SetCapabilities && user != null) steps.add(user(name, user, maps, o, at));
                steps.add(s);
            } else if (s instanceof Step.Chdir c) {
                steps.add(new Step.ParentDeathSignal(Linux.SIGKILL, at)); // the credential change cleared it
                steps.add(o.cwd() == null ? c : new Step.Chdir(o.cwd(), at));
            }
        }
        if (ns.contains(Namespace.PID)) steps.add(new Step.StartInit(at)); // setns(PID) moves only the children
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : exec.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        env.putAll(o.env());
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        steps.add(new Step.Exec(o.args(), envList, SearchPath.candidates(o.args().get(0), env.get("PATH")), o.terminal(), false, at));
        steps.add(new Step.Supervise(Planner.FORWARDED_SIGNALS, ns.contains(Namespace.PID), at));
        return new Plan(null, List.copyOf(steps));
    }

    /** The container's credentials, or -u's, which must be mapped in its user namespace. */
    private static Step.SetUser user(String name, Step.SetUser theirs, Step.WriteIdMaps maps, Options o, Location at)
            throws PlanException {
        if (o.uid() == null) return theirs;
        long uid = o.uid();
        long gid = o.gid() != null ? o.gid() : uid;
        if (maps != null) {
            if (!mapped(maps.uid(), uid)) {
                throw new PlanException(at, "user " + uid + " is not mapped in container " + name + "'s user namespace (uid_map "
                        + maps.uid() + "): pass -u with a mapped uid");
            }
            if (!mapped(maps.gid(), gid)) {
                throw new PlanException(at, "group " + gid + " is not mapped in container " + name + "'s user namespace (gid_map "
                        + maps.gid() + "): pass -u UID:GID with a mapped gid");
            }
        }
        return new Step.SetUser(uid, gid, List.of(), theirs.setgroups(), at);
    }

    private static boolean mapped(List<Step.IdMapLine> lines, long id) {
        for (Step.IdMapLine l : lines) if (id >= l.container() && id < l.container() + l.size()) return true;
        return false;
    }

    private static <T extends Step> T find(List<Step> steps, Class<T> type) {
        for (Step s : steps) if (type.isInstance(s)) return type.cast(s);
        return null;
    }
}
