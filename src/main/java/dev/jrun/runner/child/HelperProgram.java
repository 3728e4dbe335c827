package dev.jrun.runner.child;

import static dev.jrun.runner.child.ChildProgram.*;
import static dev.jrun.sys.Linux.*;

import dev.jrun.sys.NativeArena;
import java.util.List;

/**
 * The program of a helper the supervisor runs beside a container (pasta, slirp4netns). It is
 * forked like the container's child, not started with ProcessBuilder, for two things a
 * ProcessBuilder child cannot have: PR_SET_PDEATHSIG, so that a SIGKILLed jrun leaves no helper
 * holding the container's network namespace, and inherited fds at the numbers its command line
 * names (a namespace jrun opened, the readiness pipe).
 *
 * <p>Runs in: the parent (building); the ops run in the forked child.
 */
public final class HelperProgram {
    /** Child fd {@code target} is the parent's fd {@code source} (which may be close-on-exec). */
    public record Fd(int target, int source) {}

    private HelperProgram() {}

    /**
     * The death signal first; then, with every fd moved above all the ones in play, the rest
     * closed and a read of the sync pipe: EOF there means the parent died before the death signal
     * was set, and the helper must not outlive it. Then the fds at their numbers, a session of its
     * own (a ^C to jrun's terminal is jrun's to forward, not the helper's), clean signal state, exec.
     */
    public static ChildProgram build(String path, List<String> argv, List<String> env, int syncFd, List<Fd> fds) {
        ProgramBuffer out = new ProgramBuffer();
        NativeArena arena = out.arena;
        int base = syncFd;
        int highestTarget = 2;
        for (Fd f : fds) {
            base = Math.max(base, Math.max(f.source(), f.target()));
            highestTarget = Math.max(highestTarget, f.target());
        }
        base++;
        out.emit("prctl PR_SET_PDEATHSIG SIGKILL (helper)", PRCTL, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        out.emit("dup3 the sync pipe to fd " + base, DUP3, syncFd, base);
        for (int i = 0; i < fds.size(); i++) {
            out.emit("dup3 fd " + fds.get(i).source() + " to fd " + (base + 1 + i), DUP3, fds.get(i).source(), base + 1 + i);
        }
        out.emit("close fds below " + base, CLOSE_RANGE, 0, base - 1, 0);
        out.emit("close fds above " + (base + fds.size()), CLOSE_RANGE, base + fds.size() + 1, FD_MAX, 0);
        out.emitP("wait for the parent (SYNC_GO)", READ_SYNC, new long[] {base, arena.zeroed(8)}, 0b10);
        out.emit("close the sync pipe", CLOSE, base);
        for (int i = 0; i < fds.size(); i++) {
            out.emit("dup3 to fd " + fds.get(i).target(), DUP3, base + 1 + i, fds.get(i).target());
        }
        out.emit("close the staged fds", CLOSE_RANGE, highestTarget + 1, FD_MAX, 0);
        out.emit("setsid (helper)", SETSID);
        out.emitP("unblock signals", SIGPROCMASK, new long[] {SIG_SETMASK, arena.zeroed(8)}, 0b10);
        out.emitP("reset signal dispositions", RESET_SIGNALS, new long[] {arena.zeroed(KERNEL_SIGACTION_SIZE)}, 0b1);
        out.emitP("execve " + path, EXECVE, new long[] {out.str(path), arena.stringArray(argv), arena.stringArray(env), 0}, 0b0111);
        return out.finish(-1); // no status pipe: the parent learns of a failure from the readiness pipe's EOF and the exit status
    }
}
