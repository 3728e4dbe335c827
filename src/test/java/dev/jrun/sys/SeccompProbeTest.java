package dev.jrun.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jrun.security.SeccompProfile;
import dev.jrun.security.SeccompProfileTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled filter on the real kernel: {@link SeccompProbeMain} loads it in a JVM of its own
 * (never this one) and reports what its syscalls got. An allow-all filter is the control: every
 * EPERM asserted here must come from the default profile, not from the kernel or the host.
 */
class SeccompProbeTest {
    @TempDir Path dir;

    @Test
    void defaultProfileDeniesWhatDockerDenies() throws Exception {
        Map<String, String> r = probe(SeccompProfile.defaultProfile().resolve(SeccompProfileTest.DOCKER_CAPS));
        assertEquals("ok", r.get("load"), r.toString());
        assertEquals("2", r.get("seccomp"), "the probe's thread runs under a filter: " + r);
        assertEquals("0", r.get("seccomp_before"), r.toString());
        assertEquals("ok", r.get("getpid"), r.toString());
        assertEquals("ok", r.get("socket_unix"), r.toString());
        assertEquals("ok", r.get("thread"), "glibc falls back from clone3 to clone: " + r);
        for (String denied : List.of("unshare_user", "unshare_uts", "clone_newuser", "keyctl", "bpf", "socket_vsock")) {
            assertEquals("EPERM", r.get(denied), denied + ": " + r);
        }
        assertEquals("ENOSYS", r.get("clone3"), r.toString());
        assertEquals("ENOENT", r.get("fchmodat2"), "allowed, so the kernel looks for the file: " + r);
    }

    @Test
    void allowAllFilterIsTheControl() throws Exception {
        Map<String, String> r = probe(SeccompProfile.parse("allow-all.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}"));
        assertEquals("ok", r.get("load"), r.toString());
        assertEquals("2", r.get("seccomp"), r.toString());
        for (String call : List.of("unshare_user", "clone_newuser", "keyctl", "socket_vsock")) {
            assertNotEquals("EPERM", r.get(call), call + " must not be refused by the host itself: " + r);
        }
        // the kernel's own answers: a JVM is multithreaded, CLONE_THREAD needs CLONE_SIGHAND, size 0 is too small
        assertEquals("EINVAL", r.get("unshare_user"), r.toString());
        assertEquals("EINVAL", r.get("clone_newuser"), r.toString());
        assertEquals("EINVAL", r.get("clone3"), r.toString());
        assumeTrue(isRoot(), "bpf(2) and unshare(CLONE_NEWUTS) are root's");
        assertEquals("EINVAL", r.get("bpf"), r.toString());
        assertEquals("ok", r.get("unshare_uts"), r.toString());
    }

    @Test
    void capSysAdminAllowsNamespaces() throws Exception {
        Set<String> caps = new java.util.HashSet<>(SeccompProfileTest.DOCKER_CAPS);
        caps.add("CAP_SYS_ADMIN");
        Map<String, String> r = probe(SeccompProfile.defaultProfile().resolve(caps));
        assertEquals("ok", r.get("load"), r.toString());
        assertEquals("EINVAL", r.get("unshare_user"), "the kernel's answer to a multithreaded caller: " + r);
        assertEquals("EINVAL", r.get("clone_newuser"), r.toString());
        assertEquals("EINVAL", r.get("clone3"), r.toString());
        assertEquals("EPERM", r.get("keyctl"), "no capability allows keyctl: " + r);
        assertEquals("ok", r.get("thread"), r.toString());
        assumeTrue(isRoot(), "bpf(2) and unshare(CLONE_NEWUTS) are root's");
        assertEquals("EINVAL", r.get("bpf"), r.toString());
        assertEquals("ok", r.get("unshare_uts"), r.toString());
    }

    private Map<String, String> probe(SeccompProfile profile) throws Exception {
        Path bpf = dir.resolve("filter.bpf");
        Files.write(bpf, Seccomp.compile(profile).bpf());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), SeccompProbeMain.class.getName(), bpf.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe hung");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) results.put(line.substring(0, eq), line.substring(eq + 1));
        }
        System.out.println(profile.syscalls().size() + " rules: " + results); // in target/surefire-reports
        return results;
    }

    private static boolean isRoot() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("Uid:")) return l.split("\\s+")[2].equals("0");
        }
        return false;
    }
}
