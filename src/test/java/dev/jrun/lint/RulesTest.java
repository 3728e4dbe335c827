package dev.jrun.lint;

import dev.jrun.host.DeviceNodes;
import static dev.jrun.spec.Namespace.MOUNT;
import static dev.jrun.spec.Namespace.NET;
import static dev.jrun.spec.Namespace.PID;
import static dev.jrun.spec.Namespace.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jrun.spec.Diagnostic;
import dev.jrun.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule on hand-built specs: the finding it must make, and the near miss it must not. */
class RulesTest {
    @TempDir
    Path tmp;

    /** "line rule-id severity: message" for every finding. */
    private static List<String> lint(SpecBuilder b) {
        return Linter.check(b.build(), SourceMap.NONE).stream()
                .map(d -> d.at().line() + " " + d.ruleId() + " " + d.severity().label() + ": " + d.message())
                .toList();
    }

    /** Findings on one line come sorted by message; tests list them in option order instead. */
    private static void assertSameFindings(List<String> expected, List<String> actual) {
        assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
    }

    private static List<String> lint(SpecBuilder b, String rule) {
        return lint(b).stream().filter(s -> s.split(" ")[1].equals(rule)).toList();
    }

    @Test
    void aCleanSpecHasNoFindings() {
        assertEquals(List.of(), lint(new SpecBuilder().mount("/tmp", "tmpfs", null, "nosuid", "size=64m", "mode=1777")));
    }

    @Test
    void registryIdsAreUniqueAndDescribed() {
        Set<String> ids = new HashSet<>();
        for (Rule r : Rules.ALL) {
            assertTrue(ids.add(r.id()), "duplicate rule id " + r.id());
            assertTrue(r.id().matches("[a-z]+(-[a-z]+)*"), r.id());
            assertTrue(r.summary().length() > 10, r.id());
            assertNotNull(Rules.byId(r.id()));
        }
    }

    @Test
    void relativePathsAreReportedOnceEach() {
        SpecBuilder b = new SpecBuilder().mount("tmp", "tmpfs", null).mount("../x", "tmpfs", null);
        b.cwd = "work";
        assertEquals(List.of(
                "2 path-absolute error: destination \"tmp\" is not absolute; container paths start with \"/\"",
                "3 path-absolute error: destination \"../x\" is not absolute; container paths start with \"/\"",
                "6 path-absolute error: cwd \"work\" is not absolute; container paths start with \"/\""), lint(b));
    }

    @Test
    void dotDotIsReportedInsteadOfNormalization() {
        SpecBuilder b = new SpecBuilder().mount("/a/../etc/", "tmpfs", null);
        assertEquals(List.of("2 path-dotdot error: destination \"/a/../etc/\" contains \"..\"; write the path it leads to"),
                lint(b));
        assertEquals(List.of(), lint(new SpecBuilder().mount("/a/..b", "tmpfs", null)), "'..b' is a name");
    }

    @Test
    void unnormalizedPathsGetTheNormalFormSuggested() {
        SpecBuilder b = new SpecBuilder().mount("/data//x/./y/", "tmpfs", null);
        b.cwd = "/srv/";
        assertEquals(List.of(
                "2 path-normalized error: destination \"/data//x/./y/\" is not normalized; write \"/data/x/y\"",
                "5 path-normalized error: cwd \"/srv/\" is not normalized; write \"/srv\""), lint(b));
    }

    @Test
    void theSecondOfTwoEqualDestinationsIsReportedWithTheFirst() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        SpecBuilder b = new SpecBuilder().mount("/data", "tmpfs", null).file("/etc/motd", null).volume(src, "/data/");
        List<String> found = lint(b, "dest-unique");
        assertEquals(List.of("4 dest-unique error: destination \"/data\" is already used by mounts[0] at line 2;"
                + " mount each path once"), found);
        assertEquals(List.of(), lint(new SpecBuilder().mount("/data", "tmpfs", null).volume(src, "/data/x"), "dest-unique"));
    }

    @Test
    void mountingOverRootIsAnError() {
        assertEquals(List.of("2 dest-root error: mounts[0] would mount over \"/\" and hide the rootfs; set rootfs.path instead"),
                lint(new SpecBuilder().mount("/", "tmpfs", null)));
    }

    @Test
    void sourcesMustExistAndFileSourcesBeRegularFiles() throws IOException {
        Path file = Files.writeString(tmp.resolve("motd"), "hi\n");
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        SpecBuilder b = new SpecBuilder()
                .volume(tmp.resolve("missing"), "/a").volume(dir, "/b").volume(file, "/c")
                .file("/etc/motd", file).file("/etc/x", dir).file("/etc/y", tmp.resolve("gone"));
        List<String> found = lint(b, "source-exists");
        assertEquals(3, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("2 source-exists error: volume source \"") && found.get(0).endsWith("missing\" does not exist"));
        assertTrue(found.get(1).startsWith("6 ") && found.get(1).endsWith("dir\" is not a regular file; bind a directory with volumes instead"));
        assertTrue(found.get(2).startsWith("7 ") && found.get(2).endsWith("gone\" does not exist"));
    }

    @Test
    void rootfsMustBeADirectory() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "");
        assertTrue(lint(new SpecBuilder().rootfs(tmp.resolve("none")), "rootfs-dir").get(0).endsWith("none\" does not exist"));
        assertTrue(lint(new SpecBuilder().rootfs(file), "rootfs-dir").get(0).endsWith("f\" is not a directory"));
        assertEquals(List.of(), lint(new SpecBuilder().rootfs(tmp), "rootfs-dir"));
    }

    /** A rootfs like the busybox one: /bin/sh -> /bin/busybox, absolute, which the host may lack. */
    private Path busyboxRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("bin/busybox"), "");
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("/bin/busybox"));
        Files.createSymbolicLink(root.resolve("usr/bin/env"), Path.of("../../bin/busybox"));
        Files.createSymbolicLink(root.resolve("bin/loop"), Path.of("/bin/loop"));
        Files.createSymbolicLink(root.resolve("bin/escape"), Path.of("../../../../../../../../../etc/passwd"));
        return root;
    }

    @Test
    void argsZeroIsResolvedInsideTheRootfs() throws IOException {
        Path root = busyboxRoot();
        for (String ok : List.of("/bin/sh", "sh", "env", "/usr/bin/env", "../bin/sh", "busybox")) {
            SpecBuilder b = new SpecBuilder().rootfs(root);
            b.args = List.of(ok);
            b.cwd = "/usr";
            assertEquals(List.of(), lint(b, "exec-found"), ok);
        }
        for (String missing : List.of("/bin/nope", "nope", "/bin/loop", "/bin/escape", "/bin", "")) {
            SpecBuilder b = new SpecBuilder().rootfs(root);
            b.args = List.of(missing);
            List<String> found = lint(b, "exec-found");
            assertEquals(1, found.size(), missing + ": " + found);
            assertTrue(found.get(0).contains("warning"), found.get(0));
        }
    }

    @Test
    void argsZeroIsSearchedInTheSpecsPath() throws IOException {
        Path root = busyboxRoot();
        SpecBuilder b = new SpecBuilder().rootfs(root);
        b.args = List.of("env");
        b.env.put("PATH", "/bin:relative");
        List<String> found = lint(b, "exec-found");
        assertEquals(List.of("4 exec-found warning: \"env\" is not in any PATH directory of rootfs \""
                + SourceRules.display(root) + "\" (PATH=\"/bin:relative\")"), found);
    }

    @Test
    void hostRootfsLooksAtTheHost() {
        SpecBuilder b = new SpecBuilder();
        b.args = List.of("sh");
        assertEquals(List.of(), lint(b, "exec-found"), "every Linux host that runs this test has sh");
        b.args = List.of("/no/such/program");
        assertEquals(List.of("8 exec-found warning: \"/no/such/program\" does not exist in the host"), lint(b, "exec-found"));
    }

    @Test
    void overlappingIdRangesAreReportedPerSide() {
        SpecBuilder b = new SpecBuilder().uidMap(0, 1000, 1).uidMap(1, 100000, 65536).uidMap(1000, 200000, 10)
                .gidMap(0, 1000, 1).gidMap(1, 1000, 5);
        b.user = null;
        assertEquals(List.of(
                "4 idmap-overlap error: uid mapping 2 overlaps mapping 1 on the container side (1000-1009 and 1-65536)",
                "6 idmap-overlap error: gid mapping 1 overlaps mapping 0 on the host side (1000-1004 and 1000)"),
                lint(b, "idmap-overlap"));
        assertEquals(List.of(), lint(new SpecBuilder().uidMap(0, 1000, 1).uidMap(1, 1001, 10), "idmap-overlap"));
    }

    @Test
    void idMappingsNeedAUserNamespace() {
        SpecBuilder b = new SpecBuilder().uidMap(0, 0, 65536).gidMap(0, 0, 65536).namespaces(MOUNT, NET, PID);
        assertEquals(1, lint(b, "idmap-userns").size());
        b.namespaces(USER, MOUNT, NET, PID);
        assertEquals(List.of(), lint(b, "idmap-userns"));
    }

    @Test
    void theDefaultMapOnlyMapsRoot() {
        SpecBuilder b = new SpecBuilder().user(1000, 0, 0L, 5L);
        List<String> found = lint(b, "user-mapped");
        assertEquals(2, found.size(), found.toString());
        // Same line (no source map): sorted by message.
        assertTrue(found.get(0).contains("additional gid 5 is not mapped in the user namespace; the default id map maps only 0"
                + " (add idMappings.gid, which needs root or newgidmap)"), found.get(0));
        assertTrue(found.get(1).contains("uid 1000 is not mapped"), found.get(1));
        assertEquals(List.of(), lint(new SpecBuilder().user(1000, 0).namespaces(MOUNT, PID), "user-mapped"),
                "no user namespace: ids are the host's");
    }

    @Test
    void customMapsMustHoldTheUsersIds() {
        SpecBuilder b = new SpecBuilder().uidMap(0, 100000, 1000).gidMap(1, 100000, 1000).user(999, 1001, 1L);
        List<String> found = lint(b, "user-mapped");
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("gid 1001 is not mapped in the user namespace; add a range holding it to idMappings.gid"));
        SpecBuilder implied = new SpecBuilder().uidMap(1, 100000, 1000).gidMap(0, 100000, 1000);
        assertEquals(1, lint(implied, "user-mapped").size(), "uid 0 is implied when process.user is absent");
    }

    @Test
    void hostnameWithoutUtsIsAnError() {
        SpecBuilder b = new SpecBuilder().namespaces(USER, MOUNT);
        b.domainname = "example.org";
        assertEquals(2, lint(b, "hostname-uts").size());
        assertEquals(List.of(), lint(new SpecBuilder(), "hostname-uts"));
    }

    @Test
    void mountsWithoutAMountNamespaceAreOneErrorPerSection() throws IOException {
        SpecBuilder b = new SpecBuilder().namespaces(USER).mount("/a", "tmpfs", null).mount("/b", "tmpfs", null)
                .volume(tmp, "/c").rootfs(tmp);
        assertEquals(3, lint(b, "mount-ns").size(), lint(b, "mount-ns").toString());
        SpecBuilder host = new SpecBuilder().namespaces(USER);
        assertEquals(List.of(), lint(host, "mount-ns"), "host: true needs no mount of its own");
    }

    @Test
    void networkModeMustMatchTheNetNamespace() {
        SpecBuilder b = new SpecBuilder().namespaces(USER, MOUNT);
        assertEquals(1, lint(b, "network-net").size(), "mode none without net");
        b.mode = Spec.NetworkMode.HOST;
        assertEquals(List.of(), lint(b, "network-net"));
        b.namespaces(USER, MOUNT, NET);
        assertTrue(lint(b, "network-net").get(0).contains("network mode \"host\" shares the host's network"));
    }

    @Test
    void initWithoutPidIsAWarning() {
        SpecBuilder b = new SpecBuilder().namespaces(USER, MOUNT, NET);
        assertTrue(lint(b, "init-pid").get(0).contains("warning: init runs only as PID 1"));
        b.init = false;
        assertEquals(List.of(), lint(b, "init-pid"));
    }

    @Test
    void mountOptionsAreFlagsOrOptionsOfTheType() {
        SpecBuilder b = new SpecBuilder()
                .mount("/a", "tmpfs", null, "ro", "noexce", "sizee=1g", "inode64", "", "a,b", "uid=x", "=1")
                .mount("/b", "devpts", null, "newinstance", "ptmxmode=0666", "gid=5")
                .mount("/c", null, "/srv", "rbind", "rprivate", "size=1m")
                .mount("/d", "sysfs", null, "mode=0755");
        assertSameFindings(List.of(
                "2 mount-option error: unknown mount option \"noexce\"; did you mean \"noexec\"?",
                "2 mount-option error: tmpfs has no option \"sizee=\"; did you mean \"size\"?",
                "2 mount-option error: empty mount option",
                "2 mount-option error: mount option \"a,b\" holds a ','; list each option separately",
                "2 mount-option error: uid \"x\" is not a number",
                "2 mount-option error: malformed mount option \"=1\"",
                "4 mount-option error: bind mounts take no option \"size=\"",
                "5 mount-option error: sysfs mounts take no option \"mode=\""), lint(b, "mount-option"));
    }

    @Test
    void unknownTypesAcceptWellFormedOptions() {
        assertEquals(List.of(), lint(new SpecBuilder().mount("/o", "overlay", "overlay", "lowerdir=/a", "userxattr"),
                "mount-option"));
    }

    @Test
    void sizesAndModesHaveTheirForms() {
        SpecBuilder b = new SpecBuilder().mount("/a", "tmpfs", null,
                "size=64m", "size=10%", "size=1G", "size=4096", "size=64mb", "size=1.5g", "nr_inodes=1k", "mode=1777", "mode=0955", "mode=rwx");
        assertSameFindings(List.of(
                "2 mount-size error: bad size \"64mb\"; write a number with an optional k, m or g suffix (64m, 1g, 65536) or a percentage of RAM (10%)",
                "2 mount-size error: bad size \"1.5g\"; write a number with an optional k, m or g suffix (64m, 1g, 65536) or a percentage of RAM (10%)"),
                lint(b, "mount-size"));
        assertEquals(List.of(
                "2 mount-mode error: bad mode \"0955\"; write an octal mode such as 0755",
                "2 mount-mode error: bad mode \"rwx\"; write an octal mode such as 0755"), lint(b, "mount-mode"));
    }

    @Test
    void bindMountsNeedASource() {
        SpecBuilder b = new SpecBuilder().mount("/a", "bind", null).mount("/b", "tmpfs", "", "bind")
                .mount("/c", null, "/srv", "rbind").mount("/d", null, null, "ro");
        assertEquals(List.of(
                "2 bind-source error: bind mount on \"/a\" needs a source: the host path to bind",
                "3 bind-source error: bind mount on \"/b\" needs a source: the host path to bind",
                "5 bind-source error: bind mount on \"/d\" needs a source: the host path to bind"), lint(b, "bind-source"));
    }

    @Test
    void mountTypesAreKnownOrWarned() {
        SpecBuilder b = new SpecBuilder().mount("/a", "tmfps", null).mount("/b", null, "/srv").mount("/c", "ext4", "/dev/sda1");
        List<String> found = lint(b, "mount-type");
        assertEquals(2, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("2 mount-type warning: unknown filesystem type \"tmfps\"; did you mean \"tmpfs\"?"));
        assertTrue(found.get(1).startsWith("4 mount-type warning: unknown filesystem type \"ext4\" (jrun knows bind, cgroup2,"));
    }

    @Test
    void capabilityNamesAreCapabilities7sOrAll() {
        SpecBuilder b = new SpecBuilder().capabilities(List.of("CAP_NET_ADMIN", "ALL", "CAP_NET_ADMN", "CAP_CHECKPOINT_RESTORE"),
                List.of("CAP_ALLL", "CAP_FOO"));
        assertSameFindings(List.of(
                "2 capability-name error: unknown capability \"CAP_NET_ADMN\" (capabilities(7) lists the names); did you mean \"CAP_NET_ADMIN\"?",
                "2 capability-name error: unknown capability \"CAP_ALLL\" (capabilities(7) lists the names); did you mean \"ALL\"?",
                "2 capability-name error: unknown capability \"CAP_FOO\" (capabilities(7) lists the names)"), lint(b, "capability-name"));
        assertEquals(List.of(), lint(new SpecBuilder(), "capability-name"));
    }

    @Test
    void aSoftLimitAboveTheHardOneIsAnError() {
        long u = Spec.Rlimit.UNLIMITED;
        SpecBuilder b = new SpecBuilder().rlimit("nofile", 2048, 1024).rlimit("core", u, 0).rlimit("nproc", 10, u)
                .rlimit("stack", u, u).rlimit("cpu", 5, 5).rlimit("as", 0, 1);
        assertEquals(List.of(
                "2 rlimit-range error: rlimit nofile: the soft limit 2048 is above the hard limit 1024; setrlimit(2) refuses that (EINVAL)",
                "3 rlimit-range error: rlimit core: the soft limit unlimited is above the hard limit 0; setrlimit(2) refuses that (EINVAL)"),
                lint(b, "rlimit-range"));
    }

    @Test
    void optingOutOfNoNewPrivilegesIsAWarning() {
        SpecBuilder b = new SpecBuilder();
        assertEquals(List.of(), lint(b, "no-new-privileges"));
        b.noNewPrivileges = false;
        assertEquals(1, lint(b, "no-new-privileges").size());
        assertTrue(lint(b, "no-new-privileges").get(0).contains(" warning: noNewPrivileges is false: a setuid program"));
    }

    @Test
    void unconfinedSeccompIsAWarning() {
        assertEquals(List.of(), lint(new SpecBuilder().seccomp(Spec.SeccompKind.DEFAULT, null), "seccomp-unconfined"));
        List<String> found = lint(new SpecBuilder().seccomp(Spec.SeccompKind.UNCONFINED, null), "seccomp-unconfined");
        assertEquals(1, found.size());
        assertTrue(found.get(0).startsWith("2 seccomp-unconfined warning: seccomp unconfined: "), found.get(0));
    }

    private static List<String> profileFindings(Path profile) {
        return Linter.check(new SpecBuilder().seccomp(Spec.SeccompKind.PROFILE, profile).build(), SourceMap.NONE).stream()
                .filter(d -> d.ruleId().startsWith("seccomp-"))
                .map(d -> (d.at().file().equals(SpecBuilder.FILE) ? "" : d.at() + " ") + d.severity().label() + ": " + d.message())
                .toList();
    }

    @Test
    void aSeccompProfileMustExistAndParse() throws IOException {
        Path ok = Files.writeString(tmp.resolve("ok.json"),
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
        assertEquals(List.of(), profileFindings(ok));
        String shown = SourceRules.display(tmp);
        assertEquals(List.of("error: seccomp profile \"" + shown + "/default\" does not exist; did you mean \"default\"?"),
                profileFindings(tmp.resolve("default")), "a capital or a typo makes a path");
        assertEquals(List.of("error: seccomp profile \"" + shown + "\" is a directory"), profileFindings(tmp));
        assertEquals(List.of("error: seccomp profile \"/dev/zero\" is not a regular file"), profileFindings(Path.of("/dev/zero")),
                "never read: it has no end");
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"defaultAction\": \"SCMP_ACT_NOPE\",\n \"syscalls\": 3}");
        assertEquals(List.of(
                shown + "/bad.json:1:19 error: /defaultAction: unknown action \"SCMP_ACT_NOPE\"",
                shown + "/bad.json:2:14 error: /syscalls: must be an array, found an integer",
                "error: seccomp profile \"" + shown + "/bad.json\" is not valid: 2 errors, reported in the profile"),
                profileFindings(bad).stream().map(s -> s.replaceFirst("(\"SCMP_ACT_NOPE\").*", "$1")).toList());
    }

    @Test
    void aBrokenProfileShowsItsFirstTwentyFindings() throws IOException {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 30; i++) rules.append(i == 0 ? "" : ",").append("{\"names\": [\"read\"], \"action\": \"X\"}");
        Path bad = Files.writeString(tmp.resolve("many.json"), "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [" + rules + "]}");
        List<String> found = profileFindings(bad);
        assertEquals(22, found.size(), found.toString());
        assertTrue(found.stream().anyMatch(f -> f.endsWith("error: 10 more errors in this profile are not shown")), found.toString());
        assertTrue(found.stream().anyMatch(f -> f.endsWith("is not valid: 30 errors, reported in the profile")), found.toString());
    }

    @Test
    void profileSyscallsLibseccompDoesNotKnowAreWarnings() throws IOException {
        Path p = Files.writeString(tmp.resolve("p.json"), """
                {"defaultAction": "SCMP_ACT_ERRNO",
                 "syscalls": [{"names": ["getpid", "getpdi"], "action": "SCMP_ACT_ALLOW"}]}
                """);
        assertEquals(List.of(SourceRules.display(p) + ":2:36 warning: libseccomp does not know the syscall \"getpdi\","
                + " so the filter has no rule for it; did you mean \"getpid\"?"), profileFindings(p));
    }

    @Test
    void devicesByPathAreHostDeviceNodes() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        SpecBuilder b = new SpecBuilder().device("/dev/null", null, null, null).device("/dev/nul", null, null, null)
                .device(file.toString(), null, null, null).device(tmp.toString(), null, null, null)
                .device("/dev/no-such-jrun-device", null, null, null).device("dev/null", null, null, null);
        assertEquals(List.of(
                "3 device-node error: device \"/dev/nul\" does not exist on the host; did you mean \"/dev/null\"?",
                "4 device-node error: device \"" + file + "\" is a regular file on the host, not a character or block device",
                "5 device-node error: device \"" + tmp + "\" is a directory on the host, not a character or block device",
                "6 device-node error: device \"/dev/no-such-jrun-device\" does not exist on the host; give type, major and"
                        + " minor to bind a host node found by its numbers"), lint(b, "device-node"), "dev/null is path-absolute's");
    }

    @Test
    void devicesByNumberAreFoundUnderDev() {
        SpecBuilder b = new SpecBuilder().device("/dev/a", "c", 1L, 3L).device("/dev/b", "b", 1L, 3L)
                .device("/dev/c", "c", 1L, null).device("/dev/d", null, 1L, 3L).device("/dev/e", "c", 4095L, 1048575L);
        assertEquals(List.of(
                "3 device-node error: device \"/dev/b\": the host has no block device 1:3 under /dev (/dev/null is the"
                        + " character device with those numbers); jrun binds a host node, it does not make one",
                "4 device-node error: device \"/dev/c\" needs type, major and minor together, or none of them for the host's"
                        + " node at its path; missing minor",
                "5 device-node error: device \"/dev/d\" needs type, major and minor together, or none of them for the host's"
                        + " node at its path; missing type",
                "6 device-node error: device \"/dev/e\": the host has no character device 4095:1048575 under /dev; jrun binds"
                        + " a host node, it does not make one"), lint(b, "device-node"));
    }

    /** glibc's makedev(3): minor's low 8 bits, major's low 12, then the rest of minor, then of major. */
    private static long makedev(long major, long minor) {
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32);
    }

    @Test
    void devNodesDecodeDevTAndScanOnlyAsDeepAsNeeded() throws IOException {
        assertEquals(0x801, makedev(8, 1), "sda1");
        for (long[] mm : new long[][] {{1, 3}, {8, 1}, {4095, 1048575}, {0x123456, 0x789abcd}}) {
            assertEquals(mm[0], DeviceNodes.major(makedev(mm[0], mm[1])));
            assertEquals(mm[1], DeviceNodes.minor(makedev(mm[0], mm[1])));
        }
        assertEquals(Path.of("/dev/null"), DeviceNodes.host().find(new DeviceNodes.Node('c', 1, 3)), "the first by name at the top");
        Files.createDirectories(tmp.resolve("a/b/c/d/e/f"));
        assertEquals(null, new DeviceNodes(tmp).find(new DeviceNodes.Node('c', 1, 3)), "no nodes: searched to its depth, found none");
    }

    @Test
    void devicesMaskedAndReadOnlyPathsNeedAMountNamespace() {
        SpecBuilder b = new SpecBuilder().namespaces(USER).device("/dev/null", null, null, null)
                .paths(List.of("/proc/kcore"), List.of());
        assertEquals(List.of(
                "2 mount-ns error: devices need a \"mount\" namespace, or they would change the host's mounts; add \"mount\" to namespaces",
                "3 mount-ns error: security.maskedPaths need a \"mount\" namespace, or they would change the host's mounts; add \"mount\" to namespaces"),
                lint(b, "mount-ns"), "[] asks for no mount");
    }

    @Test
    void theDevMountOptionIsAnError() {
        SpecBuilder b = new SpecBuilder().mount("/a", "tmpfs", null, "nodev", "dev", "devx=1");
        assertEquals(List.of("2 mount-dev error: mount option \"dev\": jrun keeps nodev on every mount, so a device node made"
                + " inside cannot be opened; expose devices with devices:"), lint(b, "mount-dev"));
    }

    @Test
    void maskedReadOnlyAndDevicePathsAreContainerPaths() {
        SpecBuilder b = new SpecBuilder().paths(List.of("proc/kcore", "/proc/./keys"), List.of("/proc/../sys"))
                .device("/dev/x/", "c", 1L, 3L).volume(Path.of("/srv"), "/dev/x");
        assertSameFindings(List.of(
                "2 path-absolute error: masked path \"proc/kcore\" is not absolute; container paths start with \"/\"",
                "2 path-normalized error: masked path \"/proc/./keys\" is not normalized; write \"/proc/keys\"",
                "2 path-dotdot error: read-only path \"/proc/../sys\" contains \"..\"; write the path it leads to",
                "3 path-normalized error: device path \"/dev/x/\" is not normalized; write \"/dev/x\"",
                "3 dest-unique error: destination \"/dev/x\" is already used by volumes[0] at line 4; mount each path once"),
                lint(b).stream().filter(f -> f.matches("\\d+ (path|dest)-.*")).toList());
    }

    @Test
    void aFailingRuleBecomesAFindingNotACrash() {
        Spec broken = new SpecBuilder().build();
        broken = new Spec(broken.file(), 1, "t", broken.rootfs(), null, null, broken.namespaces(), broken.idMappings(),
                true, null, broken.files(), broken.volumes(), broken.process(), broken.network(), broken.security(), broken.devices(), broken.at());
        List<Diagnostic> found = Linter.check(broken, SourceMap.NONE);
        assertTrue(found.stream().allMatch(d -> d.message().startsWith("internal error in lint rule")), found.toString());
        assertTrue(found.size() >= 1);
    }
}
