package dev.jrun.runner.child;

import static dev.jrun.runner.child.ChildProgram.ARGS;

import dev.jrun.sys.NativeArena;
import java.util.Arrays;

/**
 * The ops of a {@link ChildProgram} while they are written, and the arena their strings and
 * structs live in. Pointer arguments are arena offsets until {@link #finish} seals the arena and
 * relocates them; bit k of {@code pointers} marks argument k as one. Runs in the parent.
 */
final class ProgramBuffer {
    final NativeArena arena = new NativeArena();
    private int[] op = new int[64];
    private long[] args = new long[64 * ARGS];
    private boolean[] relocate = new boolean[64 * ARGS];
    private int[] step = new int[64];
    private String[] what = new String[64];
    private int count;
    /** The plan step the next ops come from; -1 for the runner's own. */
    int current = -1;

    int count() {
        return count;
    }

    long str(String s) {
        return arena.string(s);
    }

    void emit(String description, int opcode, long... a) {
        emitP(description, opcode, a, 0);
    }

    void emitP(String description, int opcode, long[] a, int pointers) {
        if (count == op.length) {
            op = Arrays.copyOf(op, count * 2);
            step = Arrays.copyOf(step, count * 2);
            what = Arrays.copyOf(what, count * 2);
            args = Arrays.copyOf(args, count * 2 * ARGS);
            relocate = Arrays.copyOf(relocate, count * 2 * ARGS);
        }
        op[count] = opcode;
        step[count] = current;
        what[count] = description;
        for (int k = 0; k < a.length; k++) {
            args[count * ARGS + k] = a[k];
            relocate[count * ARGS + k] = (pointers & (1 << k)) != 0;
        }
        count++;
    }

    /** Sets argument {@code k} of op {@code index} after the fact (a jump target). */
    void patch(int index, int k, long value) {
        args[index * ARGS + k] = value;
    }

    ChildProgram finish(int statusFd) {
        int statusBuf = arena.zeroed(8);
        arena.seal();
        for (int i = 0; i < count * ARGS; i++) {
            if (relocate[i]) args[i] = arena.address((int) args[i]);
        }
        return new ChildProgram(Arrays.copyOf(op, count), Arrays.copyOf(args, count * ARGS), Arrays.copyOf(step, count),
                Arrays.copyOf(what, count), count, statusFd, arena.address(statusBuf), arena);
    }
}
