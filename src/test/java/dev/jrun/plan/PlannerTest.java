package dev.jrun.plan;

import static dev.jrun.plan.MountFlags.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.host.HostInfo;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.spec.Spec;
import dev.jrun.sys.Linux;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final Location AT = new Location("t.yaml", 1, 1);
    static final Path FILE = Path.of("/work/specs/t.yaml");
    static final HostInfo ROOTLESS = new HostInfo(1000, 1000, "nameserver 192.0.2.53\n");
    static final HostInfo ROOT = new HostInfo(0, 0, null);
    static final Function<String, Location> LOCATE = p -> new Location("t.yaml", p.length(), 1);

    static Spec spec(Set<Namespace> ns, List<Spec.Mount> mounts, List<Spec.ConfFile> files, List<Spec.Volume> vols,
            Spec.IdMappings maps, Spec.NetworkMode net, boolean init) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FOO", "bar");
        env.put("PATH", "/bin");
        return new Spec(FILE, 1, "demo", new Spec.Rootfs(Path.of("/work/build/rootfs"), false, true, true, AT),
                "demo", null, ns, maps, true, mounts, files, vols,
                new Spec.ProcessSpec(List.of("/bin/sh", "-c", "echo hi"), env, "/", null, false, init, AT),
                new Spec.Network(net, AT), Spec.Security.DEFAULT, List.of(), AT);
    }

    static Spec defaults() {
        return spec(EnumSet.allOf(Namespace.class), List.of(), List.of(), List.of(),
                new Spec.IdMappings(List.of(), List.of(), AT), Spec.NetworkMode.NONE, true);
    }

    static List<String> kinds(Plan p) {
        return p.steps().stream().map(PlanPrinter::kind).toList();
    }

    @Test
    void ordersStepsAsTheKernelNeedsThem() throws Exception {
        Plan p = Planner.compile(defaults(), LOCATE, ROOTLESS);
        List<String> k = kinds(p);
        assertEquals(List.of("private-dir", "namespaces", "close-fds", "death-signal", "id-maps", "sync", "ns-root",
                "propagation", "resolve-root", "rootfs"), k.subList(0, 10));
        assertEquals(List.of("pivot-root", "masked-paths", "readonly-paths", "readonly-root", "hostname", "loopback", "umask",
                "bounding-set", "user", "capabilities", "death-signal", "chdir", "no-new-privs", "seccomp", "init", "exec", "supervise"),
                k.subList(k.size() - 17, k.size()), "seccomp last before the init and the exec, after no_new_privs");
        // conf files come after every default mount, so a mount over /etc could not hide them
        assertTrue(k.lastIndexOf("mount") < k.indexOf("conf-file"));
    }

    @Test
    void defaultIdMapIsInvokingUserAsRootAndDeniesSetgroupsRootless() throws Exception {
        Step.WriteIdMaps m = Planner.compile(defaults(), LOCATE, ROOTLESS).stepsOf(Step.WriteIdMaps.class).get(0);
        assertEquals(List.of(new Step.IdMapLine(0, 1000, 1)), m.uid());
        assertEquals(List.of(new Step.IdMapLine(0, 1000, 1)), m.gid());
        assertTrue(m.denySetgroups());
        assertFalse(Planner.compile(defaults(), LOCATE, ROOT).stepsOf(Step.WriteIdMaps.class).get(0).denySetgroups());
    }

    @Test
    void explicitIdMapsAreCopiedAndEnableDevptsGid5() throws Exception {
        Spec s = spec(EnumSet.allOf(Namespace.class), List.of(), List.of(), List.of(),
                new Spec.IdMappings(List.of(new Spec.IdMap(0, 100000, 65536, AT)),
                        List.of(new Spec.IdMap(0, 100000, 65536, AT)), AT),
                Spec.NetworkMode.NONE, true);
        Plan p = Planner.compile(s, LOCATE, ROOT);
        assertEquals(List.of(new Step.IdMapLine(0, 100000, 65536)), p.stepsOf(Step.WriteIdMaps.class).get(0).uid());
        Step.Mount pts = p.stepsOf(Step.Mount.class).stream().filter(m -> m.target().equals("/dev/pts")).findFirst().orElseThrow();
        assertTrue(pts.data().endsWith(",gid=5"), pts.data());
        Step.Mount rootlessPts = Planner.compile(defaults(), LOCATE, ROOTLESS).stepsOf(Step.Mount.class).stream()
                .filter(m -> m.target().equals("/dev/pts")).findFirst().orElseThrow();
        assertFalse(rootlessPts.data().contains("gid="), rootlessPts.data());
    }

    @Test
    void withoutPidAndNetNamespacesProcAndSysAreHostBinds() throws Exception {
        Spec s = spec(EnumSet.of(Namespace.USER, Namespace.MOUNT), List.of(), List.of(), List.of(),
                new Spec.IdMappings(List.of(), List.of(), AT), Spec.NetworkMode.HOST, true);
        Plan p = Planner.compile(s, LOCATE, ROOTLESS);
        Map<String, Step.Mount> byTarget = new LinkedHashMap<>();
        p.stepsOf(Step.Mount.class).forEach(m -> byTarget.put(m.target(), m));
        assertEquals(MS_BIND | MS_REC, byTarget.get("/proc").flags());
        assertEquals(MS_BIND | MS_REC | MS_RDONLY, byTarget.get("/sys").flags());
        assertNull(byTarget.get("/dev/mqueue"), "mqueue needs an IPC namespace");
        assertTrue(p.stepsOf(Step.StartInit.class).isEmpty(), "no init without a PID namespace");
        assertTrue(p.stepsOf(Step.SetHostname.class).isEmpty(), "no hostname without UTS");
        assertTrue(p.stepsOf(Step.LoopbackUp.class).isEmpty());
        // network host copies the host's resolv.conf
        assertTrue(p.stepsOf(Step.ConfFile.class).stream()
                .anyMatch(c -> c.target().equals("/etc/resolv.conf") && c.content().contains("192.0.2.53")));
    }

    @Test
    void withoutMountNamespaceThereAreNoFilesystemSteps() throws Exception {
        Spec s = spec(EnumSet.of(Namespace.USER, Namespace.UTS), List.of(), List.of(), List.of(),
                new Spec.IdMappings(List.of(), List.of(), AT), Spec.NetworkMode.HOST, false);
        assertEquals(List.of("namespaces", "close-fds", "death-signal", "id-maps", "sync", "ns-root", "hostname", "umask",
                "bounding-set", "user", "capabilities", "death-signal", "chdir", "no-new-privs", "seccomp", "exec", "supervise"),
                kinds(Planner.compile(s, LOCATE, ROOTLESS)));
    }

    @Test
    void specMountsFilesAndVolumesKeepTheirLocationsAndFlags() throws Exception {
        Location m1 = new Location("t.yaml", 20, 5);
        Location v1 = new Location("t.yaml", 30, 5);
        Location f1 = new Location("t.yaml", 40, 5);
        Spec s = spec(EnumSet.allOf(Namespace.class),
                List.of(new Spec.Mount("/scratch", "tmpfs", null, List.of("nosuid", "size=16m", "mode=0700", "rprivate"), m1)),
                List.of(new Spec.ConfFile("/etc/hosts", "10.0.0.1 db\n", null, f1)),
                List.of(new Spec.Volume(Path.of("/work/specs"), "/data", true, v1)),
                new Spec.IdMappings(List.of(), List.of(), AT), Spec.NetworkMode.NONE, true);
        Plan p = Planner.compile(s, LOCATE, ROOTLESS);
        List<Step.Mount> scratch = p.stepsOf(Step.Mount.class).stream().filter(m -> m.target().equals("/scratch")).toList();
        assertEquals(2, scratch.size(), "the mount, then its propagation change");
        assertEquals("tmpfs", scratch.get(0).fstype());
        assertEquals(MS_NOSUID | MS_NODEV, scratch.get(0).flags(), "nodev on every mount jrun makes");
        assertEquals("size=16m,mode=0700", scratch.get(0).data());
        assertEquals(MS_PRIVATE | MS_REC, scratch.get(1).flags());
        assertEquals(m1, scratch.get(0).at());
        Step.Mount vol = p.stepsOf(Step.Mount.class).stream().filter(m -> m.purpose() == Step.Purpose.VOLUME).findFirst().orElseThrow();
        assertEquals(MS_BIND | MS_REC | MS_RDONLY | MS_NODEV, vol.flags());
        assertEquals(List.of(new Step.RecursiveReadonly("/data", v1)), p.stepsOf(Step.RecursiveReadonly.class),
                "a read-only volume's submounts are read-only too");
        assertEquals(v1, vol.at());
        List<Step.ConfFile> hosts = p.stepsOf(Step.ConfFile.class).stream().filter(c -> c.target().equals("/etc/hosts")).toList();
        assertEquals(1, hosts.size(), "a listed file replaces the generated one");
        assertEquals("10.0.0.1 db\n", hosts.get(0).content());
        assertEquals(f1, hosts.get(0).at());
    }

    @Test
    void specEnvOverridesDefaults() throws Exception {
        Step.Exec e = Planner.compile(defaults(), LOCATE, ROOTLESS).stepsOf(Step.Exec.class).get(0);
        assertEquals(List.of("PATH=/bin", "HOME=/root", "FOO=bar"), e.env());
    }

    @Test
    void bridgeNetworkNeedsRootUnlessItFallsBackToSlirp() throws Exception {
        Spec s = spec(EnumSet.allOf(Namespace.class), List.of(), List.of(), List.of(),
                new Spec.IdMappings(List.of(), List.of(), AT), Spec.NetworkMode.BRIDGE, true);
        PlanException e = assertThrows(PlanException.class, () -> Planner.compile(s, LOCATE, ROOTLESS));
        assertEquals(LOCATE.apply("/network/mode"), e.at(), "network.mode's place");
        assertTrue(e.getMessage().contains("network mode bridge needs root") && e.getMessage().contains("network.rootless: slirp"),
                e.getMessage());
        Plan root = Planner.compile(s, LOCATE, ROOT);
        List<String> k = kinds(root);
        assertTrue(k.indexOf("lease") < k.indexOf("namespaces"), "the address is leased before the clone: " + k);
        assertTrue(k.indexOf("bridge") > k.indexOf("id-maps") && k.indexOf("bridge") < k.indexOf("sync"), "between clone and go: " + k);
        String hosts = root.stepsOf(Step.ConfFile.class).stream().filter(c -> c.target().equals("/etc/hosts")).findFirst().orElseThrow().content();
        assertTrue(hosts.contains(Step.ConfFile.ADDRESS + "\tdemo"), "the leased address, filled in when the run starts: " + hosts);
        Spec.Network fallback = new Spec.Network(Spec.NetworkMode.BRIDGE, "jrun0", "10.88.0.0/16", null, true, Spec.NetworkMode.SLIRP,
                List.of(), null, AT);
        Spec f = new Spec(s.file(), 1, "demo", s.rootfs(), "demo", null, s.namespaces(), s.idMappings(), true, List.of(), List.of(),
                List.of(), s.process(), fallback, s.security(), s.devices(), AT);
        Step.SlirpNetwork slirp = Planner.compile(f, LOCATE, ROOTLESS).stepsOf(Step.SlirpNetwork.class).get(0);
        assertTrue(slirp.reason().contains("bridge needs root, and jrun runs as uid 1000"), slirp.reason());
        assertTrue(Planner.compile(f, LOCATE, ROOT).stepsOf(Step.SlirpNetwork.class).isEmpty(), "root gets the bridge");
    }

    @Test
    void printerShowsEveryStepWithItsSource() throws Exception {
        Plan p = Planner.compile(defaults(), LOCATE, ROOTLESS);
        String text = PlanPrinter.text(p);
        assertTrue(text.contains(" 2. parent namespaces     clone CLONE_NEWUSER|CLONE_NEWNS|"), text);
        assertTrue(text.contains(" 1. parent private-dir    create a 0700 directory"), text);
        assertTrue(text.contains("setgroups deny; uid_map 0 1000 1; gid_map 0 1000 1"), text);
        assertTrue(text.contains("proc on /proc type proc flags MS_NOSUID|MS_NODEV|MS_NOEXEC"), text);
        assertTrue(text.contains("execve /bin/sh -c 'echo hi'"), text);
        assertEquals(p.steps().size(), text.lines().filter(l -> l.trim().startsWith("from ")).count());
        String json = PlanPrinter.json(p);
        assertTrue(json.contains("\"kind\": \"pivot-root\""), json);
        assertTrue(json.contains("\"uidMap\": [\n"), json);
        assertTrue(json.contains("\"actor\": \"parent\""), json);
    }

    /** What a run used to decide on its own is now in the plan, where `jrun plan` shows it. */
    @Test
    void thePlanHoldsTheRootTheCapabilitiesTheCredentialsAndTheDeathSignal() throws Exception {
        Plan p = Planner.compile(defaults(), LOCATE, ROOTLESS);
        assertEquals(List.of(new Step.OverlayRoot("/work/build/rootfs", AT)), p.stepsOf(Step.OverlayRoot.class));
        assertTrue(p.stepsOf(Step.BindRootfs.class).isEmpty(), "a read-only rootfs is an overlay, not a bind");
        Step.SetCapabilities caps = p.stepsOf(Step.SetCapabilities.class).get(0);
        long bounding = p.stepsOf(Step.DropBoundingSet.class).get(0).keep();
        assertEquals(0x800405fbL, bounding, "podman's default set: no MKNOD, NET_RAW, AUDIT_WRITE, SYS_ADMIN");
        assertEquals(bounding, caps.effective());
        assertEquals(0, caps.inheritable());
        assertEquals(0, bounding & (1L << 21), "no CAP_SYS_ADMIN");
        assertEquals(2, p.stepsOf(Step.ParentDeathSignal.class).size(), "after the clone, and again after setresuid");
        assertEquals(List.of(new Step.BecomeNamespaceRoot(true, true, AT)).get(0).uid(),
                p.stepsOf(Step.BecomeNamespaceRoot.class).get(0).uid());
        assertFalse(p.stepsOf(Step.SetUser.class).get(0).setgroups(), "denied rootless, and no groups to set");
        assertTrue(Planner.compile(defaults(), LOCATE, ROOT).stepsOf(Step.SetUser.class).get(0).setgroups());
        assertEquals(-1, p.stepsOf(Step.PrivateDir.class).get(0).owner());
        String text = PlanPrinter.text(p);
        assertTrue(text.contains("overlay lowerdir=/work/build/rootfs,upperdir=PRIVATE/layer/upper"), text);
        assertTrue(text.contains("capabilities   capset effective, permitted: CAP_CHOWN CAP_DAC_OVERRIDE"), text);
        assertTrue(text.contains("bounding-set   keep CAP_CHOWN CAP_DAC_OVERRIDE"), text);
        assertTrue(text.contains("death-signal   prctl PR_SET_PDEATHSIG SIGKILL"), text);
        assertTrue(text.contains("ns-root        setresgid 0, setresuid 0"), text);
        assertTrue(text.contains("supervise      forward SIGINT SIGTERM SIGHUP SIGUSR1 to the init"), text);
    }

    @Test
    void aWritableRootfsIsBoundOntoItselfAndACustomRootMapOwnsThePrivateDir() throws Exception {
        Spec d = defaults();
        Spec s = new Spec(d.file(), 1, "demo", new Spec.Rootfs(Path.of("/work/build/rootfs"), false, false, true, AT),
                d.hostname(), null, d.namespaces(), new Spec.IdMappings(List.of(new Spec.IdMap(0, 200000, 65536, AT)),
                        List.of(new Spec.IdMap(0, 200000, 65536, AT)), AT),
                true, List.of(), List.of(), List.of(), d.process(), d.network(), d.security(), d.devices(), AT);
        Plan p = Planner.compile(s, LOCATE, ROOT);
        assertEquals(List.of(new Step.BindRootfs("/work/build/rootfs", AT)), p.stepsOf(Step.BindRootfs.class));
        assertTrue(p.stepsOf(Step.RemountRootReadonly.class).isEmpty());
        assertEquals(200000, p.stepsOf(Step.PrivateDir.class).get(0).owner(), "container root must reach the conf files");
    }

    @Test
    void theExecStepListsExecvpsCandidates() throws Exception {
        Spec d = defaults();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin::/bin/");
        Spec s = new Spec(d.file(), 1, "demo", d.rootfs(), d.hostname(), null, d.namespaces(), d.idMappings(), true,
                List.of(), List.of(), List.of(), new Spec.ProcessSpec(List.of("ls", "-l"), env, "/", null, false, true, AT),
                d.network(), d.security(), d.devices(), AT);
        Step.Exec e = Planner.compile(s, LOCATE, ROOTLESS).stepsOf(Step.Exec.class).get(0);
        assertEquals(List.of("/usr/bin/ls", "./ls", "/bin/ls"), e.candidates(), "an empty entry is the current directory");
        assertEquals(List.of("/bin/sh"), Planner.compile(d, LOCATE, ROOTLESS).stepsOf(Step.Exec.class).get(0).candidates());
    }

    @Test
    void aDetachedContainersInitIsTheStaticOneBoundAtDevInitAndItOutlivesItsSupervisor() throws Exception {
        PlanOptions detached = new PlanOptions(true, "/usr/bin/tini-static");
        Plan p = Planner.compile(defaults(), LOCATE, ROOTLESS, detached);
        assertTrue(p.stepsOf(Step.StartInit.class).isEmpty(), "no JVM copy as PID 1");
        Step.Mount init = p.stepsOf(Step.Mount.class).stream().filter(m -> m.target().equals("/dev/init")).findFirst().orElseThrow();
        assertEquals("/usr/bin/tini-static", init.source());
        assertTrue((init.flags() & MountFlags.MS_RDONLY) != 0, "the init is bound read-only");
        Step.Exec e = p.stepsOf(Step.Exec.class).get(0);
        assertEquals(List.of("/dev/init", "--"), e.args().subList(0, 2));
        assertTrue(e.detached());
        assertFalse(e.terminal());
        assertEquals(List.of("/bin/sh"), p.stepsOf(Step.CheckExecutable.class).get(0).candidates(),
                "the process's program is checked before the init would exec it");
        List<Step.ParentDeathSignal> death = p.stepsOf(Step.ParentDeathSignal.class);
        assertEquals(0, death.get(death.size() - 1).signal(), "the last death signal is cleared");
        assertTrue(p.stepsOf(Step.Supervise.class).get(0).signals().isEmpty(), "nothing to forward: no foreground jrun");

        Plan foreground = Planner.compile(defaults(), LOCATE, ROOTLESS);
        List<Step.ParentDeathSignal> fg = foreground.stepsOf(Step.ParentDeathSignal.class);
        assertEquals(Linux.SIGKILL, fg.get(fg.size() - 1).signal());
        assertFalse(foreground.stepsOf(Step.StartInit.class).isEmpty());
    }
}
