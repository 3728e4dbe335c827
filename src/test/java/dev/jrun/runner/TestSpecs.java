package dev.jrun.runner;

import dev.jrun.host.HostInfo;
import dev.jrun.plan.Plan;
import dev.jrun.plan.PlanException;
import dev.jrun.plan.Planner;
import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import dev.jrun.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds specs in code (as the loader would from YAML) and compiles them with the real planner. */
public final class TestSpecs {
    public static final Location AT = new Location("test.yaml", 1, 1);

    public Path rootfs;
    public boolean hostRoot;
    public boolean readonly = true;
    public boolean pivot = true;
    public String hostname = "box";
    public String domainname;
    public Set<Namespace> namespaces = EnumSet.allOf(Namespace.class);
    public List<Spec.IdMap> uidMap = new ArrayList<>();
    public List<Spec.IdMap> gidMap = new ArrayList<>();
    public boolean defaultMounts = true;
    public List<Spec.Mount> mounts = new ArrayList<>();
    public List<Spec.ConfFile> files = new ArrayList<>();
    public List<Spec.Volume> volumes = new ArrayList<>();
    public List<String> args = List.of("/bin/true");
    public Map<String, String> env = new LinkedHashMap<>();
    public String cwd = "/";
    public Spec.User user;
    public boolean init = true;
    public Spec.NetworkMode network = Spec.NetworkMode.NONE;
    public Spec.Security security = Spec.Security.DEFAULT;
    public List<Spec.Device> devices = new ArrayList<>();

    public TestSpecs(Path rootfs) {
        this.rootfs = rootfs;
    }

    public TestSpecs args(String... a) {
        args = List.of(a);
        return this;
    }

    public TestSpecs sh(String script) {
        return args("/bin/sh", "-c", script);
    }

    public TestSpecs namespaces(Namespace... ns) {
        namespaces = ns.length == 0 ? EnumSet.noneOf(Namespace.class) : EnumSet.of(ns[0], ns);
        return this;
    }

    public TestSpecs volume(Path source, String destination, boolean ro) {
        volumes.add(new Spec.Volume(source, destination, ro, new Location("test.yaml", 20 + volumes.size(), 5)));
        return this;
    }

    public Spec spec() {
        return new Spec(Path.of("/nonexistent/test.yaml"), 1, "box",
                new Spec.Rootfs(hostRoot ? null : rootfs, hostRoot, readonly, pivot, new Location("test.yaml", 3, 3)),
                hostname, domainname, namespaces, new Spec.IdMappings(uidMap, gidMap, new Location("test.yaml", 8, 3)),
                defaultMounts, mounts, files, volumes,
                new Spec.ProcessSpec(args, env, cwd, user, false, init, new Location("test.yaml", 12, 3)),
                new Spec.Network(network, AT), security, devices, AT);
    }

    public Plan plan(long uid, long gid) throws PlanException {
        return Planner.compile(spec(), p -> AT, new HostInfo(uid, gid, null));
    }

    /** As {@link #plan(long, long)}, run as {@code options} says (detached, with a static init). */
    public Plan plan(long uid, long gid, dev.jrun.plan.PlanOptions options) throws PlanException {
        return Planner.compile(spec(), p -> AT, new HostInfo(uid, gid, null), options);
    }

    public Plan plan() throws PlanException {
        return plan(Ids.uid(), Ids.gid());
    }

    /** The invoking user's ids, read the way the CLI does. */
    static final class Ids {
        static long uid() {
            return ((Number) attr("unix:uid")).longValue();
        }

        static long gid() {
            return ((Number) attr("unix:gid")).longValue();
        }

        private static Object attr(String name) {
            try {
                return java.nio.file.Files.getAttribute(Path.of("/proc/self"), name);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
