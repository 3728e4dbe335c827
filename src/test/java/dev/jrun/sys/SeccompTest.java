package dev.jrun.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jrun.security.SeccompProfile;
import dev.jrun.security.SeccompProfileTest;
import dev.jrun.sys.Seccomp.Note;
import dev.jrun.sys.Seccomp.Program;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Compiling profiles with libseccomp. What the filters do on the kernel: {@link SeccompProbeTest}. */
class SeccompTest {
    static SeccompProfile docker() {
        return SeccompProfile.defaultProfile().resolve(SeccompProfileTest.DOCKER_CAPS);
    }

    static SeccompProfile profile(String syscalls) throws Exception {
        return SeccompProfile.parse("t.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [" + syscalls + "]}");
    }

    @Test
    void defaultProfileCompilesToAFilterTheKernelTakes() throws Exception {
        Program p = Seccomp.compile(docker());
        byte[] bpf = p.bpf();
        assertTrue(bpf.length > 0);
        assertEquals(0, bpf.length % Seccomp.SOCK_FILTER_SIZE);
        assertTrue(p.instructions() <= Seccomp.BPF_MAXINSNS, p.instructions() + " instructions");
        // Syscalls of Linux 6.8-6.13 that Docker allows and libseccomp learnt in 2.6: skipped, so EPERM until then.
        Set<String> newer = Set.of("listmount", "statmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
                "mseal", "uretprobe", "getxattrat", "listxattrat", "removexattrat", "setxattrat");
        for (Note n : p.notes()) {
            assertEquals(Note.Kind.UNKNOWN_SYSCALL, n.kind(), n.toString());
            assertTrue(newer.contains(n.syscall()), n.toString());
            assertTrue(n.pointer().startsWith("/syscalls/0/names/"), n.toString());
        }
        // libseccomp's filters start by loading seccomp_data.arch: BPF_LD|BPF_W|BPF_ABS, k = 4
        ByteBuffer first = ByteBuffer.wrap(bpf, 0, 8).order(ByteOrder.nativeOrder());
        assertEquals(0x20, first.getShort(0));
        assertEquals(4, first.getInt(4));
    }

    @Test
    void theSameProfileGivesTheSameBytes() throws Exception {
        assertArrayEquals(Seccomp.compile(docker()).bpf(), Seccomp.compile(docker()).bpf());
        Set<String> caps = new HashSet<>(SeccompProfileTest.DOCKER_CAPS);
        caps.add("CAP_SYS_ADMIN");
        byte[] admin = Seccomp.compile(SeccompProfile.defaultProfile().resolve(caps)).bpf();
        assertFalse(Arrays.equals(Seccomp.compile(docker()).bpf(), admin));
    }

    @Test
    void unknownNamesAreSkippedAndReported() throws Exception {
        Program p = Seccomp.compile(profile("{\"names\": [\"getpid\", \"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"}"));
        assertEquals(1, p.notes().size());
        Note n = p.notes().get(0);
        assertEquals(Note.Kind.UNKNOWN_SYSCALL, n.kind());
        assertEquals("no_such_call", n.syscall());
        assertEquals("/syscalls/0/names/1", n.pointer());
        assertTrue(n.message().startsWith("unknown syscall \"no_such_call\": libseccomp 2."), n.message());
        assertEquals(Seccomp.compile(profile("{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}")).bpf().length, p.bpf().length);
    }

    @Test
    void aRuleThatRepeatsTheDefaultIsSkipped() throws Exception {
        // libseccomp refuses it (EACCES); runc and crun skip it
        Program p = Seccomp.compile(profile("{\"names\": [\"keyctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}"));
        assertEquals(List.of(), p.notes());
        assertArrayEquals(Seccomp.compile(profile("")).bpf(), p.bpf());
    }

    @Test
    void theFirstUnconditionalRuleWins() throws Exception {
        Program p = Seccomp.compile(profile("{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                + "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 2}"));
        assertEquals(List.of(new Note(Note.Kind.SHADOWED, "getpid", "/syscalls/1",
                "the rule at /syscalls/0 decides every call of getpid (SCMP_ACT_ALLOW), so this one never applies")), p.notes());
        assertArrayEquals(Seccomp.compile(profile("{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}")).bpf(), p.bpf());
    }

    @Test
    void anUnconditionalRuleReplacesEarlierConditionalOnes() throws Exception {
        Program p = Seccomp.compile(profile(
                "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 3, \"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"}]},"
                        + "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\"}"));
        assertEquals(List.of(new Note(Note.Kind.SHADOWED, "getppid", "/syscalls/0",
                "the rule at /syscalls/1 decides every call of getppid (SCMP_ACT_ALLOW), so this one never applies")), p.notes());
    }

    @Test
    void sameConditionsWithAnotherActionKeepTheFirstInsteadOfFailing() throws Exception {
        String arg = "\"args\": [{\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"}]";
        Program p = Seccomp.compile(profile("{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\", " + arg + "},"
                + "{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 3, " + arg + "}"));
        assertEquals(List.of(new Note(Note.Kind.CONFLICT, "getppid", "/syscalls/1/args",
                "the rule at /syscalls/0 has the same conditions for getppid and the action SCMP_ACT_ALLOW, which wins")), p.notes());
        assertArrayEquals(Seccomp.compile(profile("{\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ALLOW\", " + arg + "}")).bpf(), p.bpf());
    }

    @Test
    void twoConditionsOnOneArgumentAreSplitAsRuncDoes() throws Exception {
        Program p = Seccomp.compile(profile("{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": ["
                + "{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}"));
        assertEquals(1, p.notes().size());
        assertEquals(Note.Kind.SPLIT, p.notes().get(0).kind());
        assertArrayEquals(Seccomp.compile(profile(
                "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
                        + "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}")).bpf(),
                p.bpf());
    }

    @Test
    void onlyResolvedProfilesCompile() {
        assertThrows(IllegalArgumentException.class, () -> Seccomp.compile(SeccompProfile.defaultProfile()));
    }

    @Test
    void libseccompsOwnListOfNames() throws Exception {
        assertTrue(Seccomp.version().startsWith("2."), Seccomp.version());
        assertTrue(Seccomp.isKnown("getpid"));
        assertTrue(Seccomp.isKnown("mmap2"), "an x86 and arm syscall is a name libseccomp knows");
        assertFalse(Seccomp.isKnown("no_such_call"));
        List<String> names = Seccomp.knownSyscallNames();
        assertTrue(names.containsAll(List.of("getpid", "clone3", "unshare", "keyctl")), names.toString());
        assertTrue(names.size() > 400, names.size() + " names");
        assertEquals(names.stream().sorted().toList(), names);
    }

    @Test
    void aMissingLibseccompIsNamed() {
        String why = Seccomp.bind("libseccomp.so.99");
        assertNotNull(why);
        assertTrue(why.startsWith("cannot load libseccomp.so.99: jrun builds seccomp filters with libseccomp;"), why);
        assertTrue(why.contains("apt-get install libseccomp2"), why);
    }
}
