package dev.jrun.runner.supervise;

import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.LinuxHost;
import dev.jrun.sys.Signals;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes the signals jrun receives on to the containers it supervises: to the process, or to its
 * init, which passes them on. An init blocked in futex (a JVM copy caught in a safepoint begun at
 * the fork: docs/design.md) would sit on them, so then the process gets them straight from here.
 */
public final class SignalForwarder {
    private static final SignalForwarder PROCESS = new SignalForwarder(LinuxHost.INSTANCE);
    private static volatile boolean handlersInstalled;

    private final HostSyscalls host;
    /** The containers being supervised: pid → whether it is jrun's init (PID 1 of the container). */
    private final Map<Integer, Boolean> active = new ConcurrentHashMap<>();

    SignalForwarder(HostSyscalls host) {
        this.host = host;
    }

    /** A forwarder no signal handler feeds: the service's, whose containers are not its foreground. */
    public static SignalForwarder unconnected() {
        return new SignalForwarder(LinuxHost.INSTANCE);
    }

    /** The one forwarder jrun's signal handlers feed (signals are the whole process's). */
    public static SignalForwarder process() {
        return PROCESS;
    }

    void add(int pid, boolean init) {
        active.put(pid, init);
    }

    void remove(int pid) {
        active.remove(pid);
    }

    /** The supervised pids; for tests. */
    public java.util.Set<Integer> active() {
        return active.keySet();
    }

    public void forward(int sig) {
        for (Map.Entry<Integer, Boolean> e : active.entrySet()) {
            int pid = e.getKey();
            host.kill(pid, sig);
            if (e.getValue() && host.inFutex(pid)) {
                int[] kids = host.children(pid);
                if (kids.length > 0) host.kill(kids[0], sig);
            }
        }
    }

    /**
     * Routes {@code signals} sent to jrun to {@link #process()}; with no container to pass it to,
     * jrun dies of it as a shell would report (128+N). HotSpot keeps SIGQUIT and SIGUSR2 for itself
     * and refuses them here. Once per JVM.
     */
    public static void installHandlers(List<Integer> signals) {
        if (handlersInstalled) return;
        synchronized (SignalForwarder.class) {
            if (handlersInstalled) return;
            handlersInstalled = true;
            for (int sig : signals) {
                undoIgnored(sig);
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(Signals.name(sig).substring(3)), new Handler());
                } catch (IllegalArgumentException refused) {
                    // used by the VM
                }
            }
        }
    }

    /**
     * HotSpot installs no handler for a shutdown signal that was ignored when it started
     * (`jrun spec &` in a script ignores SIGINT): jrun would then not forward it. Such a signal is
     * set back to SIG_DFL first.
     */
    private static void undoIgnored(int sig) {
        try (com.sun.jna.Memory old = new com.sun.jna.Memory(dev.jrun.sys.Linux.KERNEL_SIGACTION_SIZE);
             com.sun.jna.Memory dfl = new com.sun.jna.Memory(dev.jrun.sys.Linux.KERNEL_SIGACTION_SIZE)) {
            old.clear();
            dfl.clear();
            dev.jrun.sys.LibcSyscalls s = dev.jrun.sys.LibcSyscalls.INSTANCE;
            if (s.rtSigaction(sig, 0, com.sun.jna.Pointer.nativeValue(old)) == 0 && old.getLong(0) == dev.jrun.sys.Linux.SIG_IGN) {
                s.rtSigaction(sig, com.sun.jna.Pointer.nativeValue(dfl), 0);
            }
        }
    }

    /** A class, not a lambda: a lambda the AOT cache did not record is spun at run time (ms). */
    private static final class Handler implements sun.misc.SignalHandler {
        @Override
        public void handle(sun.misc.Signal sig) {
            if (PROCESS.active.isEmpty()) Runtime.getRuntime().halt(128 + sig.getNumber());
            PROCESS.forward(sig.getNumber());
        }
    }
}
