package dev.jrun.sys;

import dev.jrun.host.SmallFile;

/**
 * What jrun reads of /proc/PID/stat (proc(5)): the state letter ('Z' for a zombie), the start time
 * in clock ticks since boot (which tells a process from a later one with its pid), exit_code (the
 * raw wait status a zombie shows to whoever may ptrace-read it), and the argv area (the init
 * overwrites its copy of the JVM's). The one parser of that file.
 */
public record ProcStat(int pid, char state, long startTime, int exitCode, long argStart, long argEnd) {
    public boolean zombie() {
        return state == 'Z';
    }

    /**
     * "PID.STARTTIME" of this process: what jrun leaves on things it must clean up if it is
     * SIGKILLed (its private dir's name, its address leases), so that a later run can tell a
     * holder that is gone from a live one, pid reuse included.
     */
    public static final String SELF = holder();

    private static String holder() {
        ProcStat me = self();
        return me == null ? "0.0" : me.pid() + "." + me.startTime();
    }

    /** /proc/self/stat: this process now, or null when /proc is not there. */
    public static ProcStat self() {
        return read("/proc/self/stat");
    }

    /** Whether the process a {@link #SELF}-style "PID.STARTTIME" names is still that one, and not a zombie. */
    public static boolean alive(String holder) {
        int dot = holder.indexOf('.');
        if (dot <= 0) return false;
        ProcStat p = read("/proc/" + holder.substring(0, dot) + "/stat");
        // A zombie holds nothing: it is only waiting for a parent (a killed service's orphans wait for init).
        return p != null && !p.zombie() && Long.toString(p.startTime()).equals(holder.substring(dot + 1));
    }

    /** /proc/PID/stat (or /proc/self/stat), or null when the process is gone or the file unreadable. */
    public static ProcStat read(String path) {
        String s = SmallFile.readOrNull(path);
        if (s == null) return null;
        try {
            // The command (field 2) is in parentheses and may hold spaces: count fields after its ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            return new ProcStat(Integer.parseInt(s.substring(0, s.indexOf(' '))), f[0].charAt(0), Long.parseLong(f[19]),
                    f.length > 49 ? Integer.parseInt(f[49]) : 0, f.length > 46 ? Long.parseLong(f[45]) : 0,
                    f.length > 46 ? Long.parseLong(f[46]) : 0);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
