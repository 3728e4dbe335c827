package dev.jrun.runner;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What users run: bin/jrun with the shaded jar and the AOT caches `make build` made, copied with
 * their mtimes to a directory nobody can read, as root and as nobody. The other container tests
 * run the classes; this one checks the artifact and its cold-start machinery.
 */
@Tag("container")
class LauncherTest {
    static Path dist;

    @BeforeAll
    static void copyTheBuild() throws Exception {
        Path repo = Path.of(System.getProperty("jrun.repo", "."));
        assumeTrue(Files.isReadable(repo.resolve("target/jrun.jar")), "no target/jrun.jar: run make build");
        dist = Jrun.home().resolve("dist");
        for (String f : List.of("bin/jrun", "target/jrun.jar", "build/jna/libjnidispatch.so", "build/jrun.aot", "build/run.aot")) {
            Path from = repo.resolve(f);
            if (!Files.exists(from)) continue;
            Path to = dist.resolve(f);
            Files.createDirectories(to.getParent());
            // the mtimes too: the JVM refuses an AOT cache whose jar looks different
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
        Jrun.sh(List.of("chmod", "-R", "a+rX", dist.toString()));
    }

    record Run(int exit, String out, String err) {}

    static Run jrun(Jrun.Mode mode, Path dir, String jvmOpts, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (mode == Jrun.Mode.ROOTLESS) {
            cmd.addAll(List.of("setpriv", "--reuid=" + Jrun.NOBODY, "--regid=" + Jrun.NOBODY, "--clear-groups"));
        }
        cmd.add(dist.resolve("bin/jrun").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        pb.environment().remove("JRUN_HINT_KEY");
        if (jvmOpts != null) pb.environment().put("JRUN_JVM_OPTS", jvmOpts); else pb.environment().remove("JRUN_JVM_OPTS");
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("bin/jrun did not finish in 30 s");
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    static Path specDir(String script) throws Exception {
        Path dir = Jrun.workdir();
        Files.createDirectory(dir.resolve("cache"));
        Jrun.sh(List.of("chmod", "a+rwx", dir.resolve("cache").toString()));
        Files.writeString(dir.resolve("spec.yaml"), Jrun.spec(script));
        return dir;
    }

    @ParameterizedTest
    @EnumSource(Jrun.Mode.class)
    void theShippedLauncherRunsContainers(Jrun.Mode mode) throws Exception {
        Path dir = specDir("echo \"in $(hostname) as $(id -u)\"; exit 42");
        for (int i = 0; i < 2; i++) { // a plan-cache miss, then a hit
            Run r = jrun(mode, dir, null, "spec.yaml");
            assertEquals(42, r.exit(), r.err());
            assertEquals("in it as 0\n", r.out());
            assertEquals("", r.err());
        }
        assertEquals(0, jrun(mode, dir, null, "--version").exit());
        assertEquals(2, jrun(mode, dir, null, "lint", "no-such-dir").exit());
    }

    @Test
    void aColdRunStartsNoLoggingFramework() throws Exception {
        Path dir = specDir("true");
        Run r = jrun(Jrun.Mode.ROOT, dir, "-Xlog:class+init=info:file=" + dir.resolve("init.log"), "spec.yaml");
        assertEquals(0, r.exit(), r.err());
        String log = Files.readString(dir.resolve("init.log"));
        assertTrue(log.contains("'com/sun/jna/Native'"), "JNA was not loaded?\n" + log);
        // JNA logs through dev.jrun.jul (pom.xml relocation); exit is Runtime.halt (Main)
        assertFalse(log.contains("'java/util/logging/LogManager'"), "java.util.logging started on a run");
        assertFalse(log.contains("'java/util/ServiceLoader'"), "a ServiceLoader scan on a run");
    }

    @Test
    void aSpecWhosePlanIsCachedStartsWithTheRunCache() throws Exception {
        assumeTrue(Files.size(dist.resolve("build/run.aot")) > 0, "no run AOT cache: JDK 25 is not installed");
        Path dir = specDir("true");
        Path aotLog = dir.resolve("aot.log");
        String opts = "-Xlog:aot=info:file=" + aotLog;
        assertEquals(0, jrun(Jrun.Mode.ROOT, dir, opts, "spec.yaml").exit());
        assertTrue(Files.readString(aotLog).contains("build/jrun.aot"), "a first run uses the cache for everything");
        Path hint = dir.resolve("cache/jrun/hot/" + dir.resolve("spec.yaml").toString().replace("%", "%25").replace('/', '%'));
        assertTrue(Files.isRegularFile(hint), "no hint left for the launcher");
        assertEquals(0, jrun(Jrun.Mode.ROOT, dir, opts, "run", "spec.yaml").exit());
        assertTrue(Files.readString(aotLog).contains("build/run.aot"), Files.readString(aotLog));
        // an edited spec: the plan cache will miss, so the launcher must not pick the run cache
        Files.setLastModifiedTime(dir.resolve("spec.yaml"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertEquals(0, jrun(Jrun.Mode.ROOT, dir, opts, "spec.yaml").exit());
        assertTrue(Files.readString(aotLog).contains("build/jrun.aot"), Files.readString(aotLog));
    }
}
