package dev.jrun.runner.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a user's containers that outlive the command keep their state: one folder per container,
 * named by the container, under {@code /run/jrun} for root, {@code $XDG_RUNTIME_DIR/jrun} for a
 * user with a runtime dir, else {@code /tmp/jrun-UID} (0700, checked to be the user's own and no
 * symlink, as under setpriv, which sets no runtime dir). Names are unique per user.
 */
public final class StateDir {
    /** A container folder's files: its state, its compiled plan (PlanCodec), its output. */
    public static final String STATE = "state.json";
    public static final String PLAN = "plan";
    public static final String LOG = "log";

    private final Path root;

    private StateDir(Path root) {
        this.root = root;
    }

    /** A given folder (JRUN_STATE_DIR), made 0700 if missing. */
    public static StateDir at(Path root) throws IOException {
        return create(root.toAbsolutePath());
    }

    /** This user's. */
    public static StateDir forUser(long uid) throws IOException {
        if (uid == 0) return create(Path.of("/run/jrun"));
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && xdg.startsWith("/") && Files.isDirectory(Path.of(xdg)) && Files.isWritable(Path.of(xdg))) {
            return create(Path.of(xdg, "jrun"));
        }
        Path tmp = Path.of("/tmp", "jrun-" + uid);
        StateDir d = create(tmp);
        Object owner = Files.getAttribute(tmp, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (Files.isSymbolicLink(tmp) || ((Number) owner).longValue() != uid) {
            throw new IOException(tmp + " belongs to another user (or is a symlink): set XDG_RUNTIME_DIR to a directory of yours");
        }
        return d;
    }

    private static StateDir create(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(root.getParent());
            try {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another jrun made it
            }
        }
        return new StateDir(root);
    }

    public Path root() {
        return root;
    }

    /** The folder of container {@code name} (which may not exist). */
    public Path container(String name) {
        return root.resolve(name);
    }

    /** The unix socket of this user's jrun service. */
    public Path serviceSocket() {
        return root.resolve("service.sock");
    }

    /** The containers with a state folder, by name. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        String[] names = root.toFile().list();
        if (names == null) return out;
        java.util.Arrays.sort(names);
        for (String n : names) if (Files.isRegularFile(root.resolve(n).resolve("state.json"))) out.add(n);
        return out;
    }
}
