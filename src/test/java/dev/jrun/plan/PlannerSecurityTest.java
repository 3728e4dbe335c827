package dev.jrun.plan;

import static dev.jrun.plan.MountFlags.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.host.HostInfo;
import dev.jrun.security.MaskedPaths;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The containment a plan holds, decided by the planner from the spec and the host's facts. */
class PlannerSecurityTest {
    static final Location AT = new Location("t.yaml", 1, 1);
    static final Location SEC = new Location("t.yaml", 9, 3);

    @TempDir Path tmp;

    static Spec spec(Spec.ProcessSpec proc, Spec.Security security, List<Spec.Device> devices, Spec.Rootfs rootfs,
            List<Spec.Mount> mounts, List<Spec.ConfFile> files) {
        return new Spec(Path.of("/work/specs/t.yaml"), 1, "t", rootfs, "t", null, EnumSet.allOf(Namespace.class),
                new Spec.IdMappings(List.of(), List.of(), AT), true, mounts, files, List.of(), proc,
                new Spec.Network(Spec.NetworkMode.NONE, AT), security, devices, AT);
    }

    static Spec.ProcessSpec proc(Spec.CapabilityChanges caps, boolean nnp, List<Spec.Rlimit> limits, Integer umask, Integer oom) {
        return new Spec.ProcessSpec(List.of("/bin/true"), Map.of(), "/", null, false, true, caps, nnp, limits, umask, oom, AT);
    }

    static Spec.Rootfs rootfs() {
        return new Spec.Rootfs(Path.of("/work/build/rootfs"), false, true, true, AT);
    }

    /** The spec's source as the planner sees it: the keys these specs set are at SEC, everything else at AT. */
    static Plan plan(Spec s, HostInfo host) throws PlanException {
        java.util.Set<String> given = new java.util.HashSet<>();
        if (!s.process().capabilities().add().isEmpty() || !s.process().capabilities().drop().isEmpty()) given.add("/process/capabilities");
        if (s.security().maskedPaths() != null) given.add("/security/maskedPaths");
        if (s.security().readonlyPaths() != null) given.add("/security/readonlyPaths");
        return Planner.compile(s, p -> given.contains(p) ? SEC : AT, host);
    }

    static final HostInfo ROOTLESS = new HostInfo(1000, 1000, null);

    static Spec defaults() {
        return spec(proc(Spec.CapabilityChanges.NONE, true, List.of(), null, null), Spec.Security.DEFAULT, List.of(), rootfs(),
                List.of(), List.of());
    }

    @Test
    void capabilitiesAreThePodmanDefaultsWithTheSpecsChanges() throws Exception {
        Spec s = spec(proc(new Spec.CapabilityChanges(List.of("CAP_NET_ADMIN"), List.of("CAP_CHOWN"), SEC), true, List.of(), null, null),
                Spec.Security.DEFAULT, List.of(), rootfs(), List.of(), List.of());
        Plan p = plan(s, ROOTLESS);
        Step.DropBoundingSet b = p.stepsOf(Step.DropBoundingSet.class).get(0);
        Step.SetCapabilities c = p.stepsOf(Step.SetCapabilities.class).get(0);
        assertEquals((0x800405fbL | 1L << 12) & ~1L, b.keep());
        assertEquals(b.keep(), c.effective());
        assertEquals(SEC, c.at(), "the spec's line");
        List<String> k = p.steps().stream().map(PlanPrinter::kind).toList();
        assertTrue(k.indexOf("bounding-set") < k.indexOf("user") && k.indexOf("user") < k.indexOf("capabilities"),
                "bounding set while still root, capset after the user switch (runc's order): " + k);
        Spec none = spec(proc(new Spec.CapabilityChanges(List.of(), List.of("ALL"), SEC), true, List.of(), null, null),
                Spec.Security.DEFAULT, List.of(), rootfs(), List.of(), List.of());
        assertEquals(0, plan(none, ROOTLESS).stepsOf(Step.SetCapabilities.class).get(0).effective());
        Spec all = spec(proc(new Spec.CapabilityChanges(List.of("ALL"), List.of(), SEC), true, List.of(), null, null),
                Spec.Security.DEFAULT, List.of(), rootfs(), List.of(), List.of());
        assertEquals((1L << 41) - 1, plan(all, ROOTLESS).stepsOf(Step.DropBoundingSet.class).get(0).keep(), "0..cap_last_cap");
    }

    @Test
    void seccompIsLastAfterNoNewPrivsOrBeforeTheCapabilityDropWithout() throws Exception {
        List<String> k = plan(defaults(), ROOTLESS).steps().stream().map(PlanPrinter::kind).toList();
        assertEquals(k.indexOf("no-new-privs") + 1, k.indexOf("seccomp"));
        assertEquals(k.indexOf("seccomp") + 1, k.indexOf("init"));
        Spec off = spec(proc(Spec.CapabilityChanges.NONE, false, List.of(), null, null), Spec.Security.DEFAULT, List.of(), rootfs(),
                List.of(), List.of());
        List<String> k2 = plan(off, ROOTLESS).steps().stream().map(PlanPrinter::kind).toList();
        assertFalse(k2.contains("no-new-privs"));
        assertTrue(k2.indexOf("seccomp") < k2.indexOf("user"), "loaded while CAP_SYS_ADMIN is still effective: " + k2);
        Spec unconfined = spec(proc(Spec.CapabilityChanges.NONE, true, List.of(), null, null),
                new Spec.Security(new Spec.Seccomp(Spec.SeccompKind.UNCONFINED, null, SEC), null, null, SEC), List.of(), rootfs(),
                List.of(), List.of());
        assertTrue(plan(unconfined, ROOTLESS).stepsOf(Step.LoadSeccomp.class).isEmpty());
    }

    @Test
    void theDefaultFilterDependsOnTheCapabilities() throws Exception {
        Step.LoadSeccomp plain = plan(defaults(), ROOTLESS).stepsOf(Step.LoadSeccomp.class).get(0);
        Spec admin = spec(proc(new Spec.CapabilityChanges(List.of("CAP_SYS_ADMIN"), List.of(), SEC), true, List.of(), null, null),
                Spec.Security.DEFAULT, List.of(), rootfs(), List.of(), List.of());
        Step.LoadSeccomp withAdmin = plan(admin, ROOTLESS).stepsOf(Step.LoadSeccomp.class).get(0);
        assertNotEquals(plain.instructions(), withAdmin.instructions(), "CAP_SYS_ADMIN allows unshare, mount, ...");
        assertTrue(plain.description().contains("default profile"), plain.description());
    }

    @Test
    void maskedAndReadonlyPathsAreRuncsUnlessTheSpecReplacesThem() throws Exception {
        Plan p = plan(defaults(), ROOTLESS);
        assertEquals(MaskedPaths.MASKED, p.stepsOf(Step.MaskPaths.class).get(0).paths());
        assertTrue(p.stepsOf(Step.MaskPaths.class).get(0).paths().containsAll(List.of("/proc/kcore", "/proc/keys", "/sys/firmware")));
        assertEquals(List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"),
                p.stepsOf(Step.ReadonlyPaths.class).get(0).paths());
        assertTrue(p.stepsOf(Step.ReadonlyPaths.class).get(0).recursive(), "Linux 5.12+: mount_setattr");
        Spec off = spec(proc(Spec.CapabilityChanges.NONE, true, List.of(), null, null),
                new Spec.Security(Spec.Seccomp.DEFAULT, List.of(), List.of("/etc"), SEC), List.of(), rootfs(), List.of(), List.of());
        Plan q = plan(off, ROOTLESS);
        assertEquals(List.of(), q.stepsOf(Step.MaskPaths.class).get(0).paths(), "[] turns masking off");
        assertEquals(List.of("/etc"), q.stepsOf(Step.ReadonlyPaths.class).get(0).paths());
        assertEquals(SEC, q.stepsOf(Step.MaskPaths.class).get(0).at());
    }

    @Test
    void aHostRootMasksTheHostsSecretsWhateverTheSpecSays() throws Exception {
        Spec host = spec(proc(Spec.CapabilityChanges.NONE, true, List.of(), null, null),
                new Spec.Security(Spec.Seccomp.DEFAULT, List.of(), null, SEC), List.of(), new Spec.Rootfs(null, true, true, true, AT),
                List.of(), List.of());
        List<String> masked = plan(host, new HostInfo(0, 0, null)).stepsOf(Step.MaskPaths.class).get(0).paths();
        assertTrue(masked.containsAll(List.of("/etc/shadow", "/etc/gshadow", "/etc/sudoers")), masked.toString());
    }

    @Test
    void everyWritableMountIsNodevAndDevicesAreTheHostsNodes() throws Exception {
        Spec s = spec(proc(Spec.CapabilityChanges.NONE, true, List.of(), null, null), Spec.Security.DEFAULT,
                List.of(new Spec.Device("/dev/mynull", "c", 1L, 3L, SEC), new Spec.Device("/dev/zero2", null, null, null, SEC)),
                rootfs(), List.of(new Spec.Mount("/scratch", "tmpfs", null, List.of(), AT)), List.of());
        Plan p = plan(s, ROOTLESS);
        for (Step.Mount m : p.stepsOf(Step.Mount.class)) {
            boolean exempt = m.purpose() == Step.Purpose.DEVICE || "devpts".equals(m.fstype()) || (m.flags() & MS_RDONLY) != 0
                    || m.purpose() == Step.Purpose.CONF_FILE || (m.flags() & (MS_BIND | MS_REC)) == MS_BIND && m.target().startsWith("/dev/")
                    || m.fstype() == null && (m.flags() & MS_BIND) != 0 && m.source().equals("/proc");
            if (!exempt) assertTrue((m.flags() & MS_NODEV) != 0, "not nodev: " + m);
        }
        Step.Mount mynull = p.stepsOf(Step.Mount.class).stream().filter(m -> m.target().equals("/dev/mynull")).findFirst().orElseThrow();
        assertEquals("/dev/null", mynull.source(), "the host's node with those numbers");
        assertEquals(Step.Purpose.DEVICE, mynull.purpose());
        assertEquals(SEC, mynull.at());
    }

    @Test
    void rlimitsUmaskAndOomAreSteps() throws Exception {
        Spec s = spec(proc(Spec.CapabilityChanges.NONE, true,
                List.of(new Spec.Rlimit("nofile", 1024, 2048, SEC), new Spec.Rlimit("nproc", 50, -1, SEC)), 027, 500),
                Spec.Security.DEFAULT, List.of(), rootfs(), List.of(), List.of());
        Plan p = plan(s, ROOTLESS);
        assertEquals(List.of(new Step.Limit(7, 1024, 2048), new Step.Limit(6, 50, -1)), p.stepsOf(Step.SetRlimits.class).get(0).limits());
        assertEquals(027, p.stepsOf(Step.SetUmask.class).get(0).mask());
        assertEquals(500, p.stepsOf(Step.OomScoreAdj.class).get(0).value());
        List<String> k = p.steps().stream().map(PlanPrinter::kind).toList();
        assertTrue(k.indexOf("rlimits") < k.indexOf("sync") && k.indexOf("oom-score") < k.indexOf("sync"), "the parent's, before SYNC_GO");
        assertEquals(022, plan(defaults(), ROOTLESS).stepsOf(Step.SetUmask.class).get(0).mask(), "OCI's default");
    }

    @Test
    void anOldKernelGetsNoOpenat2AndSaysSo() throws Exception {
        HostInfo old = new HostInfo(1000, 1000, null, 40, "5.4.0-99", "none");
        Plan p = plan(spec(proc(Spec.CapabilityChanges.NONE, true, List.of(), null, null),
                new Spec.Security(new Spec.Seccomp(Spec.SeccompKind.UNCONFINED, null, SEC), null, null, SEC), List.of(), rootfs(),
                List.of(), List.of()), old);
        assertFalse(p.stepsOf(Step.ResolveInRoot.class).get(0).openat2());
        assertFalse(p.stepsOf(Step.ReadonlyPaths.class).get(0).recursive());
        assertTrue(PlanPrinter.describe(p.stepsOf(Step.ResolveInRoot.class).get(0)).contains("could still redirect"));
    }

    @Test
    void aRootOwnedDirectoryThatMustGetAMountPointIsCopiedUpRootless() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("rootfs"));
        for (String d : List.of("etc", "proc", "sys", "dev", "tmp")) Files.createDirectories(root.resolve(d));
        Files.createFile(root.resolve("etc/hosts"));
        Files.createFile(root.resolve("etc/hostname"));
        Files.createFile(root.resolve("etc/resolv.conf"));
        Spec s = spec(proc(Spec.CapabilityChanges.NONE, true, List.of(), null, null), Spec.Security.DEFAULT, List.of(),
                new Spec.Rootfs(root, false, true, true, AT), List.of(new Spec.Mount("/tmp/new/deep", "tmpfs", null, List.of(), AT)),
                List.of(new Spec.ConfFile("/etc/motd", "hi\n", null, AT)));
        long owner = ((Number) Files.getAttribute(root.resolve("etc"), "unix:uid")).longValue();
        Plan rootless = plan(s, new HostInfo(owner + 1, owner + 1, null));
        assertEquals(List.of("/tmp", "/etc"), rootless.stepsOf(Step.CopyUp.class).stream().map(Step.CopyUp::dir).sorted(
                java.util.Comparator.reverseOrder()).toList(), "not /tmp/new: it does not exist yet");
        List<String> k = rootless.steps().stream().map(PlanPrinter::kind).toList();
        assertEquals(k.indexOf("rootfs") + 1, k.indexOf("copy-up"), "before anything is mounted into them");
        assertTrue(plan(s, new HostInfo(owner, owner, null)).stepsOf(Step.CopyUp.class).isEmpty(), "container root owns them");
    }
}
