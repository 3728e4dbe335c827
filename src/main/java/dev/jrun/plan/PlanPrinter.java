package dev.jrun.plan;

import dev.jrun.net.Port;
import dev.jrun.security.Capabilities;
import dev.jrun.security.Rlimits;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.Signals;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code jrun plan}: the steps as numbered text for people, or JSON for machines. */
public final class PlanPrinter {
    private PlanPrinter() {}

    /** How one step prints: a short kind, the operation with its operands, its operands as JSON fields. */
    public record Printed(String kind, String description, Map<String, Object> fields, List<String> more) {}

    public static Printed print(Step s) {
        return s.accept(PRINTER);
    }

    /** A short kind name of a step. */
    public static String kind(Step s) {
        return print(s).kind();
    }

    /** The operation and its operands, as the runner will perform it. */
    public static String describe(Step s) {
        return print(s).description();
    }

    private static final Step.Visitor<Printed> PRINTER = new Step.Visitor<>() {
        @Override
        public Printed privateDir(Step.PrivateDir x) {
            return p("private-dir", "create a 0700 directory jrun-XXXX under $TMPDIR for the root's mount points and conf files"
                    + (x.owner() >= 0 ? ", owned by host uid " + x.owner() + " (container root)" : "")
                    + "; removed when the run ends", "owner", x.owner());
        }

        @Override
        public Printed createNamespaces(Step.CreateNamespaces x) {
            String flags = x.namespaces().stream().map(n -> "CLONE_NEW" + (n == Namespace.MOUNT ? "NS" : n.name()))
                    .collect(Collectors.joining("|"));
            return p("namespaces", "clone " + (flags.isEmpty() ? "" : flags + "|") + "SIGCHLD (a child stuck before exec is killed and cloned again)",
                    "namespaces", x.namespaces().stream().map(Namespace::specName).toList());
        }

        @Override
        public Printed joinNamespaces(Step.JoinNamespaces x) {
            String what = x.joins().stream().map(j -> j.type().specName() + " " + j.path()).collect(Collectors.joining(", "));
            return p("join-ns", "open " + what + "; the clone is born in them (setns of the cloning thread, then back), so"
                    + " they are not created", "joins", x.joins().stream().map(j -> j.type().specName() + "=" + j.path()).toList());
        }

        @Override
        public Printed closeInheritedFds(Step.CloseInheritedFds x) {
            return p("close-fds", "close_range every fd but the sync and status pipes (and a terminal): the JVM's files are not the container's");
        }

        @Override
        public Printed parentDeathSignal(Step.ParentDeathSignal x) {
            if (x.signal() == 0) {
                return p("death-signal", "prctl PR_SET_PDEATHSIG 0: a detached container outlives whatever supervises it", "signal", "none");
            }
            return p("death-signal", "prctl PR_SET_PDEATHSIG " + Signals.name(x.signal()) + ": the container dies with jrun",
                    "signal", Signals.name(x.signal()));
        }

        @Override
        public Printed writeIdMaps(Step.WriteIdMaps x) {
            return p("id-maps", (x.denySetgroups() ? "setgroups deny; " : "") + "uid_map " + lines(x.uid()) + "; gid_map " + lines(x.gid()),
                    "uidMap", x.uid().stream().map(Step.IdMapLine::toString).toList(),
                    "gidMap", x.gid().stream().map(Step.IdMapLine::toString).toList(),
                    "denySetgroups", x.denySetgroups());
        }

        @Override
        public Printed setRlimits(Step.SetRlimits x) {
            String d = x.limits().stream().map(l -> Rlimits.name(l.resource()) + " " + Rlimits.value(l.soft()) + "/" + Rlimits.value(l.hard()))
                    .collect(Collectors.joining(", "));
            return p("rlimits", "prlimit on the child: " + d + " (soft/hard)", "limits",
                    x.limits().stream().map(l -> Map.of("name", Rlimits.name(l.resource()), "soft", l.soft(), "hard", l.hard())).toList());
        }

        @Override
        public Printed oomScoreAdj(Step.OomScoreAdj x) {
            return p("oom-score", "write /proc/PID/oom_score_adj " + x.value(), "value", x.value());
        }

        @Override
        public Printed leaseAddress(Step.LeaseAddress x) {
            return p("lease", (x.pinned() == null ? "lease the lowest free address" : "lease " + x.pinned()) + " of " + x.subnet()
                    + " on bridge " + x.bridge() + " (/run/jrun/net/, per network namespace); released when the run ends"
                    + (x.nat() ? "; the first lease adds the masquerade rule for " + x.subnet() + ", the last release removes it" : ""),
                    "bridge", x.bridge(), "subnet", x.subnet(), "address", x.pinned(), "nat", x.nat());
        }

        @Override
        public Printed publishPorts(Step.PublishPorts x) {
            String ports = x.ports().stream().map(Port::toString).collect(Collectors.joining(" "));
            return p("ports", (x.proxy() ? "listen on " + ports + " and forward to the container's address (jrun's proxy)"
                    : "check " + ports + " are free; the slirp helper forwards them"), "ports",
                    x.ports().stream().map(Port::toString).toList(), "proxy", x.proxy());
        }

        @Override
        public Printed bridgeNetwork(Step.BridgeNetwork x) {
            return p("bridge", "bridge " + x.bridge() + " with the gateway address of " + x.subnet() + " (made on first use); veth jrXXXXXXXX"
                    + " on it, its peer born as eth0 in the container: the leased address, lo and eth0 up, default route via the gateway",
                    "bridge", x.bridge(), "subnet", x.subnet());
        }

        @Override
        public Printed slirpNetwork(Step.SlirpNetwork x) {
            String ports = x.ports().isEmpty() ? "" : "; forwards " + x.ports().stream().map(Port::toString).collect(Collectors.joining(" "));
            return p("slirp", "pasta (else slirp4netns) on the container's network namespace: tap with 10.0.2.100/24, gateway 10.0.2.2"
                    + " (the host's loopback), DNS 10.0.2.3" + ports + (x.reason() == null ? "" : " (" + x.reason() + ")"),
                    "ports", x.ports().stream().map(Port::toString).toList(), "reason", x.reason());
        }

        @Override
        public Printed awaitParent(Step.AwaitParent x) {
            return p("sync", "wait for the parent's SYNC_GO (EOF: the parent gave up, exit quietly)");
        }

        @Override
        public Printed becomeNamespaceRoot(Step.BecomeNamespaceRoot x) {
            List<String> ops = new ArrayList<>();
            if (x.gid()) ops.add("setresgid 0");
            if (x.uid()) ops.add("setresuid 0");
            return p("ns-root", String.join(", ", ops) + " (root of the new user namespace)", "gid", x.gid(), "uid", x.uid());
        }

        @Override
        public Printed setPropagation(Step.SetPropagation x) {
            return p("propagation", "mount none on / flags " + MountFlags.describe(x.flags()), "flags", MountFlags.describe(x.flags()));
        }

        @Override
        public Printed overlayRoot(Step.OverlayRoot x) {
            return p("rootfs", "tmpfs on PRIVATE/layer (mkdir upper, work); overlay lowerdir=" + x.lower()
                    + ",upperdir=PRIVATE/layer/upper,workdir=PRIVATE/layer/work on PRIVATE/root: the rootfs stays untouched",
                    "lower", x.lower());
        }

        @Override
        public Printed bindRootfs(Step.BindRootfs x) {
            return p("rootfs", "bind " + x.source() + " onto itself (MS_BIND|MS_REC), writable", "source", x.source());
        }

        @Override
        public Printed hostRoot(Step.HostRoot x) {
            return p("host-root", "tmpfs on PRIVATE/root (mode=755) with an empty /tmp; the host's system directories follow");
        }

        @Override
        public Printed resolveInRoot(Step.ResolveInRoot x) {
            return p("resolve-root", x.openat2()
                    ? "open the new root as an O_PATH fd; every later mount point is resolved below it with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS) and mounted through its fd; bind sources are opened with RESOLVE_NO_SYMLINKS"
                    : "this kernel has no openat2 (Linux 5.6+): mount points are resolved by jrun before the clone, and a rootfs owner racing the run could still redirect one",
                    "openat2", x.openat2());
        }

        @Override
        public Printed copyUp(Step.CopyUp x) {
            return p("copy-up", "overlay of " + x.dir() + " over a private tmpfs (PRIVATE/copyup-N), so mount points can be made in it"
                    + " (it belongs to a user outside the user namespace)", "dir", x.dir());
        }

        @Override
        public Printed recursiveReadonly(Step.RecursiveReadonly x) {
            return p("readonly", "mount_setattr " + x.target() + " AT_RECURSIVE MOUNT_ATTR_RDONLY: its submounts are read-only too",
                    "target", x.target());
        }

        @Override
        public Printed maskPaths(Step.MaskPaths x) {
            return p("masked-paths", x.paths().isEmpty() ? "none" : "/dev/null over files, an empty read-only tmpfs over directories: "
                    + String.join(" ", x.paths()), "paths", x.paths());
        }

        @Override
        public Printed readonlyPaths(Step.ReadonlyPaths x) {
            return p("readonly-paths", x.paths().isEmpty() ? "none" : "bind onto itself, read-only" + (x.recursive() ? " with submounts (mount_setattr)" : "")
                    + ": " + String.join(" ", x.paths()), "paths", x.paths(), "recursive", x.recursive());
        }

        @Override
        public Printed setUmask(Step.SetUmask x) {
            return p("umask", String.format("umask %04o", x.mask()), "umask", String.format("%04o", x.mask()));
        }

        @Override
        public Printed noNewPrivileges(Step.NoNewPrivileges x) {
            return p("no-new-privs", "prctl PR_SET_NO_NEW_PRIVS 1: no exec may raise privileges (setuid, file capabilities)");
        }

        @Override
        public Printed loadSeccomp(Step.LoadSeccomp x) {
            return p("seccomp", "seccomp SECCOMP_SET_MODE_FILTER: " + x.description(), "description", x.description(),
                    "instructions", x.instructions());
        }

        @Override
        public Printed mount(Step.Mount m) {
            StringBuilder sb = new StringBuilder();
            sb.append(m.source()).append(" on ").append(m.target());
            if (m.fstype() != null) sb.append(" type ").append(m.fstype());
            sb.append(" flags ").append(MountFlags.describe(m.flags()));
            if (m.data() != null) sb.append(" data ").append(m.data());
            if (!m.dir()) sb.append(" (file)");
            String kind = switch (m.purpose()) {
                case DEVICE -> "device";
                case CONF_FILE -> "conf-file";
                case VOLUME -> "volume";
                case HOST_DIR -> "host-dir";
                case INIT -> "init-binary";
                default -> "mount";
            };
            return p(kind, sb.toString(), "source", m.source(), "target", m.target(), "fstype", m.fstype(),
                    "flags", MountFlags.describe(m.flags()), "data", m.data(), "file", !m.dir());
        }

        @Override
        public Printed symlink(Step.Symlink x) {
            return p("symlink", x.linkpath() + " -> " + x.target(), "target", x.target(), "linkpath", x.linkpath());
        }

        @Override
        public Printed confFile(Step.ConfFile x) {
            return p("conf-file", "generate " + x.target() + " (" + x.content().length() + " bytes), bind read-only",
                    "target", x.target(), "content", x.content());
        }

        @Override
        public Printed enterRoot(Step.EnterRoot x) {
            return p(x.pivot() ? "pivot-root" : "chroot",
                    x.pivot() ? "pivot_root into the new root, detach the old root"
                            : "move the new root over / (MS_MOVE), chroot into it: a nested chroot's escape lands back in it", "pivot", x.pivot());
        }

        @Override
        public Printed remountRootReadonly(Step.RemountRootReadonly x) {
            return p("readonly-root", "remount / MS_BIND|MS_REMOUNT|MS_RDONLY");
        }

        @Override
        public Printed setHostname(Step.SetHostname x) {
            return p("hostname", "sethostname " + x.hostname(), "hostname", x.hostname());
        }

        @Override
        public Printed setDomainname(Step.SetDomainname x) {
            return p("domainname", "setdomainname " + x.domainname(), "domainname", x.domainname());
        }

        @Override
        public Printed loopbackUp(Step.LoopbackUp x) {
            return p("loopback", "bring lo up");
        }

        @Override
        public Printed dropBoundingSet(Step.DropBoundingSet x) {
            return p("bounding-set", "keep " + Capabilities.describe(x.keep()) + "; drop every other of 0.." + x.lastCap(),
                    "keep", Capabilities.names(x.keep()));
        }

        @Override
        public Printed setCapabilities(Step.SetCapabilities x) {
            String d = x.effective() == x.permitted()
                    ? "capset effective, permitted: " + Capabilities.describe(x.effective())
                    : "capset effective: " + Capabilities.describe(x.effective()) + "; permitted: " + Capabilities.describe(x.permitted());
            return p("capabilities", d + "; inheritable: " + Capabilities.describe(x.inheritable()),
                    "effective", Capabilities.names(x.effective()), "permitted", Capabilities.names(x.permitted()),
                    "inheritable", Capabilities.names(x.inheritable()));
        }

        @Override
        public Printed setUser(Step.SetUser x) {
            String groups = x.additionalGids().stream().map(String::valueOf).collect(Collectors.joining(","));
            return p("user", (x.setgroups() ? "setgroups [" + groups + "], " : "") + "setresgid " + x.gid() + ", setresuid " + x.uid()
                            + " (keeping the permitted capabilities)",
                    "uid", x.uid(), "gid", x.gid(), "additionalGids", x.additionalGids(), "setgroups", x.setgroups());
        }

        @Override
        public Printed chdir(Step.Chdir x) {
            return p("chdir", "chdir " + x.cwd(), "cwd", x.cwd());
        }

        @Override
        public Printed startInit(Step.StartInit x) {
            return p("init", "fork: the child stays as PID 1 (closes every fd, becomes non-dumpable, reaps zombies, forwards "
                    + "SIGINT SIGTERM SIGHUP SIGQUIT SIGUSR1 SIGUSR2, exits with the process's status); its child execs the process");
        }

        @Override
        public Printed exec(Step.Exec x) {
            String d = "execve " + x.args().stream().map(PlanPrinter::shellQuote).collect(Collectors.joining(" "))
                    + (x.terminal() ? " (terminal)" : "");
            if (x.candidates().size() > 1 || !x.candidates().get(0).equals(x.args().get(0))) {
                d += " trying " + String.join(" ", x.candidates());
            }
            List<String> more = x.env().isEmpty() ? List.of()
                    : List.of("env " + x.env().stream().map(PlanPrinter::shellQuote).collect(Collectors.joining(" ")));
            Map<String, Object> f = fields("args", x.args(), "env", x.env(), "candidates", x.candidates(), "terminal", x.terminal(),
                    "detached", x.detached());
            return new Printed("exec", d + "; signals reset, fds >= 3 closed on exec"
                    + (x.detached() ? "; stdin /dev/null, stdout and stderr to the container's log" : ""), f, more);
        }

        @Override
        public Printed checkExecutable(Step.CheckExecutable x) {
            return p("check-exec", "faccessat X_OK " + String.join(" ", x.candidates()) + " as execvp would: the init execs the process,"
                    + " so jrun reports a missing program itself", "candidates", x.candidates());
        }

        @Override
        public Printed supervise(Step.Supervise x) {
            String sigs = x.signals().stream().map(Signals::name).collect(Collectors.joining(" "));
            String d = x.signals().isEmpty()
                    ? "wait for the " + (x.init() ? "init" : "process") + " and record its status (detached: no signal of jrun's is its)"
                    : "forward " + sigs + " to the " + (x.init() ? "init" : "process") + ", wait, exit with its status (128+N for signal N)";
            return p("supervise", d, "signals", x.signals().stream().map(Signals::name).toList(), "init", x.init());
        }

        @Override
        public Printed openContainer(Step.OpenContainer x) {
            return p("open-container", "pidfd_open " + x.pid() + " (container " + x.name() + ", checked: started at " + x.startTime()
                    + "), open /proc/" + x.pid() + "/root", "name", x.name(), "pid", x.pid(), "startTime", x.startTime());
        }

        @Override
        public Printed joinContainer(Step.JoinContainer x) {
            String flags = x.namespaces().stream().map(n -> "CLONE_NEW" + (n == Namespace.MOUNT ? "NS" : n.name()))
                    .collect(Collectors.joining("|"));
            String first = x.joinedFirst().stream().map(n -> "CLONE_NEW" + (n == Namespace.MOUNT ? "NS" : n.name()))
                    .collect(Collectors.joining("|"));
            return p("join", (first.isEmpty() ? "" : "setns(pidfd, " + first + "): the namespaces it joined from outside, first; ")
                    + "setns(pidfd, " + flags + "): the container's namespaces, user first and mount last; then its root"
                    + " (fchdir, chroot .)", "namespaces", x.namespaces().stream().map(Namespace::specName).toList(),
                    "joinedFirst", x.joinedFirst().stream().map(Namespace::specName).toList());
        }
    };

    private static Printed p(String kind, String description, Object... kv) {
        return new Printed(kind, description, fields(kv), List.of());
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> o = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) o.put((String) kv[i], kv[i + 1]);
        return o;
    }

    private static String lines(List<Step.IdMapLine> l) {
        return l.stream().map(Step.IdMapLine::toString).collect(Collectors.joining(", "));
    }

    /** As a shell would need it; control characters as bash's $'...' so a step stays on one line. */
    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) return s;
        if (s.chars().anyMatch(c -> c < 0x20)) {
            StringBuilder sb = new StringBuilder("$'");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\'', '\\' -> sb.append('\\').append(c);
                    default -> {
                        if (c < 0x20) sb.append(String.format("\\x%02x", (int) c));
                        else sb.append(c);
                    }
                }
            }
            return sb.append('\'').toString();
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public static String text(Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("plan for ").append(plan.spec().file()).append(" (").append(plan.steps().size()).append(" steps;")
                .append(" PRIVATE is the private-dir)\n");
        int width = String.valueOf(plan.steps().size()).length();
        String indent = " ".repeat(width + 24);
        int n = 1;
        for (Step s : plan.steps()) {
            Printed p = print(s);
            sb.append(String.format("%" + width + "d. %-6s %-14s %s%n", n++, s.actor().word(), p.kind(), p.description()));
            for (String line : p.more()) sb.append(indent).append(line).append('\n');
            sb.append(indent).append("from ").append(s.at()).append(s.at().line() == 0 ? " (default)" : "").append('\n');
        }
        return sb.toString();
    }

    public static String json(Plan plan) {
        List<Object> steps = new ArrayList<>();
        int n = 1;
        for (Step s : plan.steps()) {
            Printed p = print(s);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("step", n++);
            o.put("actor", s.actor().word());
            o.put("kind", p.kind());
            o.put("description", p.description());
            o.putAll(p.fields());
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("file", s.at().file());
            at.put("line", s.at().line());
            at.put("column", s.at().col());
            o.put("from", at);
            steps.add(o);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("spec", plan.spec().file().toString());
        root.put("name", plan.spec().name());
        root.put("steps", steps);
        return Json.write(root) + "\n";
    }
}
