package dev.jrun.runner.supervise;

import dev.jrun.runner.RunnerException;
import dev.jrun.plan.Plan;
import dev.jrun.sys.HostSyscalls;
import dev.jrun.sys.SyscallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two pipes between the parent and one child, and their named messages (runc's nsexec has
 * the same shape, docs/design.md "Stages"):
 *
 * <ul>
 *   <li>sync pipe, parent to child: {@link #SYNC_GO} once the parent's steps (id maps) are done;
 *       EOF instead is SYNC_ABORT (the parent gave up), and the child exits quietly;
 *   <li>status pipe (O_CLOEXEC), child to parent: EOF without a byte is EXEC_OK (every copy of the
 *       write end closed by exec, or by the init); an 8-byte record {op index, errno} is
 *       EXEC_FAILED, written by whichever op failed.
 * </ul>
 */
final class SyncChannel implements AutoCloseable {
    static final byte SYNC_GO = 'G';
    static final int EXEC_FAILED_SIZE = 8;

    private final HostSyscalls host;
    private final int[] sync;
    private final int[] status;

    /** EXEC_FAILED: which op of the child program failed, with what errno. */
    record ExecFailed(int op, int errno) {}

    private SyncChannel(HostSyscalls host, int[] sync, int[] status) {
        this.host = host;
        this.sync = sync;
        this.status = status;
    }

    static SyncChannel open(HostSyscalls host, Plan plan) throws RunnerException {
        int[] sync = pipe(host, plan);
        try {
            return new SyncChannel(host, sync, pipe(host, plan));
        } catch (RunnerException e) {
            host.close(sync[0]);
            host.close(sync[1]);
            throw e;
        }
    }

    private static int[] pipe(HostSyscalls host, Plan plan) throws RunnerException {
        try {
            return host.pipe();
        } catch (SyscallException e) {
            throw new RunnerException(plan, -1, "pipe2", e.errno, null);
        }
    }

    /** The child's ends: what its program reads SYNC_GO from and writes EXEC_FAILED to. */
    int childSyncFd() {
        return sync[0];
    }

    int childStatusFd() {
        return status[1];
    }

    /** The parent's end of the status pipe, to poll. */
    int statusFd() {
        return status[0];
    }

    /** After the clone: the child's ends are the child's now. */
    void closeChildEnds() {
        host.close(sync[0]);
        sync[0] = -1;
        host.close(status[1]);
        status[1] = -1;
    }

    /** SYNC_GO, then the sync pipe is done. */
    void go() throws SyscallException {
        host.write(sync[1], new byte[] {SYNC_GO});
        host.close(sync[1]);
        sync[1] = -1;
    }

    /** After the status pipe polled readable: null for EXEC_OK, else the failure. */
    ExecFailed execStatus() throws SyscallException {
        byte[] record = host.read(status[0], EXEC_FAILED_SIZE);
        if (record.length != EXEC_FAILED_SIZE) return null;
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.nativeOrder());
        return new ExecFailed(b.getInt(), b.getInt());
    }

    @Override
    public void close() {
        for (int i = 0; i < 2; i++) {
            host.close(sync[i]);
            host.close(status[i]);
            sync[i] = -1;
            status[i] = -1;
        }
    }
}
