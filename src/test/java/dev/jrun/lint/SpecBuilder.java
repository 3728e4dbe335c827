package dev.jrun.lint;

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

/**
 * Hand-built specs for rule tests, independent of the YAML front end. Each element gets its own
 * line (its index in creation order), so a test can tell which element a finding points at.
 */
final class SpecBuilder {
    static final String FILE = "t.yaml";
    private int line = 2;

    Path rootfs;
    boolean hostRoot = true;
    String hostname = "t";
    String domainname;
    Set<Namespace> namespaces = EnumSet.allOf(Namespace.class);
    final List<Spec.IdMap> uidMaps = new ArrayList<>();
    final List<Spec.IdMap> gidMaps = new ArrayList<>();
    final List<Spec.Mount> mounts = new ArrayList<>();
    final List<Spec.ConfFile> files = new ArrayList<>();
    final List<Spec.Volume> volumes = new ArrayList<>();
    List<String> args = List.of("/bin/sh");
    final Map<String, String> env = new LinkedHashMap<>();
    String cwd = "/";
    Spec.User user;
    boolean init = true;
    Spec.NetworkMode mode = Spec.NetworkMode.NONE;

    Location next() {
        return new Location(FILE, line++, 1);
    }

    SpecBuilder namespaces(Namespace... ns) {
        namespaces = ns.length == 0 ? EnumSet.noneOf(Namespace.class) : EnumSet.of(ns[0], ns);
        return this;
    }

    SpecBuilder rootfs(Path dir) {
        rootfs = dir;
        hostRoot = false;
        return this;
    }

    SpecBuilder mount(String destination, String type, String source, String... options) {
        mounts.add(new Spec.Mount(destination, type, source, List.of(options), next()));
        return this;
    }

    SpecBuilder file(String destination, Path source) {
        files.add(new Spec.ConfFile(destination, source == null ? "x\n" : null, source, next()));
        return this;
    }

    SpecBuilder volume(Path source, String destination) {
        volumes.add(new Spec.Volume(source, destination, false, next()));
        return this;
    }

    SpecBuilder uidMap(long container, long host, long size) {
        uidMaps.add(new Spec.IdMap(container, host, size, next()));
        return this;
    }

    SpecBuilder gidMap(long container, long host, long size) {
        gidMaps.add(new Spec.IdMap(container, host, size, next()));
        return this;
    }

    SpecBuilder user(long uid, long gid, Long... groups) {
        user = new Spec.User(uid, gid, List.of(groups), next());
        return this;
    }

    Spec.CapabilityChanges capabilities = Spec.CapabilityChanges.NONE;
    boolean noNewPrivileges = true;
    final List<Spec.Rlimit> rlimits = new ArrayList<>();
    Spec.Security security = Spec.Security.DEFAULT;
    List<Spec.Device> devices = new java.util.ArrayList<>();

    SpecBuilder capabilities(List<String> add, List<String> drop) {
        capabilities = new Spec.CapabilityChanges(add, drop, next());
        return this;
    }

    SpecBuilder rlimit(String name, long soft, long hard) {
        rlimits.add(new Spec.Rlimit(name, soft, hard, next()));
        return this;
    }

    SpecBuilder seccomp(Spec.SeccompKind kind, Path profile) {
        security = new Spec.Security(new Spec.Seccomp(kind, profile, next()), security.maskedPaths(), security.readonlyPaths(), next());
        return this;
    }

    SpecBuilder paths(List<String> masked, List<String> readonly) {
        security = new Spec.Security(security.seccomp(), masked, readonly, next());
        return this;
    }

    SpecBuilder device(String path, String type, Long major, Long minor) {
        devices.add(new Spec.Device(path, type, major, minor, next()));
        return this;
    }

    Spec build() {
        Location top = new Location(FILE, 1, 1);
        return new Spec(Path.of(FILE), 1, "t",
                new Spec.Rootfs(rootfs, hostRoot, true, true, next()),
                hostname, domainname, namespaces,
                new Spec.IdMappings(uidMaps, gidMaps, next()),
                true, mounts, files, volumes,
                new Spec.ProcessSpec(args, env, cwd, user, false, init, capabilities, noNewPrivileges, rlimits, null, null, next()),
                new Spec.Network(mode, next()), security, devices,
                top);
    }
}
