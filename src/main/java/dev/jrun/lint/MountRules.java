package dev.jrun.lint;

import dev.jrun.spec.DidYouMean;
import static dev.jrun.lint.Findings.q;

import dev.jrun.plan.MountOptions;
import dev.jrun.spec.Location;
import dev.jrun.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The spec's {@code mounts}: types, sources and option strings, split the way mount(8) splits
 * them into mount(2) flags and filesystem data. The flag names and value forms are
 * {@link MountOptions}'s, so what lints clean also compiles into a plan.
 */
final class MountRules {
    /** Filesystem options the kernel accepts, per type (its fs_parameter_spec tables). */
    private record FsOptions(Set<String> keys, Set<String> words) {}

    private static final Map<String, FsOptions> TYPES = Map.of(
            "bind", new FsOptions(Set.of(), Set.of()),
            "tmpfs", new FsOptions(Set.of("size", "nr_blocks", "nr_inodes", "mode", "uid", "gid", "huge", "mpol"),
                    Set.of("inode32", "inode64", "noswap", "quota", "usrquota", "grpquota")),
            "proc", new FsOptions(Set.of("hidepid", "subset", "gid"), Set.of()),
            "sysfs", new FsOptions(Set.of(), Set.of()),
            "devpts", new FsOptions(Set.of("uid", "gid", "mode", "ptmxmode", "max"), Set.of("newinstance")),
            "mqueue", new FsOptions(Set.of(), Set.of()),
            "cgroup2", new FsOptions(Set.of(), Set.of("nsdelegate", "favordynmods", "memory_localevents",
                    "memory_recursiveprot", "memory_hugetlb_accounting", "pids_localevents")));


    private MountRules() {}

    /** A mount without a type is a bind mount: the format's default type is "bind". */
    private static boolean isBind(Spec.Mount m) {
        return m.type() == null || m.type().equals("bind") || m.options().contains("bind") || m.options().contains("rbind");
    }

    /** The type whose options apply (never null): binds ignore fstype and data, whatever type says. */
    private static String effectiveType(Spec.Mount m) {
        return isBind(m) ? "bind" : m.type();
    }

    private static Location optionAt(Findings out, int i, int k, Spec.Mount m) {
        return out.value(SourceMap.pointer("mounts", i, "options", k), m.at());
    }

    static void options(Spec spec, Findings out) {
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            String type = effectiveType(m);
            FsOptions fs = TYPES.get(type);
            for (int k = 0; k < m.options().size(); k++) {
                String problem = optionProblem(m.options().get(k), type, fs);
                if (problem != null) out.error(optionAt(out, i, k, m), problem);
            }
        }
    }

    /** What is wrong with one option string, or null; size= and mode= values are other rules'. */
    private static String optionProblem(String opt, String type, FsOptions fs) {
        if (opt.isEmpty()) return "empty mount option";
        if (opt.contains(",")) return "mount option " + q(opt) + " holds a ','; list each option separately";
        if (MountOptions.isFlag(opt)) return null;
        int eq = opt.indexOf('=');
        String key = eq < 0 ? opt : opt.substring(0, eq);
        if (!MountOptions.DATA_KEY.matcher(key).matches()) return "malformed mount option " + q(opt);
        if (eq < 0) {
            // A type jrun does not know may take any word; the kernel is the judge then.
            if (fs == null || fs.words().contains(opt)) return null;
            Set<String> known = new TreeSet<>(MountOptions.flagNames());
            known.addAll(fs.words());
            return "unknown mount option " + q(opt) + DidYouMean.hint(opt, known);
        }
        String value = opt.substring(eq + 1);
        if (value.isEmpty()) return "mount option " + q(opt) + " has an empty value";
        if (fs != null && !fs.keys().contains(key)) {
            if (fs.keys().isEmpty()) return type + " mounts take no option \"" + key + "=\"";
            String hint = DidYouMean.hint(key, fs.keys());
            return type + " has no option \"" + key + "=\""
                    + (hint.isEmpty() ? "; it takes " + String.join("=, ", new TreeSet<>(fs.keys())) + "=" : hint);
        }
        if ((key.equals("uid") || key.equals("gid")) && !MountOptions.NUMBER.matcher(value).matches()) {
            return key + " " + q(value) + " is not a number";
        }
        return null;
    }

    static void sizes(Spec spec, Findings out) {
        eachValue(spec, out, Set.of("size", "nr_blocks", "nr_inodes"), MountOptions.SIZE,
                "; write a number with an optional k, m or g suffix (64m, 1g, 65536) or a percentage of RAM (10%)");
    }

    static void modes(Spec spec, Findings out) {
        eachValue(spec, out, Set.of("mode", "ptmxmode"), MountOptions.OCTAL, "; write an octal mode such as 0755");
    }

    private static void eachValue(Spec spec, Findings out, Set<String> keys, Pattern form, String hint) {
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            for (int k = 0; k < m.options().size(); k++) {
                String opt = m.options().get(k);
                int eq = opt.indexOf('=');
                if (eq < 0 || opt.contains(",") || !keys.contains(opt.substring(0, eq))) continue;
                String value = opt.substring(eq + 1);
                if (value.isEmpty() || form.matcher(value).matches()) continue;
                out.error(optionAt(out, i, k, m), "bad " + opt.substring(0, eq) + " " + q(value) + hint);
            }
        }
    }

    static void bindSource(Spec spec, Findings out) {
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            if (!isBind(m) || (m.source() != null && !m.source().isEmpty())) continue;
            boolean typed = out.written(SourceMap.pointer("mounts", i, "type")) || m.options().contains("bind")
                    || m.options().contains("rbind");
            out.error(out.value(SourceMap.pointer("mounts", i), m.at()), typed
                    ? "bind mount on " + q(m.destination()) + " needs a source: the host path to bind"
                    : "mount on " + q(m.destination()) + " has no type, so it is a bind mount, which needs a source;"
                            + " set type (" + String.join(", ", knownTypes()) + ") or source");
        }
    }

    static void type(Spec spec, Findings out) {
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            if (m.type() == null || TYPES.containsKey(m.type())) continue;
            out.warning(out.value(SourceMap.pointer("mounts", i, "type"), m.at()),
                    "unknown filesystem type " + q(m.type()) + DidYouMean.hint(m.type(), TYPES.keySet())
                            + " (jrun knows " + String.join(", ", knownTypes()) + ")");
        }
    }

    /** The flag is valid mount(8), so mount-option passes it; what it asks for, jrun does not do. */
    static void dev(Spec spec, Findings out) {
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            for (int k = 0; k < m.options().size(); k++) {
                if (!m.options().get(k).equals("dev")) continue;
                out.error(optionAt(out, i, k, m), "mount option \"dev\": jrun keeps nodev on every mount, so a device node"
                        + " made inside cannot be opened; expose devices with devices:");
            }
        }
    }

    private static List<String> knownTypes() {
        return new ArrayList<>(new TreeSet<>(TYPES.keySet()));
    }
}
