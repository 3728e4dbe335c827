package dev.jrun.sys;

import dev.jrun.runner.supervise.Clock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A {@link HostSyscalls} that starts nothing: each clone takes the next scripted {@link Child},
 * every call is recorded as a line ({@code kill(1000, 9)}), every fd it hands out is tracked so a
 * test can assert that all were closed, and time is a {@link FakeClock} that waiting advances.
 */
public final class FakeHost implements HostSyscalls {
    public final List<String> calls = new ArrayList<>();
    public final FakeClock clock = new FakeClock();
    public final TreeSet<Integer> openFds = new TreeSet<>();
    private final Deque<Child> script = new ArrayDeque<>();
    private final Map<Integer, Child> byPid = new HashMap<>();
    private final Map<Integer, Child> byPidfd = new HashMap<>();
    private Child current;
    private int nextFd = 100;
    private int nextPid = 1000;
    /** A failure for the next pipe() call, when set. */
    public int failNextPipe;
    /** Which pipe() call (1-based) fails with EMFILE, when set. */
    public int failPipeNumber;
    private int pipes;
    /** -errno for the next clone, when set. */
    public int failNextClone;
    /** A failure for writeFile of a path ending so, when set. */
    public String failWriteFile;

    /** A time that only moves when something waits on it. */
    public static final class FakeClock implements Clock {
        public long now = 1_000_000_000L;
        public final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepMillis(long millis) {
            sleeps.add(millis);
            now += millis * 1_000_000L;
        }
    }

    /** What one cloned child does. */
    public static final class Child {
        enum BeforeExec { EXEC_OK, EXEC_FAILED, STUCK_IN_FUTEX, NO_PROGRESS }

        enum Life { EXITS, INIT_EXITS, INIT_STUCK_ZOMBIE, INIT_STUCK_NO_PROCESS }

        BeforeExec beforeExec = BeforeExec.EXEC_OK;
        Life life = Life.EXITS;
        int failedOp;
        int failedErrno;
        /** The raw wait status the process (or the init) ends with. */
        int waitStatus;
        int pid;
        int processPid;
        /** Init: after how many watchdog polls its process turns zombie, or the init exits. */
        int pollsUntilDone = 2;
        boolean killed;
        boolean reaped;

        public Child execFails(int op, int errno) {
            beforeExec = BeforeExec.EXEC_FAILED;
            failedOp = op;
            failedErrno = errno;
            return this;
        }

        public Child stuckInFutex() {
            beforeExec = BeforeExec.STUCK_IN_FUTEX;
            return this;
        }

        public Child noProgress() {
            beforeExec = BeforeExec.NO_PROGRESS;
            return this;
        }

        /** The process exits with {@code code} (no init). */
        public Child exits(int code) {
            life = Life.EXITS;
            waitStatus = code << 8;
            return this;
        }

        /** The process is killed by {@code sig} (no init). */
        public Child killedBy(int sig) {
            life = Life.EXITS;
            waitStatus = sig;
            return this;
        }

        /** An init that exits with its process's {@code code}, as it should. */
        public Child initExits(int code) {
            life = Life.INIT_EXITS;
            waitStatus = code << 8;
            return this;
        }

        /** An init that blocks for good; its process ends with {@code code} and stays a zombie. */
        public Child initStuckWithZombie(int code) {
            life = Life.INIT_STUCK_ZOMBIE;
            waitStatus = code << 8;
            return this;
        }

        /** An init blocked in futex that has no process left (it reaped it): the status is gone. */
        public Child initStuckWithoutProcess() {
            life = Life.INIT_STUCK_NO_PROCESS;
            return this;
        }

        public boolean killed() {
            return killed;
        }

        public boolean reaped() {
            return reaped;
        }

        public int pid() {
            return pid;
        }
    }

    /** Scripts the next clone. */
    public Child child() {
        Child c = new Child();
        script.add(c);
        return c;
    }

    private String record(String line) {
        calls.add(line);
        return line;
    }

    public List<String> named(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    private int fd() {
        int fd = nextFd++;
        openFds.add(fd);
        return fd;
    }

    @Override
    public int[] pipe() throws SyscallException {
        if (++pipes == failPipeNumber) failNextPipe = Errno.EMFILE;
        if (failNextPipe != 0) {
            int e = failNextPipe;
            failNextPipe = 0;
            record("pipe2() = -" + Errno.name(e));
            throw new SyscallException("pipe2", e);
        }
        int[] p = {fd(), fd()};
        record("pipe2() = [" + p[0] + ", " + p[1] + "]");
        return p;
    }

    @Override
    public void close(int fd) {
        if (fd < 0) return;
        record("close(" + fd + ")");
        openFds.remove(fd);
    }

    @Override
    public void write(int fd, byte[] data) {
        record("write(" + fd + ", " + data.length + ")");
    }

    @Override
    public byte[] read(int fd, int max) {
        record("read(" + fd + ")");
        if (current != null && current.beforeExec == Child.BeforeExec.EXEC_FAILED) {
            return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(current.failedOp).putInt(current.failedErrno).array();
        }
        return new byte[0];
    }

    @Override
    public boolean pollIn(int fd, long timeoutMillis) {
        Child init = byPidfd.get(fd);
        if (init != null) {
            boolean exited = init.life == Child.Life.INIT_EXITS && --init.pollsUntilDone <= 0;
            if (!exited) clock.now += timeoutMillis * 1_000_000L;
            return exited;
        }
        boolean ready = current != null && (current.beforeExec == Child.BeforeExec.EXEC_OK
                || current.beforeExec == Child.BeforeExec.EXEC_FAILED);
        if (!ready) clock.now += timeoutMillis * 1_000_000L;
        return ready;
    }

    @Override
    public long clone(long flags) {
        if (failNextClone != 0) {
            int e = failNextClone;
            failNextClone = 0;
            record("clone(0x" + Long.toHexString(flags) + ") = -" + Errno.name(e));
            return -e;
        }
        Child c = script.isEmpty() ? new Child() : script.poll();
        c.pid = nextPid++;
        c.processPid = nextPid++;
        byPid.put(c.pid, c);
        current = c;
        record("clone(0x" + Long.toHexString(flags) + ") = " + c.pid);
        return c.pid; // never 0: no child side runs in a test
    }

    @Override
    public void kill(int pid, int sig) {
        record("kill(" + pid + ", " + sig + ")");
        Child c = byPid.get(pid);
        if (c != null && sig == Linux.SIGKILL) c.killed = true;
    }

    @Override
    public int waitFor(int pid) throws SyscallException {
        record("wait4(" + pid + ")");
        Child c = byPid.get(pid);
        if (c == null || c.reaped) throw new SyscallException("wait4(" + pid + ")", Errno.ECHILD);
        c.reaped = true;
        return c.killed ? Linux.SIGKILL : c.waitStatus;
    }

    @Override
    public int pidfdOpen(int pid) {
        int fd = fd();
        byPidfd.put(fd, byPid.get(pid));
        record("pidfd_open(" + pid + ") = " + fd);
        return fd;
    }

    @Override
    public boolean inFutex(int pid) {
        Child c = byPid.get(pid);
        if (c == null || c.reaped) return false;
        if (c.beforeExec == Child.BeforeExec.STUCK_IN_FUTEX) return true;
        return c.life == Child.Life.INIT_STUCK_ZOMBIE || c.life == Child.Life.INIT_STUCK_NO_PROCESS;
    }

    @Override
    public int[] children(int pid) {
        Child c = byPid.get(pid);
        if (c == null || c.reaped || c.life == Child.Life.EXITS || c.life == Child.Life.INIT_STUCK_NO_PROCESS) return new int[0];
        return new int[] {c.processPid};
    }

    @Override
    public ProcStat stat(int pid) {
        for (Child c : byPid.values()) {
            if (c.processPid != pid || c.reaped) continue;
            boolean zombie = c.life == Child.Life.INIT_STUCK_ZOMBIE && --c.pollsUntilDone <= 0;
            return new ProcStat(pid, zombie ? 'Z' : 'S', 4242, zombie ? c.waitStatus : 0, 0, 0);
        }
        return null;
    }

    @Override
    public void writeFile(String path, String content) throws SyscallException {
        record("writeFile(" + path + ", " + content.replace("\n", "\\n") + ")");
        if (failWriteFile != null && path.endsWith(failWriteFile)) throw new SyscallException("open " + path, Errno.EPERM);
    }

    @Override
    public long statfsFlags(String path) {
        return 0;
    }

    /** Limits the fake's own process has, and a failure for raising past them (as unprivileged). */
    public long hardNofile = 4096;

    @Override
    public void prlimit(int pid, int resource, long soft, long hard) throws SyscallException {
        record("prlimit(" + pid + ", " + resource + ", " + soft + ", " + hard + ")");
        if (hard > hardNofile || hard == -1) throw new SyscallException("prlimit", Errno.EPERM);
    }

    @Override
    public long[] getrlimit(int resource) {
        return new long[] {1024, hardNofile};
    }

    @Override
    public void setns(int fd, int nstype) {
        record("setns(" + fd + ", 0x" + Integer.toHexString(nstype) + ")");
    }

    @Override
    public int open(String path, int flags) {
        int fd = fd();
        record("open(" + path + ") = " + fd);
        return fd;
    }

    @Override
    public int memfd(String name) {
        int fd = fd();
        record("memfd_create(" + name + ") = " + fd);
        return fd;
    }

    @Override
    public void pidfdSendSignal(int pidfd, int sig) {
        record("pidfd_send_signal(" + pidfd + ", " + sig + ")");
    }

    @Override
    public void bindMount(String source, String target) {
        record("mount --bind " + source + " " + target);
    }

    @Override
    public void detach(String target) {
        record("umount -l " + target);
    }
}
