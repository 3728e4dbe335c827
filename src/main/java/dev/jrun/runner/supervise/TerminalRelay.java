package dev.jrun.runner.supervise;

import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.Pty;
import dev.jrun.sys.SyscallException;

/**
 * {@code process.terminal: true} with a terminal on stdin: the process gets the slave of a fresh
 * pty as its controlling terminal; jrun puts its own terminal in raw mode (so Ctrl-C reaches the
 * container's line discipline as a byte and becomes SIGINT there), copies bytes both ways,
 * forwards window-size changes, and restores its terminal in {@link #close()}.
 */
final class TerminalRelay implements AutoCloseable {
    private final HostSyscalls host;
    private final Pty pty;
    private byte[] saved;
    private Thread output;

    TerminalRelay(HostSyscalls host, Pty pty) {
        this.host = host;
        this.pty = pty;
    }

    /** Called once the process has exec'd. */
    void start() throws SyscallException {
        Pty.copyWindowSize(0, pty.master);
        saved = Pty.makeRaw(0);
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> Pty.copyWindowSize(0, pty.master));
        } catch (IllegalArgumentException ignored) {
            // the VM keeps SIGWINCH: sizes are copied once
        }
        Thread input = new Thread(() -> copy(0, pty.master), "jrun-tty-in");
        input.setDaemon(true); // blocked in read(0) until the user types; never joined
        input.start();
        output = new Thread(() -> copy(pty.master, 1), "jrun-tty-out");
        output.setDaemon(true);
        output.start();
    }

    private void copy(int from, int to) {
        try {
            while (true) {
                byte[] b = host.read(from, 8192);
                if (b.length == 0) return;
                host.write(to, b);
            }
        } catch (SyscallException e) {
            // EIO on the master once every slave fd is closed: the container is done
        }
    }

    /** After the container exited: let the last output through, then restore the terminal. */
    @Override
    public void close() {
        host.close(pty.slave);
        if (output != null) {
            try {
                output.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (saved != null) Pty.restore(0, saved);
        host.close(pty.master);
    }
}
