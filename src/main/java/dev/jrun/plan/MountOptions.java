package dev.jrun.plan;

import static dev.jrun.plan.MountFlags.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns OCI/mount(8) option strings into mount(2) flags, a propagation change and the
 * filesystem-specific data string — the split mount(8) does before calling the kernel.
 */
public final class MountOptions {
    /** Flags an option sets ({@code true}) or clears ({@code false}). */
    private static final Map<String, Object[]> FLAGS = Map.ofEntries(
            Map.entry("ro", new Object[] {MS_RDONLY, true}),
            Map.entry("rw", new Object[] {MS_RDONLY, false}),
            Map.entry("nosuid", new Object[] {MS_NOSUID, true}),
            Map.entry("suid", new Object[] {MS_NOSUID, false}),
            Map.entry("nodev", new Object[] {MS_NODEV, true}),
            Map.entry("dev", new Object[] {MS_NODEV, false}),
            Map.entry("noexec", new Object[] {MS_NOEXEC, true}),
            Map.entry("exec", new Object[] {MS_NOEXEC, false}),
            Map.entry("sync", new Object[] {MS_SYNCHRONOUS, true}),
            Map.entry("async", new Object[] {MS_SYNCHRONOUS, false}),
            Map.entry("dirsync", new Object[] {MS_DIRSYNC, true}),
            Map.entry("remount", new Object[] {MS_REMOUNT, true}),
            Map.entry("bind", new Object[] {MS_BIND, true}),
            Map.entry("rbind", new Object[] {MS_BIND | MS_REC, true}),
            Map.entry("noatime", new Object[] {MS_NOATIME, true}),
            Map.entry("atime", new Object[] {MS_NOATIME, false}),
            Map.entry("nodiratime", new Object[] {MS_NODIRATIME, true}),
            Map.entry("diratime", new Object[] {MS_NODIRATIME, false}),
            Map.entry("relatime", new Object[] {MS_RELATIME, true}),
            Map.entry("norelatime", new Object[] {MS_RELATIME, false}),
            Map.entry("strictatime", new Object[] {MS_STRICTATIME, true}),
            Map.entry("nostrictatime", new Object[] {MS_STRICTATIME, false}),
            Map.entry("nosymfollow", new Object[] {MS_NOSYMFOLLOW, true}));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    /** The form of a filesystem option's key. */
    public static final Pattern DATA_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /** size=, nr_blocks=, nr_inodes=: a number with an optional k/m/g suffix, or a percentage. */
    public static final Pattern SIZE = Pattern.compile("[0-9]+[kKmMgG]?|[0-9]{1,3}%");
    /** mode=, ptmxmode=: octal. */
    public static final Pattern OCTAL = Pattern.compile("0?[0-7]{1,4}");
    public static final Pattern NUMBER = Pattern.compile("[0-9]{1,10}");

    /**
     * @param flags       mount(2) flags
     * @param propagation MS_PRIVATE/MS_SLAVE/... (+MS_REC), applied by a second mount(2) call; 0 if none
     * @param data        comma-joined filesystem options, or null
     * @param errors      one message per malformed option (empty when all are well-formed)
     */
    public record Parsed(long flags, long propagation, String data, List<String> errors) {}

    private MountOptions() {}

    /** Options that become mount(2) flags or a propagation change, never filesystem data. */
    public static boolean isFlag(String opt) {
        return FLAGS.containsKey(opt) || PROPAGATION.containsKey(opt);
    }

    public static Set<String> flagNames() {
        Set<String> all = new TreeSet<>(FLAGS.keySet());
        all.addAll(PROPAGATION.keySet());
        return all;
    }

    public static Parsed parse(List<String> options) {
        long flags = 0;
        long propagation = 0;
        List<String> data = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String opt : options) {
            Object[] f = FLAGS.get(opt);
            if (f != null) {
                long bits = (long) f[0];
                flags = (boolean) f[1] ? flags | bits : flags & ~bits;
                continue;
            }
            Long p = PROPAGATION.get(opt);
            if (p != null) {
                propagation = p;
                continue;
            }
            String problem = checkData(opt);
            if (problem != null) errors.add(problem);
            else data.add(opt);
        }
        return new Parsed(flags, propagation, data.isEmpty() ? null : String.join(",", data), errors);
    }

    /** null if {@code opt} is a well-formed filesystem option, else what is wrong with it. */
    static String checkData(String opt) {
        if (opt.isEmpty()) return "empty mount option";
        if (opt.contains(",")) return "mount option \"" + opt + "\" contains ','; list each option separately";
        int eq = opt.indexOf('=');
        String key = eq < 0 ? opt : opt.substring(0, eq);
        String value = eq < 0 ? null : opt.substring(eq + 1);
        if (!DATA_KEY.matcher(key).matches()) return "malformed mount option \"" + opt + "\"";
        if (value == null) return null;
        switch (key) {
            case "size", "nr_blocks", "nr_inodes" -> {
                if (!SIZE.matcher(value).matches()) {
                    return "bad " + key + " \"" + value + "\": use a number with an optional k, m or g suffix, or a percentage like 50%";
                }
            }
            case "mode", "ptmxmode" -> {
                if (!OCTAL.matcher(value).matches()) {
                    return "bad " + key + " \"" + value + "\": use an octal mode such as 0755";
                }
            }
            case "uid", "gid" -> {
                if (!NUMBER.matcher(value).matches()) return "bad " + key + " \"" + value + "\": use a number";
            }
            default -> {
                if (value.isEmpty()) return "mount option \"" + opt + "\" has an empty value";
            }
        }
        return null;
    }
}
