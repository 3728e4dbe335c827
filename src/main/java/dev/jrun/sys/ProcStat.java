package dev.jrun.sys;

/**
 * What the watchdogs read of /proc/PID/stat (proc(5)): the state letter ('Z' for a zombie), the
 * start time in clock ticks since boot (which tells a process from a later one with its pid), and
 * exit_code, the raw wait status that a zombie shows to whoever may ptrace-read it.
 */
public record ProcStat(char state, long startTime, int exitCode) {
    public boolean zombie() {
        return state == 'Z';
    }
}
