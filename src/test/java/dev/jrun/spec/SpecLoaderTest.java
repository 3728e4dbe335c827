package dev.jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a file to a typed Spec: defaults, paths, locations, I/O failures, the light run-time path. */
class SpecLoaderTest {
    private static final Path REPO = Path.of(System.getProperty("jrun.repo", ".")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    private static String pos(Location l) {
        return l.line() + ":" + l.col();
    }

    @Test
    void everyExampleSpecLoadsCleanly() throws IOException {
        List<Path> examples = new ArrayList<>();
        try (Stream<Path> s = Files.list(REPO.resolve("specs"))) {
            s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).sorted().forEach(examples::add);
        }
        assertTrue(examples.size() >= 8, examples::toString);
        for (Path p : examples) {
            SpecLoader.Result r = SpecLoader.load(p);
            assertEquals(List.of(), r.diagnostics(), p::toString);
            assertNotNull(r.spec(), p::toString);
            assertTrue(Files.readString(p).contains("$schema"), p + " names the schema for editors");
        }
    }

    @Test
    void defaultsAreApplied() throws IOException {
        Spec s = SpecLoader.load(write("m.yaml", "version: 1\nname: min\nrootfs: {path: root}\nprocess: {args: [/bin/true]}\n")).spec();
        assertEquals(1, s.version());
        assertEquals("min", s.hostname());
        assertNull(s.domainname());
        assertEquals(EnumSet.allOf(Namespace.class), s.namespaces());
        assertTrue(s.idMappings().isDefault());
        assertTrue(s.defaultMounts());
        assertEquals(List.of(), s.mounts());
        assertEquals(List.of(), s.files());
        assertEquals(List.of(), s.volumes());
        assertEquals(List.of("/bin/true"), s.process().args());
        assertEquals(Map.of(), s.process().env());
        assertEquals("/", s.process().cwd());
        assertEquals(0, s.process().user().uid());
        assertEquals(0, s.process().user().gid());
        assertFalse(s.process().terminal());
        assertTrue(s.process().init());
        assertEquals(Spec.NetworkMode.NONE, s.network().mode());
        assertTrue(s.rootfs().readonly());
        assertTrue(s.rootfs().pivot());
        assertFalse(s.rootfs().host());
    }

    @Test
    void everyFieldIsRead() throws IOException {
        Spec s = SpecLoader.load(write("f.yaml", """
                version: 1
                name: full
                rootfs: {path: r, readonly: false, pivot: false}
                hostname: h
                domainname: d
                namespaces: [net, user, mount]
                idMappings:
                  uid: [{container: 0, host: 100000, size: 65536}]
                  gid: [{container: 0, host: 200000, size: 10}, {container: 10, host: 5, size: 1}]
                defaultMounts: false
                mounts:
                  - {destination: /t, type: tmpfs, source: tmpfs, options: [nosuid, size=1m]}
                files:
                  - {destination: /etc/motd, content: hi}
                volumes:
                  - {source: /srv, destination: /srv, readonly: true}
                process:
                  args: [sh, -c, 'exit 3']
                  env: {A: "1", B: two}
                  cwd: /tmp
                  user: {uid: 1000, gid: 100, additionalGids: [5, 6]}
                  terminal: true
                  init: false
                network: {mode: host}
                """)).spec();
        assertFalse(s.rootfs().readonly());
        assertFalse(s.rootfs().pivot());
        assertEquals("h", s.hostname());
        assertEquals("d", s.domainname());
        assertEquals(EnumSet.of(Namespace.USER, Namespace.MOUNT, Namespace.NET), s.namespaces());
        assertEquals(List.of(new Spec.IdMap(0, 100000, 65536, s.idMappings().uid().get(0).at())), s.idMappings().uid());
        assertEquals(2, s.idMappings().gid().size());
        assertEquals(5, s.idMappings().gid().get(1).host());
        assertFalse(s.defaultMounts());
        Spec.Mount m = s.mounts().get(0);
        assertEquals(List.of("/t", "tmpfs", "tmpfs", List.of("nosuid", "size=1m")), List.of(m.destination(), m.type(), m.source(), m.options()));
        assertEquals("hi", s.files().get(0).content());
        assertNull(s.files().get(0).source());
        assertEquals(Path.of("/srv"), s.volumes().get(0).source());
        assertTrue(s.volumes().get(0).readonly());
        assertEquals(List.of("sh", "-c", "exit 3"), s.process().args());
        assertEquals(List.of("A", "B"), List.copyOf(s.process().env().keySet()), "env keeps the spec's order");
        assertEquals(new Spec.User(1000, 100, List.of(5L, 6L), s.process().user().at()), s.process().user());
        assertTrue(s.process().terminal());
        assertFalse(s.process().init());
        assertEquals(Spec.NetworkMode.HOST, s.network().mode());
    }

    @Test
    void containmentKeysDefault() throws IOException {
        Spec s = SpecLoader.load(write("c.yaml", "version: 1\nname: c\nrootfs: {path: r}\nprocess: {args: [a]}\n")).spec();
        Spec.ProcessSpec p = s.process();
        assertEquals(List.of(), p.capabilities().add());
        assertEquals(List.of(), p.capabilities().drop());
        assertTrue(p.noNewPrivileges());
        assertEquals(List.of(), p.rlimits());
        assertNull(p.umask(), "null: the planner's 0022");
        assertNull(p.oomScoreAdj());
        assertEquals(Spec.SeccompKind.DEFAULT, s.security().seccomp().kind());
        assertNull(s.security().maskedPaths(), "null: jrun's default list");
        assertNull(s.security().readonlyPaths());
        assertEquals(List.of(), s.devices());
        assertEquals(s.at(), s.security().at(), "an absent section is located at the spec root, like network");
    }

    @Test
    void containmentKeysAreRead() throws IOException {
        Spec s = SpecLoader.load(write("c.yaml", """
                version: 1
                name: c
                rootfs: {path: r}
                process:
                  args: [a]
                  capabilities: {add: [NET_ADMIN, cap_sys_time, Cap_Kill, all], drop: [CHOWN]}
                  noNewPrivileges: false
                  rlimits:
                    nproc: {soft: 50, hard: 50}
                    nofile: {soft: 1024, hard: unlimited}
                  umask: "0027"
                  oomScoreAdj: -500
                security:
                  seccomp: profiles/p.json
                  maskedPaths: []
                  readonlyPaths: [/proc/sys]
                devices:
                  - {path: /dev/fuse}
                  - {path: /dev/mynull, type: c, major: 1, minor: 3}
                """)).spec();
        Spec.ProcessSpec p = s.process();
        assertEquals(List.of("CAP_NET_ADMIN", "CAP_SYS_TIME", "CAP_KILL", "ALL"), p.capabilities().add());
        assertEquals(List.of("CAP_CHOWN"), p.capabilities().drop());
        assertEquals("6:17", pos(p.capabilities().at()));
        assertFalse(p.noNewPrivileges());
        assertEquals(List.of("nproc 50 50 9:12", "nofile 1024 -1 10:13"),
                p.rlimits().stream().map(r -> r.name() + " " + r.soft() + " " + r.hard() + " " + pos(r.at())).toList(),
                "in spec order, unlimited as -1, each at its node");
        assertEquals(Spec.Rlimit.UNLIMITED, p.rlimits().get(1).hard());
        assertEquals(0027, p.umask());
        assertEquals(-500, p.oomScoreAdj());
        Spec.Seccomp seccomp = s.security().seccomp();
        assertEquals(Spec.SeccompKind.PROFILE, seccomp.kind());
        assertEquals(dir.resolve("profiles/p.json"), seccomp.profile(), "resolved against the spec's folder");
        assertEquals("14:12", pos(seccomp.at()));
        assertEquals(List.of(), s.security().maskedPaths(), "[] turns masking off");
        assertEquals(List.of("/proc/sys"), s.security().readonlyPaths());
        assertEquals("14:3", pos(s.security().at()));
        assertEquals(List.of(new Spec.Device("/dev/fuse", null, null, null, s.devices().get(0).at()),
                new Spec.Device("/dev/mynull", "c", 1L, 3L, s.devices().get(1).at())), s.devices());
        assertEquals("18:5", pos(s.devices().get(0).at()));
        assertEquals("19:5", pos(s.devices().get(1).at()));
    }

    @Test
    void networkKeysDefault() throws IOException {
        Spec.Network absent = SpecLoader.load(write("n.yaml", "version: 1\nname: n\nrootfs: {path: r}\nprocess: {args: [a]}\n")).spec().network();
        Spec.Network bridge = SpecLoader.load(write("b.yaml", "version: 1\nname: b\nrootfs: {path: r}\nprocess: {args: [a]}\n"
                + "network: {mode: bridge}\n")).spec().network();
        for (Spec.Network n : List.of(absent, bridge)) {
            assertEquals(Spec.Network.DEFAULT_BRIDGE, n.bridge());
            assertEquals(Spec.Network.DEFAULT_SUBNET, n.subnet());
            assertNull(n.address(), "null: leased");
            assertTrue(n.nat());
            assertNull(n.rootless(), "null: no fallback, a rootless run fails");
            assertEquals(List.of(), n.ports());
            assertNull(n.dns(), "null: not given");
        }
        assertEquals(Spec.NetworkMode.NONE, absent.mode());
        assertEquals(Spec.NetworkMode.BRIDGE, bridge.mode());
        assertEquals("5:10", pos(bridge.at()));
    }

    @Test
    void networkKeysAreRead() throws IOException {
        Spec.Network n = SpecLoader.load(write("n.yaml", """
                version: 1
                name: n
                rootfs: {path: r}
                process: {args: [a]}
                network:
                  mode: bridge
                  bridge: br-web
                  subnet: 10.99.0.0/24
                  address: 10.99.0.7
                  nat: false
                  rootless: slirp
                  ports: ["8080:80", "127.0.0.1:9000:9000/tcp", "5353:53/UDP"]
                  dns: [192.0.2.53, 9.9.9.9]
                """)).spec().network();
        assertEquals(Spec.NetworkMode.BRIDGE, n.mode());
        assertEquals("br-web", n.bridge());
        assertEquals("10.99.0.0/24", n.subnet());
        assertEquals("10.99.0.7", n.address());
        assertFalse(n.nat());
        assertEquals(Spec.NetworkMode.SLIRP, n.rootless());
        assertEquals(List.of("null 8080 80 tcp 12:11", "127.0.0.1 9000 9000 tcp 12:22", "null 5353 53 udp 12:49"),
                n.ports().stream().map(p -> p.hostIp() + " " + p.hostPort() + " " + p.containerPort() + " " + p.protocol()
                        + " " + pos(p.at())).toList(), "protocol lower case, tcp by default; each port at its list item");
        assertEquals(List.of("192.0.2.53", "9.9.9.9"), n.dns());
        assertEquals(List.of(), SpecLoader.load(write("e.yaml", "version: 1\nname: e\nrootfs: {path: r}\nprocess: {args: [a]}\n"
                + "network: {mode: slirp, dns: []}\n")).spec().network().dns(), "[] is given, and empty");
    }

    /** Addresses are strings for lint to judge; what cannot be a Port is the model builder's to say. */
    @Test
    void portSyntaxIsTheModelBuildersToReport() throws IOException {
        Path p = write("p.yaml", """
                version: 1
                name: p
                rootfs: {path: r}
                process: {args: [a]}
                network:
                  mode: bridge
                  address: not-an-address
                  ports: ["80", "a:b:c:d", "1:2:udp", ":80", "8080:", "08080:080", "123456:1", "1:1/", "1:1/ICMP", "x:1:1"]
                """);
        for (boolean schema : new boolean[] {true, false}) {
            SpecLoader.Result r = SpecLoader.load(p, schema);
            assertNull(r.spec());
            assertEquals(List.of(
                            "8:11 network-port network.ports[0]: \"80\" is not [hostIp:]hostPort:containerPort[/tcp|/udp];"
                                    + " write e.g. \"8080:80\" or \"127.0.0.1:5353:53/udp\"",
                            "8:17 network-port network.ports[1]: \"a:b:c:d\" is not [hostIp:]hostPort:containerPort[/tcp|/udp];"
                                    + " write e.g. \"8080:80\" or \"127.0.0.1:5353:53/udp\"",
                            "8:28 network-port network.ports[2]: \"1:2:udp\" is not [hostIp:]hostPort:containerPort[/tcp|/udp];"
                                    + " did you mean \"1:2/udp\"?",
                            "8:39 network-port network.ports[3]: host port \"\" in \":80\" is not a number from 1 to 65535",
                            "8:46 network-port network.ports[4]: container port \"\" in \"8080:\" is not a number from 1 to 65535",
                            "8:68 network-port network.ports[6]: host port \"123456\" in \"123456:1\" is not a number from 1 to 65535",
                            "8:80 network-port network.ports[7]: protocol \"\" in \"1:1/\" is not tcp or udp",
                            "8:88 network-port network.ports[8]: protocol \"ICMP\" in \"1:1/ICMP\" is not tcp or udp"),
                    r.diagnostics().stream().map(d -> pos(d.at()) + " " + d.ruleId() + " " + d.message()).toList(),
                    schema ? "after the schema" : "without the schema");
        }
        Path number = write("i.yaml", "version: 1\nname: i\nrootfs: {path: r}\nprocess: {args: [a]}\nnetwork: {mode: slirp, ports: [80]}\n");
        for (boolean schema : new boolean[] {true, false}) {
            assertEquals(List.of("network.ports[0]: expected a string, found an integer 80; quote it: \"80\""),
                    SpecLoader.load(number, schema).diagnostics().stream().map(Diagnostic::message).toList());
        }
    }

    @Test
    void withoutSchemaValidationTheNetworkKeysAreStillChecked() throws IOException {
        Path p = write("t.yaml", """
                version: 1
                name: t
                rootfs: {path: r}
                process: {args: [a]}
                network:
                  mode: BRIDGE
                  bridge: 0
                  subnet: [10.88.0.0/16]
                  address: null
                  nat: "yes"
                  rootless: bridge
                  ports: "8080:80"
                  dns: 9.9.9.9
                """);
        SpecLoader.Result r = SpecLoader.load(p, false);
        assertNull(r.spec());
        assertEquals(List.of(
                        "6:9 schema-enum network.mode: \"BRIDGE\" is not one of none, host, bridge, slirp",
                        "7:11 schema-type network.bridge: expected a string, found an integer 0; quote it: \"0\"",
                        "8:11 schema-type network.subnet: expected a string, found a list",
                        "9:12 schema-type network.address: expected a string, found null",
                        "10:8 schema-type network.nat: expected true or false, found a string \"yes\"; write true or false without quotes",
                        "11:13 schema-enum network.rootless: \"bridge\" is not one of slirp",
                        "12:10 schema-type network.ports: expected a list, found a string \"8080:80\"; write a list, e.g. [\"8080:80\"]",
                        "13:8 schema-type network.dns: expected a list, found a string \"9.9.9.9\"; write a list, e.g. [\"9.9.9.9\"]"),
                r.diagnostics().stream().map(d -> pos(d.at()) + " " + d.ruleId() + " " + d.message()).toList());
    }

    @Test
    void umaskForms() throws IOException {
        String head = "version: 1\nname: u\nrootfs: {path: r}\nprocess:\n  args: [a]\n  umask: ";
        // YAML 1.1, as jackson reads it: a leading 0 makes an integer octal.
        for (String form : List.of("\"0027\"", "\"027\"", "'27'", "0027", "23", "0x17")) {
            assertEquals(0027, SpecLoader.load(write("u.yaml", head + form + "\n")).spec().process().umask(), form);
        }
        assertNull(SpecLoader.load(write("u.yaml", head + "null\n")).spec().process().umask());
        assertEquals(0777, SpecLoader.load(write("u.yaml", head + "'0777'\n")).spec().process().umask());
    }

    @Test
    void seccompKinds() throws IOException {
        String head = "version: 1\nname: s\nrootfs: {path: r}\nprocess: {args: [a]}\nsecurity: {seccomp: ";
        assertEquals(Spec.SeccompKind.DEFAULT, SpecLoader.load(write("s.yaml", head + "default}\n")).spec().security().seccomp().kind());
        Spec.Seccomp u = SpecLoader.load(write("s.yaml", head + "unconfined}\n")).spec().security().seccomp();
        assertEquals(new Spec.Seccomp(Spec.SeccompKind.UNCONFINED, null, u.at()), u);
        assertEquals(Path.of("/etc/p.json"), SpecLoader.load(write("s.yaml", head + "/etc/p.json}\n")).spec().security().seccomp().profile());
    }

    @Test
    void hostRootHasNoPath() throws IOException {
        Spec s = SpecLoader.load(write("h.json", "{\"version\":1,\"name\":\"h\",\"rootfs\":{\"host\":true},\"process\":{\"args\":[\"ls\"]}}")).spec();
        assertTrue(s.rootfs().host());
        assertNull(s.rootfs().path());
    }

    @Test
    void hostPathsResolveAgainstTheSpecsFolder() throws IOException {
        Path spec = write("sub/dir/p.yaml", """
                version: 1
                name: p
                rootfs: {path: ../rootfs}
                files: [{destination: /etc/x, source: ./conf/x}]
                volumes: [{source: data, destination: /d}, {source: /abs/../srv, destination: /s}]
                mounts: [{destination: /b, source: relative/not/resolved}]
                process: {args: [a]}
                """);
        Spec s = SpecLoader.load(spec).spec();
        assertEquals(dir.resolve("sub/rootfs"), s.rootfs().path());
        assertEquals(dir.resolve("sub/dir/conf/x"), s.files().get(0).source());
        assertEquals(dir.resolve("sub/dir/data"), s.volumes().get(0).source());
        assertEquals(Path.of("/srv"), s.volumes().get(1).source());
        assertEquals("relative/not/resolved", s.mounts().get(0).source(), "a mount source may be a device or fs name");
        assertEquals(spec, s.file());
    }

    @Test
    void relativeSpecFileNamesStayAsGivenInLocations() {
        SpecLoader.Result r = SpecLoader.load(Path.of("specs/x.yaml"), "version: 1\nname: x\nrootfs: {path: r}\nprocess: {args: [a]}\n");
        assertEquals("specs/x.yaml:1:1", r.spec().at().toString());
        assertEquals(Path.of("specs/r").toAbsolutePath().normalize(), r.spec().rootfs().path());
    }

    @Test
    void elementsCarryTheirNodesLocation() throws IOException {
        Spec s = SpecLoader.load(write("l.yaml", """
                # comment
                version: 1
                name: l
                rootfs:
                  path: r
                mounts:
                  - destination: /a
                  - {destination: /b}
                volumes:
                  - source: v
                    destination: /v
                process:
                  args: [a]
                """)).spec();
        assertEquals("2:1", pos(s.at()));
        assertEquals("5:3", pos(s.rootfs().at()));
        assertEquals("7:5", pos(s.mounts().get(0).at()));
        assertEquals("8:5", pos(s.mounts().get(1).at()));
        assertEquals("10:5", pos(s.volumes().get(0).at()));
        assertEquals("13:3", pos(s.process().at()));
    }

    @Test
    void ioProblemsAreFindings() throws IOException {
        SpecLoader.Result r = SpecLoader.load(dir.resolve("missing.yaml"));
        assertEquals("io", r.diagnostics().get(0).ruleId());
        assertEquals(dir.resolve("missing.yaml") + ": error: no such file [io]", r.diagnostics().get(0).toString());
        assertNull(r.tree());

        Files.createDirectory(dir.resolve("d.yaml"));
        assertEquals("is a directory, not a spec file", SpecLoader.load(dir.resolve("d.yaml")).diagnostics().get(0).message());

        assertEquals("file-type", SpecLoader.load(write("README.md", "# hi")).diagnostics().get(0).ruleId());
    }

    @Test
    void unreadableFileIsAFinding() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        Path p = write("secret.yaml", "a: 1\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
        assertEquals("permission denied", SpecLoader.load(p).diagnostics().get(0).message());
    }

    @Test
    void aHugeFileIsRefusedWithoutReadingIt() throws IOException {
        Path p = dir.resolve("huge.yaml");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: 3 GiB, no disk used
        }
        SpecLoader.Result r = SpecLoader.load(p);
        assertEquals(1, r.diagnostics().size());
        assertEquals("spec-too-large", r.diagnostics().get(0).ruleId());
        assertTrue(r.diagnostics().get(0).message().contains("3,221,225,472 bytes"));
    }

    @Test
    void anEndlessDeviceIsReadOnlyUpToTheLimit() throws IOException {
        Path p = Files.createSymbolicLink(dir.resolve("zero.yaml"), Path.of("/dev/zero"));
        SpecLoader.Result r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> SpecLoader.load(p));
        assertEquals(List.of("spec-too-large"), r.diagnostics().stream().map(Diagnostic::ruleId).toList());
    }

    @Test
    void withoutSchemaValidationTypesAreStillChecked() throws IOException {
        Path p = write("t.yaml", """
                version: 1
                name: t
                rootfs: {path: r, readonly: "yes"}
                namespaces: [user, nett]
                idMappings: {uid: [{container: 0, host: 99999999999999999999, size: 1}]}
                process:
                  args: sh
                  env: {N: 1}
                network: {mode: fast}
                """);
        SpecLoader.Result r = SpecLoader.load(p, false);
        assertNull(r.spec());
        assertEquals(List.of(
                        "3:29 schema-type rootfs.readonly: expected true or false, found a string \"yes\"; write true or false without quotes",
                        "4:20 schema-enum namespaces[1]: \"nett\" is not one of user, mount, uts, ipc, pid, net, cgroup",
                        "5:41 schema-range idMappings.uid[0].host: 99999999999999999999 is outside 0..4294967294",
                        "7:9 schema-type process.args: expected a list, found a string \"sh\"; write a list, e.g. [\"sh\"]",
                        "8:12 schema-type process.env.N: expected a string, found an integer 1; quote it: \"1\"",
                        "9:17 schema-enum network.mode: \"fast\" is not one of none, host, bridge, slirp"),
                r.diagnostics().stream().map(d -> pos(d.at()) + " " + d.ruleId() + " " + d.message()).toList());
    }

    @Test
    void withoutSchemaValidationTheContainmentKeysAreStillChecked() throws IOException {
        Path p = write("t.yaml", """
                version: 1
                name: t
                rootfs: {path: r}
                process:
                  args: [a]
                  capabilities: {add: NET_ADMIN}
                  noNewPrivileges: "no"
                  rlimits:
                    nofiel: {soft: 1, hard: 1}
                    nproc: {soft: lots, hard: -1}
                    core: {soft: 0}
                    stack: 8m
                  umask: "0999"
                  oomScoreAdj: 2000
                security: {seccomp: 5, maskedPaths: /proc, readonlyPaths: [1]}
                devices:
                  - {path: /dev/x, type: z}
                  - {path: /dev/y, major: 4096, minor: 1.5}
                  - /dev/z
                """);
        SpecLoader.Result r = SpecLoader.load(p, false);
        assertNull(r.spec());
        assertEquals(List.of(
                        "6:23 schema-type process.capabilities.add: expected a list, found a string \"NET_ADMIN\"; write a list, e.g. [\"NET_ADMIN\"]",
                        "7:20 schema-type process.noNewPrivileges: expected true or false, found a string \"no\"; write true or false without quotes",
                        "9:5 schema-unknown-key unknown key \"nofiel\" in process.rlimits; did you mean \"nofile\"?",
                        "10:19 schema-pattern process.rlimits.nproc.soft: \"lots\" is neither an integer nor \"unlimited\"",
                        "10:31 schema-range process.rlimits.nproc.hard: -1 is outside 0..9223372036854775807",
                        "11:5 schema-required missing required key \"hard\" in process.rlimits.core",
                        "12:12 schema-type process.rlimits.stack: expected a mapping, found a string \"8m\"",
                        "13:10 schema-pattern process.umask: \"0999\" is not an octal mode from 0 to 0777, such as \"0027\"",
                        "14:16 schema-range process.oomScoreAdj: 2000 is outside -1000..1000",
                        "15:21 schema-type security.seccomp: expected a string, found an integer 5; quote it: \"5\"",
                        "15:37 schema-type security.maskedPaths: expected a list, found a string \"/proc\"; write a list, e.g. [\"/proc\"]",
                        "15:60 schema-type security.readonlyPaths[0]: expected a string, found an integer 1; quote it: \"1\"",
                        "17:26 schema-enum devices[0].type: \"z\" is not one of c, b",
                        "18:27 schema-range devices[1].major: 4096 is outside 0..4095",
                        "18:40 schema-type devices[1].minor: expected an integer, found a number 1.5",
                        "19:5 schema-type devices[2]: expected a mapping, found a string \"/dev/z\""),
                r.diagnostics().stream().map(d -> pos(d.at()) + " " + d.ruleId() + " " + d.message()).toList());
    }

    @Test
    void withoutSchemaValidationUnknownKeysAreIgnored() throws IOException {
        Path p = write("u.yaml", "version: 1\nname: u\nrootfs: {path: r}\nprocess: {args: [a]}\nextra: 1\n");
        assertNotNull(SpecLoader.load(p, false).spec());
        assertEquals("schema-unknown-key", SpecLoader.load(p, true).diagnostics().get(0).ruleId());
    }

    @Test
    void missingRequiredKeysWithoutSchema() throws IOException {
        SpecLoader.Result r = SpecLoader.load(write("r.yaml", "version: 1\nname: r\nprocess: {cwd: /}\n"), false);
        assertEquals(List.of("missing required key \"rootfs\" in the spec root", "missing required key \"args\" in process"),
                r.diagnostics().stream().map(Diagnostic::message).toList());
    }

    @Test
    void nulCharactersInStringsAreRefused() {
        SpecLoader.Result r = SpecLoader.load(Path.of("n.yaml"), "version: 1\nname: n\nrootfs: {path: r}\nprocess: {args: [\"a\\0b\"]}\n");
        assertNull(r.spec());
        assertEquals("4:18 nul-char process.args[0]: contains a NUL character",
                pos(r.diagnostics().get(0).at()) + " " + r.diagnostics().get(0).ruleId() + " " + r.diagnostics().get(0).message());
    }

    @Test
    void numbersWithoutAFractionAreIntegers() {
        SpecLoader.Result r = SpecLoader.load(Path.of("i.yaml"),
                "version: 1.0\nname: i\nrootfs: {path: r}\nprocess: {args: [a], user: {uid: 1e3, gid: 0}}\n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals(1000, r.spec().process().user().uid());
        r = SpecLoader.load(Path.of("i.yaml"), "version: 1\nname: i\nrootfs: {path: r}\nprocess: {args: [a], user: {uid: 1.5, gid: 0}}\n");
        assertEquals("process.user.uid: expected an integer, found a number 1.5", r.diagnostics().get(0).message());
    }

    /** A short number text can stand for a gigantic integer; expanding it would take seconds. */
    @Test
    void hugeExponentsAreRejectedQuickly() {
        for (String v : List.of("1e30000000", "-1e30000000", "1e-30000000", "9e999999999")) {
            for (boolean schema : List.of(true, false)) {
                String text = "version: 1\nname: i\nrootfs: {path: r}\nprocess: {args: [a], user: {uid: " + v + ", gid: 0}}\n";
                SpecLoader.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> schema
                        ? SpecLoader.load(Path.of("i.yaml"), text)
                        : SpecLoader.load(Files.writeString(dir.resolve("i.yaml"), text), false));
                assertNull(r.spec(), v);
                assertEquals("4:34", pos(r.diagnostics().get(0).at()), v);
            }
        }
    }

    @Test
    void readerErrorsStopBeforeTheSchema() {
        SpecLoader.Result r = SpecLoader.load(Path.of("d.yaml"), "version: 1\nversion: 1\n");
        assertEquals(List.of("duplicate-key"), r.diagnostics().stream().map(Diagnostic::ruleId).toList(),
                "no schema-required noise about a document that is already broken");
        assertNotNull(r.tree(), "lint can still locate things in it");
    }
}
