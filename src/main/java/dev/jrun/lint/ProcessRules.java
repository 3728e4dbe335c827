package dev.jrun.lint;

import static dev.jrun.lint.Findings.q;

import dev.jrun.security.Capabilities;
import dev.jrun.spec.DidYouMean;
import dev.jrun.spec.Location;
import dev.jrun.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/** The process's privileges and limits: capability changes, no_new_privs, rlimits. */
final class ProcessRules {
    /**
     * Every name capabilities(7) gives without its CAP_, and ALL: what capability-name suggests
     * from. Compared with the prefix, every name would share four letters, and "ALLL" would be
     * closer to CAP_KILL than to ALL.
     */
    private static final List<String> BARE_NAMES = bareNames();

    private ProcessRules() {}

    private static List<String> bareNames() {
        List<String> names = new ArrayList<>();
        for (String n : Capabilities.names(-1L)) {
            if (Capabilities.number(n) >= 0) names.add(bare(n));
        }
        names.add("ALL");
        return List.copyOf(names);
    }

    private static String bare(String name) {
        return name.startsWith("CAP_") ? name.substring(4) : name;
    }

    static void capabilityNames(Spec spec, Findings out) {
        Spec.ProcessSpec p = spec.process();
        if (p == null || p.capabilities() == null) return;
        Spec.CapabilityChanges c = p.capabilities();
        knownNames("add", c.add(), c.at(), out);
        knownNames("drop", c.drop(), c.at(), out);
    }

    /** The model has the names upper case with CAP_ in front, as libcap and the plan print them. */
    private static void knownNames(String list, List<String> names, Location fallback, Findings out) {
        for (int i = 0; names != null && i < names.size(); i++) {
            String n = names.get(i);
            if (n.equals("ALL") || Capabilities.number(n) >= 0) continue;
            String close = DidYouMean.closest(bare(n), BARE_NAMES);
            String hint = close == null ? "" : "; did you mean " + q(close.equals("ALL") ? close : "CAP_" + close) + "?";
            out.error(out.value(SourceMap.pointer("process", "capabilities", list, i), fallback),
                    "unknown capability " + q(n) + " (capabilities(7) lists the names)" + hint);
        }
    }

    /** no_new_privs is what keeps a setuid binary (su, ping on old images) from gaining root again. */
    static void noNewPrivileges(Spec spec, Findings out) {
        Spec.ProcessSpec p = spec.process();
        if (p == null || p.noNewPrivileges()) return;
        out.warning(out.value("/process/noNewPrivileges", p.at()), "noNewPrivileges is false: a setuid program in the"
                + " container can regain privileges; remove it unless you need that");
    }

    /** setrlimit(2) fails with EINVAL when the soft limit is above the hard one. */
    static void rlimitRange(Spec spec, Findings out) {
        Spec.ProcessSpec p = spec.process();
        if (p == null || p.rlimits() == null) return;
        for (Spec.Rlimit r : p.rlimits()) {
            boolean above = r.hard() != Spec.Rlimit.UNLIMITED && (r.soft() == Spec.Rlimit.UNLIMITED || r.soft() > r.hard());
            if (!above) continue;
            out.error(out.value(SourceMap.pointer("process", "rlimits", r.name(), "soft"), r.at()),
                    "rlimit " + r.name() + ": the soft limit " + limit(r.soft()) + " is above the hard limit " + limit(r.hard())
                            + "; setrlimit(2) refuses that (EINVAL)");
        }
    }

    private static String limit(long v) {
        return v == Spec.Rlimit.UNLIMITED ? "unlimited" : String.valueOf(v);
    }
}
