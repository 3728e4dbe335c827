package dev.jrun.plan;

import dev.jrun.spec.Location;
import dev.jrun.spec.Namespace;
import java.util.List;
import java.util.Set;

/**
 * One operation of a compiled plan, in execution order (bubblewrap's SetupOp, as records). Paths
 * named {@code target}/{@code path} are container paths (absolute, normalized) interpreted inside
 * the new root; {@code source} paths of binds are host paths. Every step carries the spec
 * {@link Location} it came from so that a failure can point back at the spec.
 */
public sealed interface Step {
    Location at();

    /** clone(2) with these CLONE_NEW* namespaces (all at once, user first by the kernel's rule). */
    record CreateNamespaces(Set<Namespace> namespaces, Location at) implements Step {}

    /** Parent side: write /proc/PID/{uid,gid}_map; "deny" setgroups first when required. */
    record WriteIdMaps(List<IdMapLine> uid, List<IdMapLine> gid, boolean denySetgroups, Location at)
            implements Step {}

    record IdMapLine(long container, long host, long size) {
        @Override
        public String toString() {
            return container + " " + host + " " + size;
        }
    }

    /** mount("", "/", NULL, MS_REC|flag): stop propagation to and from the host first. */
    record SetPropagation(long flags, Location at) implements Step {}

    /** Bind the rootfs (host path) recursively onto itself so that pivot_root can use it. */
    record BindRootfs(String source, boolean readonly, Location at) implements Step {}

    /** rootfs {host: true}: a tmpfs root with read-only binds of the host's system dirs. */
    record HostRoot(List<String> binds, Location at) implements Step {}

    /**
     * mount(2) of {@code source} on {@code target} (inside the new root). {@code dir} says whether
     * the mount point is a directory (created if missing) or a file (created empty if missing).
     * A bind with {@link MountFlags#MS_RDONLY} is done as bind + remount, which the runner knows.
     */
    record Mount(String source, String target, String fstype, long flags, String data, boolean dir,
            Purpose purpose, Location at) implements Step {}

    enum Purpose { DEFAULT, SPEC_MOUNT, CONF_FILE, VOLUME, DEVICE }

    /** symlink(2) {@code linkpath -> target} inside the new root (e.g. /dev/ptmx -> pts/ptmx). */
    record Symlink(String target, String linkpath, Location at) implements Step {}

    /** A generated conf file: written to a private staging file, then bind-mounted read-only. */
    record ConfFile(String target, String content, Location at) implements Step {}

    /** pivot_root(2) into the new root and detach the old one; or chroot(2) when not pivot. */
    record EnterRoot(boolean pivot, Location at) implements Step {}

    /** Remount / read-only, after everything was mounted into it. */
    record RemountRootReadonly(Location at) implements Step {}

    record SetHostname(String hostname, Location at) implements Step {}

    record SetDomainname(String domainname, Location at) implements Step {}

    /** Bring "lo" up in a new network namespace (SIOCSIFFLAGS). */
    record LoopbackUp(Location at) implements Step {}

    /** An init as PID 1 that reaps zombies and forwards signals to the process. */
    record StartInit(Location at) implements Step {}

    /** setgroups/setgid/setuid, in that order (setuid last: it drops the right to do the rest). */
    record SetUser(long uid, long gid, List<Long> additionalGids, Location at) implements Step {}

    record Chdir(String cwd, Location at) implements Step {}

    /** execve(2); {@code path} is args[0] resolved against PATH as the container will see it. */
    record Exec(List<String> args, List<String> env, boolean terminal, Location at) implements Step {}
}
