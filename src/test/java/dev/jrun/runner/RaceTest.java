package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.jrun.runner.Jrun.Mode;
import dev.jrun.runner.Jrun.Result;
import dev.jrun.sys.LibcSyscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rootfs owner races jrun's mount-point creation: while jrun runs, a thread keeps exchanging
 * the rootfs's directory {@code data} with a symlink {@code link} to a directory outside the
 * rootfs (renameat2(RENAME_EXCHANGE), atomic, so at every instant one of the two names is the
 * symlink). A runtime that resolves {@code /data/sub/deep} once and then mkdirs and mounts on the
 * resulting host path string follows the symlink out whenever the swap lands in between; one
 * that walks with openat2(RESOLVE_IN_ROOT) or O_NOFOLLOW file descriptors never leaves the rootfs.
 */
@Tag("container")
class RaceTest {
    /** x86_64 renameat2(2); RENAME_EXCHANGE from linux/fs.h; AT_FDCWD from fcntl.h. */
    private static final int SYS_RENAMEAT2_X86_64 = 316;
    private static final int RENAME_EXCHANGE = 2;
    private static final int AT_FDCWD = -100;
    private static final int RUNS = 200;

    private static Set<String> mountsBefore;

    @BeforeAll
    static void snapshot() throws Exception {
        Jrun.home();
        mountsBefore = Jrun.hostMounts();
    }

    @AfterAll
    static void nothingLeftOnTheHost() throws Exception {
        if (mountsBefore == null) return;
        assertEquals(mountsBefore, Jrun.hostMounts(), "the host's mount table changed");
        assertEquals(List.of(), Jrun.processesWith("JRUN_IT=w-"), "container processes outlived their runs");
    }

    @Test
    void aSymlinkSwappedInDuringSetupNeverLeadsMountPointsOutOfTheRootfs() throws Exception {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the swapper calls renameat2 by its x86_64 number");
        Path dir = Jrun.workdir();
        String marker = dir.getFileName().toString();
        try {
            Path root = Jrun.copyOfRootfs(dir.resolve("rootfs"));
            Path outside = Files.createDirectory(dir.resolve("outside"));
            Files.createDirectory(root.resolve("data"));
            Files.createSymbolicLink(root.resolve("link"), outside);
            String yaml = "version: 1\nname: race\nrootfs: {path: " + root + ", readonly: false}\n"
                    + "mounts:\n  - {destination: /data/sub/deep, type: tmpfs}\n"
                    + "process:\n  args: [/bin/true]\n  env: {JRUN_IT: " + marker + "}\n";
            // One run without the swapper: the spec works, and its plan is cached for the others.
            Result first = Jrun.run(Mode.ROOT, dir, yaml);
            assertEquals(0, first.exit(), first.toString());
            assertEquals(List.of(), listing(outside));

            Swapper swapper = new Swapper(root.resolve("data"), root.resolve("link"));
            List<String> escapes = new ArrayList<>();
            Map<Integer, Integer> exits = new TreeMap<>();
            Set<String> errors = new TreeSet<>();
            swapper.start();
            try {
                for (int i = 0; i < RUNS; i++) {
                    Result r = Jrun.run(Mode.ROOT, dir, yaml);
                    exits.merge(r.exit(), 1, Integer::sum);
                    if (r.exit() != 0 && errors.size() < 3) errors.add(r.err().replace(dir.toString(), "DIR").lines().findFirst().orElse(""));
                    List<String> made = listing(outside);
                    if (!made.isEmpty()) {
                        escapes.add("run " + i + ": " + made);
                        clear(outside);
                    }
                    for (String d : Jrun.privateDirs(dir)) Jrun.deleteTree(dir.resolve("tmp").resolve(d));
                }
            } finally {
                swapper.stop();
            }
            assertNull(swapper.failure, swapper.failure);
            assertTrue(swapper.swaps.get() > RUNS, "the swapper hardly ran: " + swapper.swaps.get() + " swaps");
            assertEquals(List.of(), escapes, escapes.size() + " of " + RUNS + " runs created directories outside the rootfs, in "
                    + outside + " (exit statuses " + exits + ", " + swapper.swaps.get() + " swaps; failed runs said e.g. " + errors + ")");
        } finally {
            assertEquals(List.of(), Jrun.processesWith(marker), "a process of this test's runs is still alive");
            Jrun.deleteTree(dir);
        }
    }

    /** Exchanges two names in a tight loop until stopped. */
    private static final class Swapper implements Runnable {
        private final Memory a;
        private final Memory b;
        private final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong swaps = new AtomicLong();
        private Thread thread;
        volatile String failure;

        Swapper(Path a, Path b) {
            this.a = cString(a.toString());
            this.b = cString(b.toString());
        }

        private static Memory cString(String s) {
            Memory m = new Memory(s.length() * 4L + 1);
            m.setString(0, s, "UTF-8");
            return m;
        }

        void start() {
            thread = new Thread(this, "renameat2-swapper");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(5000);
            assertFalse(thread.isAlive(), "the swapper did not stop");
        }

        @Override
        public void run() {
            long pa = Pointer.nativeValue(a);
            long pb = Pointer.nativeValue(b);
            while (!stop.get()) {
                long r = LibcSyscalls.sys(SYS_RENAMEAT2_X86_64, AT_FDCWD, pa, AT_FDCWD, pb, RENAME_EXCHANGE, 0);
                if (r < 0) {
                    failure = "renameat2(RENAME_EXCHANGE): errno " + -r;
                    return;
                }
                swaps.incrementAndGet();
            }
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static void clear(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) Jrun.deleteTree(p);
        }
    }
}
