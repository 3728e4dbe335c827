package dev.jrun.runner.parent;

import dev.jrun.ExitCodes;
import dev.jrun.runner.child.ChildExecutor;
import dev.jrun.runner.child.ChildProgram;
import dev.jrun.runner.child.HelperProgram;
import dev.jrun.runner.child.Rehearsal;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.LibcSyscalls;
import dev.jrun.sys.Linux;
import dev.jrun.sys.SyscallException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A helper forked from the supervisor by {@link HelperProgram}: dies with jrun (its death
 * signal), and with the container's attempt ({@link #close}: SIGKILL and reap — a helper keeps no
 * state worth a graceful stop).
 *
 * <p>Runs in: the parent (the supervisor).
 */
final class HelperProcess implements AutoCloseable {
    private final HostSyscalls host;
    final int pid;
    private boolean reaped;

    private HelperProcess(HostSyscalls host, int pid) {
        this.host = host;
        this.pid = pid;
    }

    static HelperProcess start(HostSyscalls host, String path, List<String> argv, List<HelperProgram.Fd> fds)
            throws SyscallException {
        int[] sync = host.pipe();
        ChildProgram program = null;
        try {
            program = HelperProgram.build(path, argv, environment(), sync[0], fds);
            Rehearsal.rehearse(program);
            long r = host.clone(Linux.SIGCHLD);
            if (r == 0) {
                try {
                    ChildExecutor.run(LibcSyscalls.INSTANCE, program);
                } catch (Throwable t) {
                    // nothing can be reported from here but the exit status
                }
                LibcSyscalls.INSTANCE.exitGroup(ExitCodes.FAILED);
            }
            if (r < 0) throw new SyscallException("clone (" + argv.get(0) + ")", (int) -r);
            HelperProcess helper = new HelperProcess(host, (int) r);
            try {
                host.write(sync[1], new byte[] {'G'});
            } catch (SyscallException e) {
                helper.close();
                throw e;
            }
            return helper;
        } finally {
            host.close(sync[0]);
            host.close(sync[1]);
            if (program != null) program.close();
        }
    }

    /** jrun's own environment, as ProcessBuilder would pass it. */
    private static List<String> environment() {
        List<String> env = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) env.add(e.getKey() + "=" + e.getValue());
        return env;
    }

    /** The helper's wait status once it has exited (it has, when its end of a pipe showed EOF). */
    int exitStatus() throws SyscallException {
        reaped = true;
        return host.waitFor(pid);
    }

    @Override
    public void close() {
        if (reaped) return;
        host.kill(pid, Linux.SIGKILL);
        try {
            exitStatus();
        } catch (SyscallException ignored) {
            // ECHILD: already reaped
        }
    }
}
