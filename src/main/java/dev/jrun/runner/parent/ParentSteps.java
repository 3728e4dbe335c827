package dev.jrun.runner.parent;

import dev.jrun.net.Cidr;
import dev.jrun.net.Ipv4;
import dev.jrun.net.Leases;
import dev.jrun.net.Links;
import dev.jrun.net.Nat;
import dev.jrun.net.NetworkException;
import dev.jrun.net.PortProxy;
import dev.jrun.net.Slirp;
import dev.jrun.ExitCodes;
import dev.jrun.host.HostInfo;
import dev.jrun.runner.child.HelperProgram;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.Linux;
import java.nio.file.Path;
import java.util.ArrayList;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.runner.RunnerException;
import dev.jrun.security.Rlimits;
import dev.jrun.sys.Errno;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.NetlinkException;
import dev.jrun.sys.SyscallException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The parent's own steps, in the phases the plan puts them in:
 *
 * <ul>
 *   <li>before the clone ({@link #beforeClone}): the address lease and the published ports, for
 *       the whole run (retries included), undone by {@link Run#close};
 *   <li>between the clone and SYNC_GO ({@link #afterClone}), on the new child's pid while it
 *       waits ({@code Step.AwaitParent}): id maps, rlimits, the OOM score, the bridge's veth or the
 *       slirp helper, undone by {@link Attempt#close} when that child is gone.
 * </ul>
 *
 * The supervisor's own steps (the private dir, the clone, {@code Supervise}) are not done here.
 */
public final class ParentSteps implements Step.ParentVisitor<Void> {
    /** Something to undo, newest first. */
    interface Undo {
        void undo() throws Exception;
    }

    /** What the run's parent steps hold: the container's address, the port proxy, what to undo when the run ends. */
    public static final class Run implements AutoCloseable {
        private final Deque<Undo> undo = new ArrayDeque<>();
        private Ipv4 address;
        private Leases.Lease lease;
        private PortProxy proxy;
        private boolean forwarding;
        private final List<int[]> joinedNs = new ArrayList<>();
        private int joinPidfd = -1;
        private int joinRootFd = -1;

        /** JoinNamespaces: {CLONE_NEW* type, fd} of each namespace the clone is born in. */
        public List<int[]> joinedNamespaces() {
            return joinedNs;
        }

        /** jrun exec: the container's pidfd and root fd (OpenContainer), -1 otherwise. */
        public int joinPidfd() {
            return joinPidfd;
        }

        public int joinRootFd() {
            return joinRootFd;
        }

        /** A detached run's process has started: its init holds the lease from now on (Leases.Lease#handTo). */
        public void detachedStarted(int pid) {
            if (lease == null) return;
            try {
                lease.handTo(pid);
            } catch (NetworkException e) {
                System.err.println("jrun: " + e.getMessage()); // the run goes on; the lease stays the supervisor's
            }
        }

        /** The container's address (leased, or slirp's), for the generated /etc/hosts; null without one. */
        public String address() {
            return address == null ? null : address.toString();
        }

        @Override
        public void close() {
            undoAll(undo);
        }
    }

    /** What one attempt's parent steps made, undone when its child is gone. */
    public static final class Attempt implements AutoCloseable {
        private final Deque<Undo> undo = new ArrayDeque<>();

        @Override
        public void close() {
            undoAll(undo);
        }
    }

    private static void undoAll(Deque<Undo> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().undo();
            } catch (Exception e) {
                // undo is best-effort and goes on: one failure must not leave the rest behind
                System.err.println("jrun: cleaning up: " + e.getMessage());
            }
        }
    }

    private enum Phase { BEFORE_CLONE, AFTER_CLONE }

    private final HostSyscalls host;
    private final Plan plan;
    private final Phase phase;
    private final Run run;
    private final Attempt attempt;
    private final int pid;
    /** The run's private dir (slirp4netns's API socket); null before the clone or without one. */
    private final Path privateDir;
    private int index;
    private RunnerException failure;

    private ParentSteps(HostSyscalls host, Plan plan, Phase phase, Run run, Attempt attempt, int pid, Path privateDir) {
        this.privateDir = privateDir;
        this.host = host;
        this.plan = plan;
        this.phase = phase;
        this.run = run;
        this.attempt = attempt;
        this.pid = pid;
    }

    /** The parent steps before CreateNamespaces (but the private dir, the supervisor's). */
    public static Run beforeClone(HostSyscalls host, Plan plan) throws RunnerException {
        Run run = new Run();
        try {
            walk(new ParentSteps(host, plan, Phase.BEFORE_CLONE, run, null, -1, null), plan, false);
            return run;
        } catch (RunnerException | RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /** The parent steps the plan puts between CreateNamespaces and AwaitParent, on the new child {@code pid}. */
    public static void afterClone(HostSyscalls host, Plan plan, int pid, Path privateDir, Run run, Attempt attempt)
            throws RunnerException {
        walk(new ParentSteps(host, plan, Phase.AFTER_CLONE, run, attempt, pid, privateDir), plan, true);
    }

    private static void walk(ParentSteps p, Plan plan, boolean afterClone) throws RunnerException {
        List<Step> steps = plan.steps();
        boolean cloned = false;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s instanceof Step.CreateNamespaces) {
                if (!afterClone) return;
                cloned = true;
            } else if (s instanceof Step.AwaitParent) {
                return;
            } else if (cloned == afterClone && s instanceof Step.ParentStep ps && !(s instanceof Step.PrivateDir)) {
                p.index = i;
                ps.accept(p);
                if (p.failure != null) throw p.failure;
            }
        }
    }

    private void in(Phase wanted, Step s) {
        if (phase != wanted) throw new IllegalStateException("a plan with " + s + " in the wrong place");
    }

    private Void fail(String what, int errno, String hint) {
        failure = new RunnerException(plan, index, what, errno, hint);
        return null;
    }

    // --- Before the clone --------------------------------------------------------------------

    @Override
    public Void leaseAddress(Step.LeaseAddress s) {
        in(Phase.BEFORE_CLONE, s);
        Cidr subnet = Cidr.parse(s.subnet());
        Leases.Hooks nat = Nat.hooks(s.bridge(), subnet, s.nat());
        try {
            Leases.Lease lease = Leases.acquire(s.bridge(), subnet, s.pinned() == null ? null : Ipv4.parse(s.pinned()), nat);
            run.address = lease.address();
            run.lease = lease;
            run.undo.push(lease::close);
        } catch (NetworkException e) {
            return fail(e.getMessage(), 0, null);
        }
        return null;
    }

    @Override
    public Void publishPorts(Step.PublishPorts s) {
        in(Phase.BEFORE_CLONE, s);
        try {
            if (s.proxy()) {
                run.proxy = PortProxy.bind(s.ports());
                run.undo.push(run.proxy::close);
            } else {
                PortProxy.check(s.ports());
            }
        } catch (NetworkException e) {
            return fail(e.getMessage(), 0, null);
        }
        return null;
    }

    @Override
    public Void joinNamespaces(Step.JoinNamespaces s) {
        in(Phase.BEFORE_CLONE, s);
        for (Step.Join j : s.joins()) {
            try {
                int fd = host.open(j.path(), Linux.O_RDONLY);
                run.undo.push(() -> host.close(fd));
                run.joinedNs.add(new int[] {j.type().cloneFlag, fd});
            } catch (SyscallException e) {
                return fail("open the " + j.type().specName() + " namespace file " + j.path(), e.errno, null);
            }
        }
        return null;
    }

    @Override
    public Void openContainer(Step.OpenContainer s) {
        in(Phase.BEFORE_CLONE, s);
        int pidfd;
        try {
            pidfd = host.pidfdOpen(s.pid());
        } catch (SyscallException e) {
            return fail("pidfd_open " + s.pid() + " (container " + s.name() + ")", e.errno, null);
        }
        run.undo.push(() -> host.close(pidfd));
        dev.jrun.sys.ProcStat p = host.stat(s.pid());
        if (p == null || p.startTime() != s.startTime() || p.zombie()) {
            return fail("container " + s.name() + " is not running (its init, pid " + s.pid() + ", has exited)", 0, null);
        }
        try {
            int root = host.open("/proc/" + s.pid() + "/root", Linux.O_PATH | Linux.O_DIRECTORY);
            run.undo.push(() -> host.close(root));
            run.joinPidfd = pidfd;
            run.joinRootFd = root;
        } catch (SyscallException e) {
            return fail("open /proc/" + s.pid() + "/root (container " + s.name() + ")", e.errno,
                    e.errno == Errno.EACCES ? "jrun exec must run as the user who started the container" : null);
        }
        return null;
    }

    // --- Between the clone and SYNC_GO -------------------------------------------------------

    @Override
    public Void writeIdMaps(Step.WriteIdMaps m) {
        in(Phase.AFTER_CLONE, m);
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
        in(Phase.AFTER_CLONE, s);
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
                return fail("prlimit " + Rlimits.name(l.resource()) + " " + Rlimits.value(l.soft()) + "/" + Rlimits.value(l.hard()),
                        e.errno, hint);
            }
        }
        return null;
    }

    @Override
    public Void oomScoreAdj(Step.OomScoreAdj s) {
        in(Phase.AFTER_CLONE, s);
        try {
            host.writeFile("/proc/" + pid + "/oom_score_adj", Integer.toString(s.value()));
        } catch (SyscallException e) {
            return fail("write /proc/PID/oom_score_adj " + s.value(), e.errno, null);
        }
        return null;
    }

    /**
     * rtnetlink, as `ip` would: the bridge, a veth whose container end is born as eth0 in the
     * child's namespace (so no eth0 ever exists on the host side), the host end on the bridge, and
     * the container's address, links and default route set from inside its namespace. The host
     * end is named after the address, which the lease makes unique on this bridge.
     */
    @Override
    public Void bridgeNetwork(Step.BridgeNetwork s) {
        in(Phase.AFTER_CLONE, s);
        Cidr subnet = Cidr.parse(s.subnet());
        Ipv4 gateway = Leases.gateway(subnet);
        String veth = Links.vethName(s.bridge() + "/" + run.address);
        try (Links links = Links.open()) {
            links.ensureBridge(s.bridge(), new Cidr(gateway, subnet.prefix()));
            links.createVeth(veth, dev.jrun.net.RtNetlink.NetnsRef.pid(pid), "eth0");
            attempt.undo.push(() -> {
                try (Links l = Links.open()) {
                    l.deleteLink(veth); // the container's end goes with its namespace; this one may not have yet
                }
            });
            links.attach(veth, s.bridge());
            Links.configureInNetns("/proc/" + pid + "/ns/net", "eth0", new Cidr(run.address, subnet.prefix()), gateway);
        } catch (NetlinkException e) {
            return fail(e.operation, e.errno, e.detail); // the kernel's own reason (extack) as the hint
        } catch (SyscallException e) {
            return fail(e.what, e.errno, null);
        }
        if (run.proxy != null && !run.forwarding) {
            run.proxy.start(run.address);
            run.forwarding = true;
        }
        return null;
    }

    /**
     * The slirp helper against the child's namespaces, forked so that it dies with jrun, and
     * waited for until it says the namespace is configured (or exits, with its stderr as the
     * reason). slirp4netns takes the published ports over its API socket after that.
     */
    @Override
    public Void slirpNetwork(Step.SlirpNetwork s) {
        in(Phase.AFTER_CLONE, s);
        boolean userns = false;
        for (Step x : plan.steps()) if (x instanceof Step.CreateNamespaces c) userns = c.namespaces().contains(Namespace.USER);
        List<Integer> opened = new ArrayList<>();
        try {
            Slirp.Command cmd = Slirp.command(s.ports(), HostInfo.effectiveUid() == 0, userns, privateDir != null);
            int devNull = open(opened, host.open("/dev/null", Linux.O_RDWR));
            int stderr = open(opened, host.memfd(cmd.kind().program + "-stderr"));
            int netns = open(opened, host.open("/proc/" + pid + "/ns/net", Linux.O_RDONLY));
            int[] ready = host.pipe();
            opened.add(ready[0]);
            opened.add(ready[1]);
            List<HelperProgram.Fd> fds = new ArrayList<>(List.of(new HelperProgram.Fd(0, devNull), new HelperProgram.Fd(1, devNull),
                    new HelperProgram.Fd(2, stderr), new HelperProgram.Fd(Slirp.NETNS_FD, netns),
                    new HelperProgram.Fd(Slirp.READY_FD, ready[1])));
            if (userns) fds.add(new HelperProgram.Fd(Slirp.USERNS_FD, open(opened, host.open("/proc/" + pid + "/ns/user", Linux.O_RDONLY))));
            int apiDir = -1;
            if (cmd.apiSocket() != null) {
                apiDir = open(opened, host.open(privateDir.toString(), Linux.O_PATH | Linux.O_DIRECTORY));
                fds.add(new HelperProgram.Fd(Slirp.API_DIR_FD, apiDir));
            }
            HelperProcess helper = HelperProcess.start(host, cmd.path(), cmd.argv(), fds);
            attempt.undo.push(helper::close);
            host.close(ready[1]); // the helper's copy is the only one left: EOF means it is gone
            opened.remove((Integer) ready[1]);
            if (!host.pollIn(ready[0], HELPER_READY_MILLIS)) {
                return fail(cmd.kind().program + " did not configure the container's network within "
                        + HELPER_READY_MILLIS / 1000 + " s", 0, null);
            }
            if (host.read(ready[0], 64).length == 0) {
                int status = helper.exitStatus();
                String said = helperStderr(stderr);
                return fail(cmd.kind().program + " failed (" + describeStatus(status) + ")"
                        + (said.isEmpty() ? "" : ": " + said), 0, null);
            }
            if (cmd.apiSocket() != null) {
                for (dev.jrun.net.Port p : s.ports()) Slirp.forward(Slirp.apiSocketIn(apiDir), p);
            }
        } catch (NetworkException e) {
            return fail(e.getMessage(), 0, null);
        } catch (SyscallException e) {
            return fail(e.what, e.errno, null);
        } finally {
            for (int fd : opened) host.close(fd);
        }
        return null;
    }

    static final long HELPER_READY_MILLIS = 10_000;

    private static int open(List<Integer> opened, int fd) {
        opened.add(fd);
        return fd;
    }

    /** What the helper wrote to its stderr (a memfd), its last lines, trimmed. */
    private static String helperStderr(int memfd) {
        try {
            String text = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/fd/" + memfd)).trim();
            text = text.replace("\n", "; ");
            return text.length() > 400 ? "..." + text.substring(text.length() - 400) : text;
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    private static String describeStatus(int status) {
        int code = ExitCodes.ofWaitStatus(status);
        return code > 128 ? "killed by signal " + (code - 128) : "exit status " + code;
    }

    // The supervisor's own steps are not walked here.
    @Override
    public Void privateDir(Step.PrivateDir s) {
        throw new IllegalStateException("the private dir is the supervisor's");
    }

    @Override
    public Void createNamespaces(Step.CreateNamespaces s) {
        throw new IllegalStateException("the clone is the supervisor's");
    }

    @Override
    public Void supervise(Step.Supervise s) {
        throw new IllegalStateException("a plan with " + s + " before the child's go");
    }
}
