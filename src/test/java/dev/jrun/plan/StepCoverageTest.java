package dev.jrun.plan;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every kind of step, found through the sealed hierarchy itself: each has a sample here, encodes
 * and decodes to an equal step (the codec's decoder is a switch the compiler cannot check), prints
 * a kind, a description and its location, and names who performs it. A new step without a sample
 * fails the first test; the visitors make forgetting it elsewhere a compile error.
 */
class StepCoverageTest {
    static final Location AT = new Location("s.yaml", 3, 7);

    static Map<Class<?>, Step> samples() {
        Map<Class<?>, Step> m = new LinkedHashMap<>();
        for (Step s : List.of(
                new Step.PrivateDir(200000, AT),
                new Step.CreateNamespaces(EnumSet.of(Namespace.USER, Namespace.PID), AT),
                new Step.CloseInheritedFds(AT),
                new Step.ParentDeathSignal(9, AT),
                new Step.WriteIdMaps(List.of(new Step.IdMapLine(0, 1000, 1)), List.of(new Step.IdMapLine(0, 1000, 2)), true, AT),
                new Step.SetRlimits(List.of(new Step.Limit(7, 1024, 2048), new Step.Limit(6, -1, -1)), AT),
                new Step.OomScoreAdj(-500, AT),
                new Step.LeaseAddress("jrun0", "10.88.0.0/16", null, true, AT),
                new Step.PublishPorts(List.of(new dev.jrun.net.Port(null, 8080, 80, "tcp"), new dev.jrun.net.Port("127.0.0.1", 53, 53, "udp")),
                        true, AT),
                new Step.BridgeNetwork("jrun0", "10.88.0.0/16", AT),
                new Step.SlirpNetwork(List.of(new dev.jrun.net.Port(null, 8080, 80, "tcp")), "a reason", AT),
                new Step.ResolveInRoot(true, AT),
                new Step.CopyUp("/etc", AT),
                new Step.RecursiveReadonly("/data", AT),
                new Step.MaskPaths(List.of("/proc/kcore", "/sys/firmware"), AT),
                new Step.ReadonlyPaths(List.of("/proc/sys"), true, AT),
                new Step.SetUmask(027, AT),
                new Step.NoNewPrivileges(AT),
                new Step.LoadSeccomp(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, "a filter", AT),
                new Step.AwaitParent(AT),
                new Step.BecomeNamespaceRoot(true, false, AT),
                new Step.SetPropagation(MountFlags.MS_REC | MountFlags.MS_PRIVATE, AT),
                new Step.OverlayRoot("/r,oot", AT),
                new Step.BindRootfs("/rootfs", AT),
                new Step.HostRoot(AT),
                new Step.Mount("/src", "/dst", "tmpfs", MountFlags.MS_NOSUID, "size=1m", false, Step.Purpose.VOLUME, AT),
                new Step.Symlink("pts/ptmx", "/dev/ptmx", AT),
                new Step.ConfFile("/etc/hosts", "127.0.0.1 x\n\u00e9", AT),
                new Step.EnterRoot(false, AT),
                new Step.RemountRootReadonly(AT),
                new Step.SetHostname("box", AT),
                new Step.SetDomainname("example", AT),
                new Step.LoopbackUp(AT),
                new Step.DropBoundingSet(0x800405fbL, 40, AT),
                new Step.SetCapabilities(0x1L, 0x3L, 0, AT),
                new Step.SetUser(1000, 100, List.of(5L, 27L), true, AT),
                new Step.Chdir("/work", AT),
                new Step.StartInit(AT),
                new Step.CheckExecutable(List.of("/bin/ls", "./ls"), AT),
                new Step.OpenContainer("web", 4242, 123456789L, AT),
                new Step.JoinNamespaces(List.of(new Step.Join(Namespace.NET, "/run/ns/net"), new Step.Join(Namespace.UTS, "/proc/1/ns/uts")), AT),
                new Step.JoinContainer(EnumSet.of(Namespace.USER, Namespace.MOUNT, Namespace.IPC), EnumSet.of(Namespace.NET), AT),
                new Step.Exec(List.of("ls", "-l"), List.of("PATH=/bin"), List.of("/bin/ls", "./ls"), true, true, AT),
                new Step.Supervise(List.of(2, 15), true, AT))) {
            m.put(s.getClass(), s);
        }
        return m;
    }

    /** The records under Step's sealed interfaces. */
    static Set<Class<?>> kinds() {
        Set<Class<?>> out = new HashSet<>();
        List<Class<?>> todo = new ArrayList<>(List.of(Step.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.remove(todo.size() - 1);
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    @Test
    void everyKindOfStepHasASample() {
        assertEquals(kinds(), samples().keySet());
    }

    @Test
    void everyStepSurvivesThePlanCacheCodec() throws Exception {
        List<Step> all = List.copyOf(samples().values());
        byte[] bytes = PlanCodec.encode(all);
        assertEquals(all, PlanCodec.decode(bytes, 0, bytes.length));
    }

    @Test
    void everyStepPrintsWithItsActor() {
        for (Step s : samples().values()) {
            PlanPrinter.Printed p = PlanPrinter.print(s);
            assertFalse(p.kind().isBlank(), s.toString());
            assertFalse(p.description().isBlank(), s.toString());
            boolean parent = s instanceof Step.ParentStep;
            assertEquals(parent ? Step.Actor.PARENT : Step.Actor.CHILD, s.actor(), s.toString());
        }
    }
}
