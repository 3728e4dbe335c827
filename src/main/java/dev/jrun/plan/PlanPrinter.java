package dev.jrun.plan;

import dev.jrun.spec.Namespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code jrun plan}: the steps as numbered text for people, or JSON for machines. */
public final class PlanPrinter {
    private PlanPrinter() {}

    /** A short kind name of a step. */
    public static String kind(Step s) {
        if (s instanceof Step.CreateNamespaces) return "namespaces";
        if (s instanceof Step.WriteIdMaps) return "id-maps";
        if (s instanceof Step.SetPropagation) return "propagation";
        if (s instanceof Step.BindRootfs) return "rootfs";
        if (s instanceof Step.HostRoot) return "host-root";
        if (s instanceof Step.Mount x) {
            switch (x.purpose()) {
                case DEVICE: return "device";
                case CONF_FILE: return "conf-file";
                case VOLUME: return "volume";
                default: return "mount";
            }
        }
        if (s instanceof Step.Symlink) return "symlink";
        if (s instanceof Step.ConfFile) return "conf-file";
        if (s instanceof Step.EnterRoot x) return x.pivot() ? "pivot-root" : "chroot";
        if (s instanceof Step.RemountRootReadonly) return "readonly-root";
        if (s instanceof Step.SetHostname) return "hostname";
        if (s instanceof Step.SetDomainname) return "domainname";
        if (s instanceof Step.LoopbackUp) return "loopback";
        if (s instanceof Step.StartInit) return "init";
        if (s instanceof Step.SetUser) return "user";
        if (s instanceof Step.Chdir) return "chdir";
        if (s instanceof Step.Exec) return "exec";
        throw new IllegalArgumentException("unknown step " + s);
    }

    /** The operation and its operands, as the runner will perform it. */
    public static String describe(Step s) {
        if (s instanceof Step.CreateNamespaces x) {
            return "clone " + x.namespaces().stream()
                    .map(n -> "CLONE_NEW" + (n == Namespace.MOUNT ? "NS" : n.name())).collect(Collectors.joining("|"));
        }
        if (s instanceof Step.WriteIdMaps x) {
            return (x.denySetgroups() ? "setgroups deny; " : "") + "uid_map " + lines(x.uid()) + "; gid_map " + lines(x.gid());
        }
        if (s instanceof Step.SetPropagation x) return "mount none on / flags " + MountFlags.describe(x.flags());
        if (s instanceof Step.BindRootfs x) {
            return "bind " + x.source() + " onto itself (MS_BIND|MS_REC)" + (x.readonly() ? ", read-only after setup" : "");
        }
        if (s instanceof Step.HostRoot x) {
            return "tmpfs root with read-only binds of the host's " + String.join(" ", x.binds()) + " (those that exist)";
        }
        if (s instanceof Step.Mount x) return mount(x);
        if (s instanceof Step.Symlink x) return x.linkpath() + " -> " + x.target();
        if (s instanceof Step.ConfFile x) return "generate " + x.target() + " (" + x.content().length() + " bytes), bind read-only";
        if (s instanceof Step.EnterRoot x) {
            return x.pivot() ? "pivot_root into the new root, detach the old root" : "chroot into the new root";
        }
        if (s instanceof Step.RemountRootReadonly) return "remount / MS_BIND|MS_REMOUNT|MS_RDONLY";
        if (s instanceof Step.SetHostname x) return "sethostname " + x.hostname();
        if (s instanceof Step.SetDomainname x) return "setdomainname " + x.domainname();
        if (s instanceof Step.LoopbackUp) return "bring lo up";
        if (s instanceof Step.StartInit) return "PID 1 init: reap zombies, forward SIGINT SIGTERM SIGHUP SIGQUIT SIGUSR1 SIGUSR2";
        if (s instanceof Step.SetUser x) {
            return "setgroups [" + x.additionalGids().stream().map(String::valueOf).collect(Collectors.joining(","))
                    + "], setgid " + x.gid() + ", setuid " + x.uid();
        }
        if (s instanceof Step.Chdir x) return "chdir " + x.cwd();
        if (s instanceof Step.Exec x) {
            return "execve " + x.args().stream().map(PlanPrinter::shellQuote).collect(Collectors.joining(" "))
                    + (x.terminal() ? " (terminal)" : "");
        }
        throw new IllegalArgumentException("unknown step " + s);
    }

    private static String mount(Step.Mount m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.source()).append(" on ").append(m.target());
        if (m.fstype() != null) sb.append(" type ").append(m.fstype());
        sb.append(" flags ").append(MountFlags.describe(m.flags()));
        if (m.data() != null) sb.append(" data ").append(m.data());
        if (!m.dir()) sb.append(" (file)");
        return sb.toString();
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
        sb.append("plan for ").append(plan.spec().file()).append(" (").append(plan.steps().size()).append(" steps)\n");
        int width = String.valueOf(plan.steps().size()).length();
        String indent = " ".repeat(width + 16);
        int n = 1;
        for (Step s : plan.steps()) {
            sb.append(String.format("%" + width + "d. %-13s %s%n", n++, kind(s), describe(s)));
            if (s instanceof Step.Exec e && !e.env().isEmpty()) {
                sb.append(indent).append("env ")
                        .append(e.env().stream().map(PlanPrinter::shellQuote).collect(Collectors.joining(" "))).append('\n');
            }
            sb.append(indent).append("from ").append(s.at()).append('\n');
        }
        return sb.toString();
    }

    public static String json(Plan plan) {
        List<Object> steps = new ArrayList<>();
        int n = 1;
        for (Step s : plan.steps()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("step", n++);
            o.put("kind", kind(s));
            o.put("description", describe(s));
            o.putAll(fields(s));
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

    /** The step's operands as JSON fields, so tools need not parse {@code description}. */
    private static Map<String, Object> fields(Step s) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (s instanceof Step.CreateNamespaces x) {
            o.put("namespaces", x.namespaces().stream().map(Namespace::specName).toList());
        } else if (s instanceof Step.WriteIdMaps x) {
            o.put("uidMap", x.uid().stream().map(Step.IdMapLine::toString).toList());
            o.put("gidMap", x.gid().stream().map(Step.IdMapLine::toString).toList());
            o.put("denySetgroups", x.denySetgroups());
        } else if (s instanceof Step.SetPropagation x) {
            o.put("flags", MountFlags.describe(x.flags()));
        } else if (s instanceof Step.BindRootfs x) {
            o.put("source", x.source());
            o.put("readonly", x.readonly());
        } else if (s instanceof Step.HostRoot x) {
            o.put("binds", x.binds());
        } else if (s instanceof Step.Mount x) {
            o.put("source", x.source());
            o.put("target", x.target());
            o.put("fstype", x.fstype());
            o.put("flags", MountFlags.describe(x.flags()));
            o.put("data", x.data());
            o.put("file", !x.dir());
        } else if (s instanceof Step.Symlink x) {
            o.put("target", x.target());
            o.put("linkpath", x.linkpath());
        } else if (s instanceof Step.ConfFile x) {
            o.put("target", x.target());
            o.put("content", x.content());
        } else if (s instanceof Step.EnterRoot x) {
            o.put("pivot", x.pivot());
        } else if (s instanceof Step.SetHostname x) {
            o.put("hostname", x.hostname());
        } else if (s instanceof Step.SetDomainname x) {
            o.put("domainname", x.domainname());
        } else if (s instanceof Step.SetUser x) {
            o.put("uid", x.uid());
            o.put("gid", x.gid());
            o.put("additionalGids", x.additionalGids());
        } else if (s instanceof Step.Chdir x) {
            o.put("cwd", x.cwd());
        } else if (s instanceof Step.Exec x) {
            o.put("args", x.args());
            o.put("env", x.env());
            o.put("terminal", x.terminal());
        }
        return o;
    }
}
