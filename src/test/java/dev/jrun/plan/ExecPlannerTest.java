package dev.jrun.plan;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.host.HostInfo;
import dev.jrun.spec.Namespace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecPlannerTest {
    static final HostInfo ROOTLESS = new HostInfo(1000, 1000, null);

    Plan container() throws Exception {
        return Planner.compile(PlannerTest.defaults(), PlannerTest.LOCATE, ROOTLESS, new PlanOptions(true, "/usr/bin/tini-static"));
    }

    static List<Class<?>> kinds(Plan p) {
        return p.steps().stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void execJoinsEveryNamespaceAndGetsTheProcesssHardening() throws Exception {
        Plan c = container();
        Plan e = ExecPlanner.compile("web", 4242, 99, c.steps(),
                new ExecPlanner.Options(List.of("hostname"), Map.of("A", "1"), null, null, null, false));
        assertEquals(List.of(Step.OpenContainer.class, Step.CreateNamespaces.class, Step.ParentDeathSignal.class, Step.AwaitParent.class,
                Step.JoinContainer.class, Step.SetUmask.class, Step.DropBoundingSet.class, Step.SetUser.class, Step.SetCapabilities.class,
                Step.ParentDeathSignal.class, Step.Chdir.class, Step.NoNewPrivileges.class, Step.LoadSeccomp.class, Step.StartInit.class,
                Step.Exec.class, Step.Supervise.class), kinds(e));
        assertTrue(e.stepsOf(Step.CreateNamespaces.class).get(0).namespaces().isEmpty(), "a plain fork");
        assertEquals(c.stepsOf(Step.CreateNamespaces.class).get(0).namespaces(), e.stepsOf(Step.JoinContainer.class).get(0).namespaces());
        for (Class<? extends Step> same : List.of(Step.DropBoundingSet.class, Step.SetCapabilities.class, Step.LoadSeccomp.class,
                Step.SetUser.class, Step.SetUmask.class)) {
            assertEquals(c.stepsOf(same), e.stepsOf(same), same.getSimpleName() + " is the container process's");
        }
        List<Step.ParentDeathSignal> death = e.stepsOf(Step.ParentDeathSignal.class);
        assertTrue(death.stream().allMatch(d -> d.signal() == 9), "an exec dies with its jrun");
        Step.Exec x = e.stepsOf(Step.Exec.class).get(0);
        assertEquals(List.of("hostname"), x.args());
        assertTrue(x.env().contains("A=1") && x.env().stream().anyMatch(v -> v.startsWith("PATH=")), x.env().toString());
        assertFalse(x.detached());
        Step.OpenContainer open = e.stepsOf(Step.OpenContainer.class).get(0);
        assertEquals(4242, open.pid());
        assertEquals(99, open.startTime());
    }

    @Test
    void aUserMustBeMappedAndACommandGiven() throws Exception {
        Plan c = container();
        PlanException unmapped = assertThrows(PlanException.class, () -> ExecPlanner.compile("web", 1, 1, c.steps(),
                new ExecPlanner.Options(List.of("id"), Map.of(), 4242L, null, null, false)));
        assertTrue(unmapped.getMessage().contains("user 4242 is not mapped in container web's user namespace"), unmapped.getMessage());
        Plan asRoot = ExecPlanner.compile("web", 1, 1, c.steps(), new ExecPlanner.Options(List.of("id"), Map.of(), 0L, 0L, "/tmp", false));
        assertEquals("/tmp", asRoot.stepsOf(Step.Chdir.class).get(0).cwd());
        PlanException none = assertThrows(PlanException.class, () -> ExecPlanner.compile("web", 1, 1, c.steps(),
                new ExecPlanner.Options(List.of(), Map.of(), null, null, null, false)));
        assertTrue(none.getMessage().contains("name the command"), none.getMessage());
    }

    @Test
    void withoutAPidNamespaceThereIsNoInitToFork() throws Exception {
        Plan c = Planner.compile(PlannerTest.defaults(), PlannerTest.LOCATE, ROOTLESS);
        List<Step> steps = new java.util.ArrayList<>();
        for (Step s : c.steps()) {
            if (s instanceof Step.CreateNamespaces n) {
                java.util.Set<Namespace> ns = java.util.EnumSet.copyOf(n.namespaces());
                ns.remove(Namespace.PID);
                steps.add(new Step.CreateNamespaces(ns, n.at()));
            } else {
                steps.add(s);
            }
        }
        Plan e = ExecPlanner.compile("web", 1, 1, steps, new ExecPlanner.Options(List.of("id"), Map.of(), null, null, null, false));
        assertTrue(e.stepsOf(Step.StartInit.class).isEmpty());
        assertFalse(e.stepsOf(Step.Supervise.class).get(0).init());
    }
}
