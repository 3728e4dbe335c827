package dev.jrun.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jrun.security.SeccompProfile.Action;
import dev.jrun.security.SeccompProfile.Arg;
import dev.jrun.security.SeccompProfile.InvalidProfileException;
import dev.jrun.security.SeccompProfile.Op;
import dev.jrun.security.SeccompProfile.Rule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class SeccompProfileTest {
    /** Docker's default capabilities (Linux.DOCKER_DEFAULT_CAPS) by name: without CAP_SYS_ADMIN. */
    public static final Set<String> DOCKER_CAPS = Set.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    /** CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP */
    static final long NAMESPACE_FLAGS = 0x7E020000L;

    static SeccompProfile docker() {
        return SeccompProfile.defaultProfile().resolve(DOCKER_CAPS, "amd64", "6.18.0");
    }

    static SeccompProfile with(String cap) {
        Set<String> caps = new HashSet<>(DOCKER_CAPS);
        caps.add(cap);
        return SeccompProfile.defaultProfile().resolve(caps, "x86_64", "6.18.0");
    }

    // ---- the default profile ----

    @Test
    void defaultProfileIsDockersShape() {
        SeccompProfile p = SeccompProfile.defaultProfile();
        assertEquals(Action.errno(1), p.defaultAction());
        assertEquals(27, p.syscalls().size());
        assertEquals(2, p.archMap().size());
        assertFalse(p.isResolved());
        assertTrue(p.syscalls().get(0).names().size() > 300, "the allow-list");
        assertEquals("default-seccomp.json:20:5", p.locate("/syscalls/0").toString());
    }

    @Test
    void whatDockerDeniesIsNotAllowed() {
        SeccompProfile p = docker();
        assertTrue(p.isResolved());
        for (String name : List.of("keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
                "kexec_load", "kexec_file_load", "open_by_handle_at", "init_module", "finit_module", "delete_module",
                "unshare", "setns", "mount", "umount2", "pivot_root", "swapon", "reboot", "settimeofday",
                "iopl", "acct", "syslog", "quotactl", "lookup_dcookie", "fsopen", "open_tree", "move_mount", "vhangup")) {
            assertEquals(List.of(), p.rulesFor(name), name + " falls to the default action, EPERM");
        }
    }

    @Test
    void withoutSysAdminCloneMayNotCreateNamespacesAndClone3IsEnosys() {
        SeccompProfile p = docker();
        List<Rule> clone = p.rulesFor("clone");
        assertEquals(1, clone.size());
        assertEquals(List.of(new Arg(0, NAMESPACE_FLAGS, 0, Op.MASKED_EQ)), clone.get(0).args());
        assertEquals(Action.ALLOW, clone.get(0).action());
        List<Rule> clone3 = p.rulesFor("clone3");
        assertEquals(1, clone3.size());
        assertEquals(Action.errno(38), clone3.get(0).action());
        assertTrue(clone3.get(0).args().isEmpty());
    }

    @Test
    void sysAdminAllowsNamespacesAndMounts() {
        SeccompProfile p = with("CAP_SYS_ADMIN");
        for (String name : List.of("unshare", "setns", "clone", "clone3", "mount", "umount2", "bpf", "perf_event_open")) {
            List<Rule> rules = p.rulesFor(name);
            assertEquals(1, rules.size(), name);
            assertEquals(Action.ALLOW, rules.get(0).action(), name);
            assertTrue(rules.get(0).args().isEmpty(), name + " unconditionally");
        }
        assertEquals(List.of(), p.rulesFor("keyctl"));
    }

    @Test
    void capabilitiesGateTheirOwnCallsAndNamesNeedNoPrefix() {
        assertEquals(List.of(), docker().rulesFor("finit_module"));
        assertEquals(1, with("CAP_SYS_MODULE").rulesFor("finit_module").size());
        assertEquals(1, with("sys_module").rulesFor("finit_module").size(), "CAP_ may be left out, any case");
        assertEquals(1, with("CAP_BPF").rulesFor("bpf").size());
        assertEquals(1, with("CAP_DAC_READ_SEARCH").rulesFor("open_by_handle_at").size());
        // includes.caps needs all of them, excludes.caps any one
        assertEquals(1, docker().rulesFor("chroot").size(), "CAP_SYS_CHROOT is one of Docker's");
    }

    @Test
    void includesAllCapsExcludesAnyCap() throws Exception {
        SeccompProfile p = SeccompProfile.parse("t.json", """
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_BPF", "CAP_PERFMON"]}},
                  {"names": ["b"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_BPF", "CAP_PERFMON"]}}]}
                """);
        assertEquals(List.of("b"), names(p.resolve(Set.of(), "amd64", "6.1")));
        assertEquals(List.of(), names(p.resolve(Set.of("CAP_BPF"), "amd64", "6.1")));
        assertEquals(List.of("a"), names(p.resolve(Set.of("CAP_BPF", "CAP_PERFMON"), "amd64", "6.1")));
    }

    @Test
    void archesAndKernelVersions() {
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), docker().architectures());
        SeccompProfile arm = SeccompProfile.defaultProfile().resolve(DOCKER_CAPS, "aarch64", "6.18.0");
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), arm.architectures());
        assertEquals(1, docker().rulesFor("arch_prctl").size());
        assertEquals(0, arm.rulesFor("arch_prctl").size());
        assertEquals(1, arm.rulesFor("cacheflush").size());
        assertEquals(0, docker().rulesFor("cacheflush").size());
        // ptrace without CAP_SYS_PTRACE only from 4.8 on, where it can no longer bypass seccomp
        assertEquals(1, docker().rulesFor("ptrace").size());
        SeccompProfile old = SeccompProfile.defaultProfile().resolve(DOCKER_CAPS, "amd64", "4.4.0-210-generic");
        assertEquals(0, old.rulesFor("ptrace").size());
        assertEquals(1, SeccompProfile.defaultProfile().resolve(DOCKER_CAPS, "amd64", "4.8").rulesFor("ptrace").size());
        assertThrows(IllegalArgumentException.class, () -> SeccompProfile.defaultProfile().resolve(DOCKER_CAPS, "s390x", "6.1"));
        assertThrows(IllegalArgumentException.class, () -> SeccompProfile.defaultProfile().resolve(DOCKER_CAPS, "amd64", "six"));
    }

    @Test
    void resolvingKeepsWhereEachRuleCameFrom() {
        Rule clone = docker().rulesFor("clone").get(0);
        assertEquals("/syscalls/13", clone.pointer());
        assertTrue(clone.includes().isEmpty() && clone.excludes().isEmpty());
        assertEquals("default-seccomp.json:" + docker().locate("/syscalls/13").line() + ":5",
                docker().locate(clone.pointer()).toString());
    }

    // ---- parsing ----

    @Test
    void parsesEveryField() throws Exception {
        SeccompProfile p = SeccompProfile.parse("p.json", """
                {
                  "defaultAction": "SCMP_ACT_TRACE",
                  "defaultErrnoRet": 7,
                  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                  "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                  "syscalls": [
                    {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22, "comment": "why",
                     "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"},
                              {"index": 1, "value": 255, "valueTwo": 3, "op": "SCMP_CMP_MASKED_EQ"}]},
                    {"name": "getpid", "action": "SCMP_ACT_KILL_PROCESS"},
                    {"names": ["read"], "action": "SCMP_ACT_ERRNO"}
                  ]
                }
                """);
        assertEquals(new Action(Action.Kind.TRACE, 7), p.defaultAction());
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"), p.architectures());
        assertEquals(List.of("SECCOMP_FILTER_FLAG_LOG"), p.flags());
        Rule r = p.syscalls().get(0);
        assertEquals(Action.errno(22), r.action());
        assertEquals("why", r.comment());
        assertEquals(List.of(new Arg(0, -1L, 0, Op.EQ), new Arg(1, 255, 3, Op.MASKED_EQ)), r.args());
        assertEquals(List.of("getpid"), p.syscalls().get(1).names());
        assertEquals(new Action(Action.Kind.KILL_PROCESS, 0), p.syscalls().get(1).action());
        assertEquals(Action.errno(1), p.syscalls().get(2).action(), "errnoRet defaults to EPERM");
        assertTrue(p.isResolved());
    }

    @Test
    void yamlToo() throws Exception {
        SeccompProfile p = SeccompProfile.parse("p.yaml", "defaultAction: SCMP_ACT_ALLOW\nsyscalls:\n  - names: [ptrace]\n    action: SCMP_ACT_ERRNO\n");
        assertEquals(List.of("ptrace"), names(p));
    }

    @Test
    void errorsNameThePlace() {
        assertError("p.json:1:19: /defaultAction: unknown action \"SCMP_ACT_ALOW\"; did you mean \"SCMP_ACT_ALLOW\"?",
                "{\"defaultAction\": \"SCMP_ACT_ALOW\"}");
        assertError("p.json:1:1: /: missing \"defaultAction\"", "{\"syscalls\": []}");
        assertError("p.json:3:34: /syscalls/1/action: unknown action \"SCMP_ACT_DENY\"; did you mean \"SCMP_ACT_ERRNO\"?",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n"
                        + "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
                        + "  {\"names\": [\"write\"], \"action\": \"SCMP_ACT_DENY\"}]}");
        assertError("p.json:2:3: /syscalls/0: a rule needs \"names\": the syscalls it applies to",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [\n  {\"action\": \"SCMP_ACT_ALLOW\"}]}");
        assertError("p.json:1:60: /syscalls/0/names: an empty list applies to no syscall; name at least one",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"}]}");
        assertError("p.json:1:61: /syscalls/0/names/0: \"Read\" is not a syscall name (lowercase letters, digits and '_')",
                rule("\"names\": [\"Read\"], \"action\": \"SCMP_ACT_ALLOW\""));
        assertError("p.json:1:59: /syscalls/0/name: give \"name\" or \"names\", not both",
                rule("\"name\": \"read\", \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\""));
        assertError("p.json:1:50: /syscalls/0: missing \"action\"", rule("\"names\": [\"read\"]"));
        assertError("p.json:1:110: /syscalls/0/errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take a return value, not SCMP_ACT_ALLOW",
                rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1"));
        assertError("p.json:1:110: /syscalls/0/errnoRet: must be an integer from 0 to 4095, found 70000",
                rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 70000"));
        assertError("p.json:1:80: /syscalls/0/action: SCMP_ACT_NOTIFY is not supported: jrun has no seccomp agent to answer it",
                rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\""));
        assertError("p.json:1:18: /listenerPath: not supported: jrun has no seccomp agent (SCMP_ACT_NOTIFY)",
                "{\"listenerPath\": \"/run/agent.sock\", \"defaultAction\": \"SCMP_ACT_ERRNO\"}");
    }

    @Test
    void argumentErrors() {
        assertError("p.json:1:138: /syscalls/0/args/0/op: unknown operator \"SCMP_CMP_EQUAL\"; did you mean \"SCMP_CMP_EQ\"?",
                args("{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}"));
        assertError("p.json:1:138: /syscalls/0/args/0/op: unknown operator \"LIKE\"; one of SCMP_CMP_NE, SCMP_CMP_LT,"
                        + " SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ",
                args("{\"index\": 0, \"value\": 1, \"op\": \"LIKE\"}"));
        assertError("p.json:1:117: /syscalls/0/args/0/index: 6 is not an argument index: a syscall has arguments 0 to 5",
                args("{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}"));
        assertError("p.json:1:129: /syscalls/0/args/0/value: must be an integer from 0 to 18446744073709551615, found -1",
                args("{\"index\": 0, \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}"));
        assertError("p.json:1:129: /syscalls/0/args/0/value: must be an integer from 0 to 18446744073709551615, found 18446744073709551616",
                args("{\"index\": 0, \"value\": 18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}"));
        assertError("p.json:1:129: /syscalls/0/args/0/value: must be an integer from 0 to 18446744073709551615, found \"1\"",
                args("{\"index\": 0, \"value\": \"1\", \"op\": \"SCMP_CMP_EQ\"}"));
        assertError("p.json:1:107: /syscalls/0/args/0: missing \"op\"", args("{\"index\": 0, \"value\": 1}"));
        assertError("p.json:1:144: /syscalls/0/args/0/valueTwo: only SCMP_CMP_MASKED_EQ uses valueTwo (the value under the mask), not SCMP_CMP_EQ",
                args("{\"index\": 0, \"value\": 1, \"valueTwo\": 2, \"op\": \"SCMP_CMP_EQ\"}"));
        assertError("p.json:1:108: /syscalls/0/args/0/vlaue: unknown key \"vlaue\"; did you mean \"value\"?",
                args("{\"vlaue\": 1, \"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}"));
    }

    @Test
    void conditionAndArchitectureErrors() {
        assertError("p.json:1:120: /syscalls/0/includes/caps/0: unknown capability \"CAP_SYS_ADMN\"; did you mean \"CAP_SYS_ADMIN\"?",
                rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_ADMN\"]}"));
        assertError("p.json:1:122: /syscalls/0/excludes/arches/0: unknown architecture \"x86_64\"; did you mean \"amd64\"?",
                rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"arches\": [\"x86_64\"]}"));
        assertError("p.json:1:124: /syscalls/0/includes/minKernel: \"4.8.x\" is not a kernel version such as \"4.8\"",
                rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"minKernel\": \"4.8.x\"}"));
        assertError("p.json:1:111: /syscalls/0/includes/kernel: unknown key \"kernel\"",
                rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"kernel\": \"4.8\"}"));
        assertError("p.json:1:55: /architectures/0: unknown architecture \"SCMP_ARCH_AMD64\"; did you mean \"SCMP_ARCH_X86_64\"?",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_AMD64\"]}");
        assertError("p.json:1:84: /archMap: give \"architectures\" or \"archMap\", not both",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86\"], \"archMap\": []}");
        assertError("p.json:1:47: /flags/0: SECCOMP_FILTER_FLAG_NEW_LISTENER is not supported: jrun has no seccomp agent (SCMP_ACT_NOTIFY)",
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": [\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}");
    }

    @Test
    void shapeAndSyntaxErrors() {
        assertError("p.json:1:49: /syscalls: must be an array, found an object", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": {}}");
        assertError("p.json:1:19: /defaultAction: must be a string, found an integer", "{\"defaultAction\": 1}");
        assertError("p.json:1:2: /defualtAction: unknown key \"defualtAction\"; did you mean \"defaultAction\"?",
                "{\"defualtAction\": \"SCMP_ACT_ERRNO\", \"defaultAction\": \"SCMP_ACT_ERRNO\"}");
        assertError("p.json:1:1: a seccomp profile must be an object with at least \"defaultAction\"", "[]");
        assertError("p.json:1:1: a seccomp profile must be an object with at least \"defaultAction\"", "");
        InvalidProfileException e = assertThrows(InvalidProfileException.class,
                () -> SeccompProfile.parse("p.json", "{\"defaultAction\": \"SCMP_ACT_ERRNO\",}"));
        assertTrue(e.getMessage().startsWith("p.json:1:36: JSON syntax error: Unexpected character"), e.getMessage());
    }

    @Test
    void everyProblemIsReportedNotJustTheFirst() {
        InvalidProfileException e = assertThrows(InvalidProfileException.class, () -> SeccompProfile.parse("p.json",
                "{\"defaultAction\": \"SCMP_ACT_X\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_Y\"}]}"));
        assertEquals(2, e.diagnostics().size());
        assertTrue(e.getMessage().endsWith(" (and 1 more)"), e.getMessage());
        assertEquals("seccomp-profile", e.diagnostics().get(1).ruleId());
    }

    private static String rule(String body) {
        return "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{" + body + "}]}";
    }

    private static String args(String arg) {
        return rule("\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [" + arg + "]");
    }

    private static void assertError(String expected, String json) {
        InvalidProfileException e = assertThrows(InvalidProfileException.class, () -> SeccompProfile.parse("p.json", json));
        assertEquals(expected, e.getMessage());
    }

    private static List<String> names(SeccompProfile p) {
        List<String> out = new java.util.ArrayList<>();
        for (Rule r : p.syscalls()) out.addAll(r.names());
        return out;
    }
}
