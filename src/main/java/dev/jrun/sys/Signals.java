package dev.jrun.sys;

/** Signal names (signal(7)); x86_64 and aarch64 share these numbers. */
public final class Signals {
    private Signals() {}

    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
        "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    /** "SIGTERM", or "SIGRTMIN+N" / "SIG<n>" for the others. */
    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) return NAMES[sig];
        if (sig >= 34 && sig <= 64) return "SIGRTMIN+" + (sig - 34);
        return "SIG" + sig;
    }

    /** The number of "TERM", "SIGTERM" or "15"; -1 if none. */
    public static int number(String name) {
        String n = name.startsWith("SIG") ? name : "SIG" + name;
        for (int i = 1; i < NAMES.length; i++) if (NAMES[i].equals(n)) return i;
        try {
            int v = Integer.parseInt(name);
            return v > 0 && v <= Linux.NSIG ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
