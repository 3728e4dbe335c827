package dev.jrun.runner;

import static dev.jrun.sys.Linux.*;

import dev.jrun.plan.HostInfo;
import dev.jrun.plan.Plan;
import dev.jrun.plan.Step;
import dev.jrun.spec.Namespace;
import dev.jrun.sys.Errno;
import dev.jrun.sys.Kernel;
import dev.jrun.sys.Kernel.SyscallException;
import dev.jrun.sys.LibcSyscalls;
import dev.jrun.sys.Pty;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The parent side of a container run (docs/design.md has the stages and the sync protocol):
 *
 * <ol>
 *   <li>PREPARE: compile the plan into a {@link ChildProgram}; warm up and rehearse the child path.
 *   <li>CLONE: raw clone(2) with the CLONE_NEW* flags; the child runs {@link ChildExecutor}.
 *   <li>MAPS: write setgroups/uid_map/gid_map, then send SYNC_GO on the sync pipe.
 *   <li>EXEC_STATUS: the CLOEXEC status pipe closes without a byte when the process has exec'd; an
 *       EXEC_FAILED record {op, errno} names the failing op. No answer within the stall timeout
 *       means the fork of the JVM got stuck: SIGKILL, reap, retry.
 *   <li>SUPERVISE: forward signals, wait4 the child, return its status (128+N for signal N).
 * </ol>
 */
public final class Runner {
    /**
     * Attempts per run. A child found stuck in futex costs one more fork, so up to 10 (at the
     * stress bench's ~3 % stall rate under heavy GC churn, three in a row did happen once in 5,000);
     * a child that just makes no progress costs the whole stall timeout, so at most 3 of those.
     */
    static final int MAX_ATTEMPTS = 10;
    static final int MAX_TIMEOUTS = 3;
    private static final int STUCK = Integer.MIN_VALUE;
    private static final int TIMED_OUT = Integer.MIN_VALUE + 1;
    private static final boolean TIMING = System.getenv("JRUN_DEBUG_TIMING") != null;
    static final byte SYNC_GO = 'G';
    /** First-run rehearsals of the child loop (x4: both fork sides, both variants); one per run after. */
    static final int REHEARSALS = 10;
    /** First-run calls of every syscall method (counters and links; see LibcSyscalls.warmUp). */
    static final int WARM_UPS = 50;

    private static final AtomicLong RUNS = new AtomicLong();
    private static final AtomicLong STALLS_RECOVERED = new AtomicLong();
    private static final AtomicLong STALLS_UNRECOVERED = new AtomicLong();
    private static final AtomicLong INIT_HANGS_RECOVERED = new AtomicLong();
    /** Container children being supervised, for signal forwarding. */
    private static final Set<Integer> ACTIVE = ConcurrentHashMap.newKeySet();
    /** Those of them that are jrun's init (PID 1 of the container), not the process itself. */
    private static final Set<Integer> INITS = ConcurrentHashMap.newKeySet();
    private static volatile boolean warm;
    private static volatile boolean signalsInstalled;

    private final long stallTimeoutMillis;
    private final Path tempBase;
    /** Test-only: how many attempts of the next runs stall on purpose, and where (the watchdogs' tests). */
    private int injectedStalls;
    private ProgramBuilder.Stall injectedWhere = ProgramBuilder.Stall.NONE;

    public Runner() {
        this(stallTimeoutFromEnv());
    }

    public Runner(long stallTimeoutMillis) {
        this(stallTimeoutMillis, null);
    }

    /** @param tempBase where private temp dirs go (null: java.io.tmpdir) */
    Runner(long stallTimeoutMillis, Path tempBase) {
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.tempBase = tempBase;
    }

    /** Makes the next {@code attempts} runs stall at {@code where} (the watchdogs' tests). */
    Runner injectStall(ProgramBuilder.Stall where, int attempts) {
        this.injectedStalls = attempts;
        this.injectedWhere = where;
        return this;
    }

    /**
     * Starts loading JNA and warming the child's path on a background thread, so that it overlaps
     * whatever the caller does next (reading and checking the spec): JNA's load is the largest
     * piece of a cold run (docs/design.md). {@link #execute} waits for it.
     */
    public static void preloadAsync() {
        if (signalsInstalled) return;
        // A class, not a lambda: a lambda the AOT cache did not record is spun at run time (ms).
        Thread t = new Thread(new Preload(), "jrun-preload");
        t.setDaemon(true);
        t.start();
    }

    private static final class Preload implements Runnable {
        @Override
        public void run() {
            prepareJvm();
        }
    }

    /** Counters over this JVM's runs (the stress bench reads them; JRUN_DEBUG_STATS=1 prints them). */
    /**
     * @param stallsRecovered children that stalled before exec, killed and retried
     * @param stallsUnrecovered runs that stalled on every attempt (failed with 125)
     * @param initHangsRecovered inits found stuck after exec, killed, status recovered
     */
    public record Stats(long runs, long stallsRecovered, long stallsUnrecovered, long initHangsRecovered) {
        @Override
        public String toString() {
            return "runs=" + runs + " stalls_recovered=" + stallsRecovered + " stalls_unrecovered=" + stallsUnrecovered
                    + " init_hangs_recovered=" + initHangsRecovered;
        }
    }

    public static Stats stats() {
        return new Stats(RUNS.get(), STALLS_RECOVERED.get(), STALLS_UNRECOVERED.get(), INIT_HANGS_RECOVERED.get());
    }

    /**
     * Runs the plan and returns the process's exit status, or 125 after printing one line to
     * stderr when jrun itself failed.
     */
    public int run(Plan plan) {
        try {
            return execute(plan);
        } catch (RunnerException e) {
            System.err.println("jrun: " + e.getMessage());
            return 125;
        } finally {
            if ("1".equals(System.getenv("JRUN_DEBUG_STATS"))) System.err.println("jrun: stats: " + stats());
        }
    }

    /** Runs the plan: the process's exit status, 128+N if signal N killed it. */
    public int execute(Plan plan) throws RunnerException {
        RUNS.incrementAndGet();
        long t0 = System.nanoTime();
        prepareJvm();
        if (TIMING) System.err.printf("jrun: timing: prepare JVM (JNA, warm-up, signals) %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        Path tmp = null;
        try {
            tmp = tempDir(plan);
            int stalls = 0;
            int timeouts = 0;
            for (int attempt = 1; attempt <= MAX_ATTEMPTS && timeouts < MAX_TIMEOUTS; attempt++) {
                int status = attempt(plan, tmp);
                if (status != STUCK && status != TIMED_OUT) {
                    STALLS_RECOVERED.addAndGet(stalls);
                    return status;
                }
                stalls++;
                if (status == TIMED_OUT) timeouts++;
                // A fork that caught a safepoint in progress: give the VM a moment to finish it.
                backoff(attempt);
            }
            STALLS_UNRECOVERED.incrementAndGet();
            throw new RunnerException(plan, -1, "the container's setup stalled before exec " + stalls
                    + " times (" + timeouts + " of them timed out after " + stallTimeoutMillis + " ms)", 0,
                    timeouts > 0 ? "raise JRUN_STALL_TIMEOUT_MS if the setup is legitimately slow" : null);
        } finally {
            deleteTree(tmp);
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(20, 2L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One clone: the exit status, or {@link #STUCK}/{@link #TIMED_OUT} when the child was killed before exec. */
    private int attempt(Plan plan, Path tmp) throws RunnerException {
        int[] sync = pipe(plan);
        int[] status;
        try {
            status = pipe(plan);
        } catch (RunnerException e) {
            Kernel.close(sync[0]);
            Kernel.close(sync[1]);
            throw e;
        }
        boolean withInit = !plan.stepsOf(Step.StartInit.class).isEmpty();
        int pid = -1;
        int started = -1;
        ChildProgram program = null;
        TerminalRelay tty = null;
        try {
            Pty pty = wantsTerminal(plan) ? Pty.open() : null;
            if (pty != null) tty = new TerminalRelay(pty);
            ProgramBuilder.Stall stall = injectedStalls > 0 ? injectedWhere : ProgramBuilder.Stall.NONE;
            program = ProgramBuilder.build(plan, new ProgramBuilder.Setup(sync[0], status[1], pty == null ? -1 : pty.slave, tmp,
                    tmp == null ? null : tmp.resolve("root"), lastCap(), stall, ProgramBuilder.statfs(plan)));
            // An injected stall in the init is used up only by an attempt that gets past exec: a
            // real stall before exec (docs/design.md) must not swallow it.
            boolean initStall = stall.inInit();
            if (stall != ProgramBuilder.Stall.NONE && !initStall) injectedStalls--;
            if (System.getenv("JRUN_DEBUG_PROGRAM") != null) System.err.print(program);
            long t1 = System.nanoTime();
            ChildExecutor.rehearse(program, warm ? 1 : REHEARSALS);
            warm = true;
            if (TIMING) System.err.printf("jrun: timing: rehearsal %.1f ms%n", (System.nanoTime() - t1) / 1e6);
            t1 = System.nanoTime();
            long flags = SIGCHLD;
            for (Namespace n : namespaces(plan)) flags |= n.cloneFlag;
            LibcSyscalls.warmUp(1); // this thread's JNA error slot and wrappers, now, not in the child
            long r = Kernel.cloneRaw(flags);
            if (r == 0) {
                try {
                    ChildExecutor.run(LibcSyscalls.INSTANCE, program);
                } catch (Throwable t) {
                    // never let a copy of the JVM return into jrun's code
                }
                LibcSyscalls.INSTANCE.exitGroup(ChildExecutor.FAILED);
            }
            Kernel.close(sync[0]);
            sync[0] = -1;
            Kernel.close(status[1]);
            status[1] = -1;
            if (r < 0) throw cloneFailure(plan, (int) -r);
            pid = (int) r;
            started = pid;
            ACTIVE.add(pid);
            if (withInit) INITS.add(pid);
            writeIdMaps(plan, pid);
            Kernel.write(sync[1], new byte[] {SYNC_GO});
            Kernel.close(sync[1]);
            sync[1] = -1;
            int awaited = awaitExecStatus(status[0], pid);
            if (awaited != EXEC_STATUS_READY) {
                Kernel.kill(pid, SIGKILL);
                reap(pid);
                pid = -1;
                return awaited;
            }
            byte[] record = Kernel.read(status[0], 8);
            if (record.length == 8) {
                reap(pid);
                pid = -1;
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(record).order(java.nio.ByteOrder.nativeOrder());
                int op = b.getInt();
                int errno = b.getInt();
                throw new RunnerException(plan, program.stepOf(op), program.describe(op), errno, null);
            }
            if (TIMING) System.err.printf("jrun: timing: clone to exec %.1f ms%n", (System.nanoTime() - t1) / 1e6);
            if (initStall) injectedStalls--;
            deleteConfFiles(tmp); // the bind mounts hold the inodes now
            if (tty != null) tty.start();
            int code = withInit ? superviseInit(pid) : Kernel.exitCode(Kernel.waitFor(pid));
            if (code == STATUS_LOST) {
                pid = -1;
                STALLS_UNRECOVERED.incrementAndGet();
                throw new RunnerException(plan, -1, "the container's init stopped responding after the process had"
                        + " exited, and the process's exit status is lost", 0, null);
            }
            pid = -1;
            return code;
        } catch (SyscallException e) {
            throw new RunnerException(plan, -1, e.getMessage().replaceFirst(": [A-Z0-9]+ \\(.*", ""), e.errno, null);
        } finally {
            if (pid > 0) { // an exception between clone and wait: leave nothing behind
                Kernel.kill(pid, SIGKILL);
                reap(pid);
            }
            if (started > 0) {
                ACTIVE.remove(started);
                INITS.remove(started);
            }
            if (tty != null) tty.close();
            for (int fd : sync) Kernel.close(fd);
            for (int fd : status) Kernel.close(fd);
            if (program != null) program.close();
        }
    }

    /**
     * Waits for EXEC_OK/EXEC_FAILED. A child found asleep in futex(2) is stuck for good (docs/design.md),
     * so it is given up at once instead of after the whole stall timeout.
     */
    private int awaitExecStatus(int fd, int pid) throws SyscallException {
        long deadline = System.nanoTime() + stallTimeoutMillis * 1_000_000L;
        long slice = 5;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) return TIMED_OUT;
            if (Kernel.pollIn(fd, Math.min(left, slice))) return EXEC_STATUS_READY;
            if (Kernel.stuckInFutex(pid)) return STUCK;
            slice = 20;
        }
    }

    private static final int EXEC_STATUS_READY = 0;
    /** superviseInit: the init was killed and the process's status could not be found. */
    private static final int STATUS_LOST = Integer.MIN_VALUE + 2;

    /**
     * Waits for an init (a JVM copy that keeps running Java after exec, so in theory it can still
     * block: docs/design.md). The process is its first child; if that process has been a zombie
     * for a second and the init has neither reaped it nor exited, the init is stuck: the status is
     * read from the zombie's /proc/PID/stat (exit_code) and the init is killed.
     */
    private static int superviseInit(int init) throws SyscallException {
        int process = Kernel.firstChild(init);
        String[] first = process > 0 ? Kernel.stat(process) : null;
        int pidfd;
        try {
            pidfd = Kernel.pidfdOpen(init);
        } catch (SyscallException e) {
            return Kernel.exitCode(Kernel.waitFor(init)); // pidfd_open is Linux 5.3+: wait plainly
        }
        try {
            long zombieSince = 0;
            long stuckSince = 0;
            while (true) {
                if (Kernel.pollIn(pidfd, 250)) return Kernel.exitCode(Kernel.waitFor(init));
                if (first == null) {
                    // Not expected: the init never reaps the process (ChildExecutor.initLoop). But
                    // should the process be gone and the init blocked, jrun must not wait forever.
                    if (!Kernel.stuckInFutex(init)) {
                        stuckSince = 0;
                    } else if (stuckSince == 0) {
                        stuckSince = System.nanoTime();
                    } else if (System.nanoTime() - stuckSince > 1_000_000_000L) {
                        Kernel.kill(init, SIGKILL);
                        Kernel.waitFor(init);
                        return STATUS_LOST;
                    }
                    continue;
                }
                String[] now = Kernel.stat(process);
                if (now == null || !now[19].equals(first[19])) { // reaped, as it should be
                    first = null;
                    continue;
                }
                if (!now[0].equals("Z")) continue;
                if (zombieSince == 0) {
                    zombieSince = System.nanoTime();
                } else if (System.nanoTime() - zombieSince > 1_000_000_000L && now.length > 49) {
                    Kernel.kill(init, SIGKILL);
                    Kernel.waitFor(init);
                    INIT_HANGS_RECOVERED.incrementAndGet();
                    return Kernel.exitCode(Integer.parseInt(now[49]));
                }
            }
        } finally {
            Kernel.close(pidfd);
        }
    }

    /** A terminal for the process only when the spec asks for one and jrun has one to give. */
    private static boolean wantsTerminal(Plan plan) {
        List<Step.Exec> exec = plan.stepsOf(Step.Exec.class);
        return !exec.isEmpty() && exec.get(0).terminal() && Pty.isTerminal(0);
    }

    private static void reap(int pid) {
        try {
            Kernel.waitFor(pid);
        } catch (SyscallException ignored) {
            // ECHILD: already reaped
        }
        ACTIVE.remove(pid);
    }

    private static int[] pipe(Plan plan) throws RunnerException {
        try {
            return Kernel.pipe();
        } catch (SyscallException e) {
            throw new RunnerException(plan, -1, "pipe2", e.errno, null);
        }
    }

    private static int CreateNamespacesIndex(Plan plan) {
        List<Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) if (steps.get(i) instanceof Step.CreateNamespaces) return i;
        return -1;
    }

    private static Set<Namespace> namespaces(Plan plan) {
        List<Step.CreateNamespaces> c = plan.stepsOf(Step.CreateNamespaces.class);
        return c.isEmpty() ? Set.of() : c.get(0).namespaces();
    }

    private static RunnerException cloneFailure(Plan plan, int errno) {
        Set<Namespace> ns = namespaces(plan);
        StringBuilder names = new StringBuilder();
        for (Namespace n : ns) names.append(names.length() == 0 ? "" : ", ").append(n.specName());
        String hint = null;
        if (errno == Errno.EPERM && !ns.contains(Namespace.USER) && !ns.isEmpty() && !HostInfo.current().root()) {
            hint = "without a user namespace, creating namespaces needs root (CAP_SYS_ADMIN): add user to namespaces";
        }
        return new RunnerException(plan, CreateNamespacesIndex(plan), "clone with namespaces " + names, errno, hint);
    }

    private static RunnerException failure(Plan plan, int stepIndex, String what, int errno) {
        return new RunnerException(plan, stepIndex, what, errno, null);
    }

    /** user_namespaces(7): "deny" before gid_map when unprivileged; each map in a single write. */
    private static void writeIdMaps(Plan plan, int pid) throws RunnerException {
        List<Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (!(steps.get(i) instanceof Step.WriteIdMaps m)) continue;
            String file = null;
            try {
                if (m.denySetgroups()) {
                    file = "/proc/" + pid + "/setgroups";
                    Kernel.writeFile(file, "deny");
                }
                file = "/proc/" + pid + "/uid_map";
                Kernel.writeFile(file, mapText(m.uid()));
                file = "/proc/" + pid + "/gid_map";
                Kernel.writeFile(file, mapText(m.gid()));
            } catch (SyscallException e) {
                String hint = null;
                boolean single = m.uid().size() == 1 && m.uid().get(0).size() == 1 && m.gid().size() == 1 && m.gid().get(0).size() == 1;
                if (e.errno == Errno.EPERM && m.denySetgroups() && !single) {
                    hint = "an unprivileged user may map only its own uid and gid (one line of size 1); "
                            + "wider idMappings need root (or newuidmap/newgidmap, not supported yet)";
                }
                throw new RunnerException(plan, i, "write " + file.replace("/" + pid + "/", "/PID/"), e.errno, hint);
            }
        }
    }

    private static String mapText(List<Step.IdMapLine> lines) {
        StringBuilder b = new StringBuilder();
        for (Step.IdMapLine l : lines) b.append(l).append('\n');
        return b.toString();
    }

    /**
     * A private directory (0700) for generated conf files and a host root's mount point; null when
     * the plan needs neither. As root with a custom id map, it belongs to the host uid the
     * container's root maps to, which must be able to reach it to bind-mount from it.
     */
    private Path tempDir(Plan plan) throws RunnerException {
        boolean conf = !plan.stepsOf(Step.ConfFile.class).isEmpty();
        boolean hostRoot = !plan.stepsOf(Step.HostRoot.class).isEmpty();
        for (Step.BindRootfs b : plan.stepsOf(Step.BindRootfs.class)) hostRoot |= b.readonly();
        if (!conf && !hostRoot) return null;
        try {
            Path dir = privateDir(tempBase == null ? Path.of(System.getProperty("java.io.tmpdir")) : tempBase);
            if (hostRoot) {
                Files.createDirectory(dir.resolve("root"));
                Files.createDirectory(dir.resolve("layer"));
            }
            long owner = containerRootHostUid(plan);
            if (owner >= 0) {
                Files.setAttribute(dir, "unix:uid", (int) owner);
                if (hostRoot) {
                    Files.setAttribute(dir.resolve("root"), "unix:uid", (int) owner);
                    Files.setAttribute(dir.resolve("layer"), "unix:uid", (int) owner);
                }
            }
            return dir;
        } catch (IOException | UnsupportedOperationException e) {
            throw new RunnerException(plan, -1, "create a private temp dir: " + e.getMessage(), 0, "check TMPDIR / java.io.tmpdir");
        }
    }

    /**
     * A new 0700 directory in {@code base}. Not Files.createTempDirectory: its SecureRandom costs
     * ~10 ms of a cold start. mkdir(2) never follows a planted symlink and fails on any existing
     * name, so a guessed name only costs another try.
     */
    static Path privateDir(Path base) throws IOException {
        var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        for (int i = 0; ; i++) {
            Path dir = base.resolve("jrun-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
            try {
                return Files.createDirectory(dir, mode);
            } catch (FileAlreadyExistsException e) {
                if (i == 100) throw e;
            }
        }
    }

    private static long containerRootHostUid(Plan plan) {
        for (Step.WriteIdMaps m : plan.stepsOf(Step.WriteIdMaps.class)) {
            for (Step.IdMapLine l : m.uid()) {
                if (l.container() == 0 && l.host() != 0 && !m.denySetgroups()) return l.host();
            }
        }
        return -1;
    }

    private static void deleteConfFiles(Path tmp) {
        if (tmp == null) return;
        String[] names = tmp.toFile().list();
        if (names == null) return; // deleteTree tries again at the end
        for (String n : names) {
            if (n.startsWith("f")) new File(tmp.toFile(), n).delete();
        }
    }

    /** Depth first, without following symlinks. Plain java.io: Files.walk's streams cost ms of a cold start. */
    static void deleteTree(Path dir) {
        if (dir != null) deleteTree(dir.toFile());
    }

    private static void deleteTree(File f) {
        if (Files.isDirectory(f.toPath(), LinkOption.NOFOLLOW_LINKS)) {
            String[] names = f.list();
            if (names != null) {
                for (String n : names) deleteTree(new File(f, n));
            }
        }
        f.delete();
    }

    private static int lastCap;

    private static int lastCap() {
        if (lastCap == 0) {
            try {
                // One read(2): sysctl files answer a read at a non-zero offset with nothing, and
                // Files.readString reads in pieces here, which returned "4" for "40" and left
                // container root with CAP_SYS_ADMIN (caught by ContainerTest's capability check).
                try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/sys/kernel/cap_last_cap")) {
                    byte[] b = new byte[32];
                    int n = in.read(b);
                    lastCap = Integer.parseInt(new String(b, 0, Math.max(n, 0), StandardCharsets.US_ASCII).trim());
                }
            } catch (IOException | NumberFormatException e) {
                lastCap = 40; // CAP_CHECKPOINT_RESTORE, the last one in Linux 6.x
            }
        }
        return lastCap;
    }

    private static void prepareJvm() {
        if (signalsInstalled) return;
        synchronized (Runner.class) {
            if (signalsInstalled) return;
            long t = System.nanoTime();
            LibcSyscalls.warmUp(1); // loads JNA and binds the native: the first call pays for both
            long loaded = System.nanoTime();
            LibcSyscalls.warmUp(WARM_UPS);
            long warmed = System.nanoTime();
            installSignalForwarding();
            if (TIMING) {
                System.err.printf("jrun: timing: JNA load+bind %.1f ms, warm-up %.1f ms, signal handlers %.1f ms%n",
                        (loaded - t) / 1e6, (warmed - loaded) / 1e6, (System.nanoTime() - warmed) / 1e6);
            }
        }
    }

    /**
     * Signals sent to jrun go to the container (its init forwards them on). The JVM keeps SIGQUIT
     * (thread dumps) and SIGUSR2 for itself on HotSpot, so those two may be refused here.
     */
    private static void installSignalForwarding() {
        if (signalsInstalled) return;
        signalsInstalled = true;
        for (String name : new String[] {"INT", "TERM", "HUP", "QUIT", "USR1", "USR2"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (ACTIVE.isEmpty()) {
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                    forward(sig.getNumber());
                });
            } catch (IllegalArgumentException refused) {
                // used by the VM
            }
        }
    }

    /**
     * Sends {@code sig} to every running container: to the process, or to its init, which passes
     * it on. An init blocked in futex (a JVM copy caught in a safepoint begun at the fork:
     * docs/design.md) would sit on it, so then the process gets it straight from here.
     */
    static void forward(int sig) {
        for (int pid : ACTIVE) {
            Kernel.kill(pid, sig);
            if (INITS.contains(pid) && Kernel.inFutex(pid)) {
                int process = Kernel.firstChild(pid);
                if (process > 0) Kernel.kill(process, sig);
            }
        }
    }

    private static long stallTimeoutFromEnv() {
        String v = System.getenv("JRUN_STALL_TIMEOUT_MS");
        try {
            return v == null ? 2000 : Math.max(1, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 2000;
        }
    }

    static Set<Integer> active() {
        return ACTIVE;
    }
}
