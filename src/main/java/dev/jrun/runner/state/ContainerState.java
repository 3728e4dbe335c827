package dev.jrun.runner.state;

import dev.jrun.host.SmallFile;
import dev.jrun.plan.Json;
import dev.jrun.sys.ProcStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A detached container's {@code state.json}, OCI-style ({@code ociVersion, id, status, pid,
 * bundle, annotations}) plus what jrun needs: when it was made, its spec, its init's start time
 * and the boot it ran in (so that a later process with the same pid is never taken for it), its
 * exit code once known, and the service that supervises it. The status written here is only what
 * was last known: {@link #status} asks the process, so it is never stale, also after the service
 * was SIGKILLed.
 *
 * <p>Runs in: any jrun command and the service.
 */
public record ContainerState(String id, String written, int pid, long initStart, String bootId, String created,
        String spec, String bundle, Integer exitCode, int supervisorPid, long supervisorStart,
        Map<String, String> annotations) {

    public static final String CREATED = "created";
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    /**
     * A new container: no process yet. Until the service takes it over, the process creating it
     * (the {@code run -d} client) is its supervisor: a client SIGKILLed before the service
     * answered leaves a folder that must not read as "created" for ever.
     */
    public static ContainerState created(String id, String spec, String bundle, String created) {
        ProcStat me = ProcStat.self();
        return new ContainerState(id, CREATED, 0, 0, currentBootId(), created, spec, bundle, null,
                me == null ? 0 : me.pid(), me == null ? 0 : me.startTime(), Map.of());
    }

    /** This boot's id (/proc/sys/kernel/random/boot_id): a pid and start time mean nothing across boots. */
    static String currentBootId() {
        String b = SmallFile.readOrNull("/proc/sys/kernel/random/boot_id");
        return b == null ? "" : b.trim();
    }

    /** The status as the process tells it now: running while its init lives, else stopped (or created). */
    public String status() {
        if (pid <= 0) {
            if (STOPPED.equals(written)) return STOPPED;
            // Never started: created while its creator (or the service starting it) lives, in this boot.
            return supervised() && currentBootId().equals(bootId) ? CREATED : STOPPED;
        }
        return alive(pid, initStart) && currentBootId().equals(bootId) ? RUNNING : STOPPED;
    }

    /** Whether {@code pid} is the process that started at {@code start} and has not exited. */
    static boolean alive(int pid, long start) {
        ProcStat p = ProcStat.read("/proc/" + pid + "/stat");
        return p != null && p.startTime() == start && !p.zombie();
    }

    /** Whether the service that supervises this container is still there. */
    public boolean supervised() {
        return supervisorPid > 0 && alive(supervisorPid, supervisorStart);
    }

    /** Stopped, and no one recorded how (its supervisor was killed, or is still reaping it). */
    public boolean exitUnknown() {
        return STOPPED.equals(status()) && exitCode == null;
    }

    public ContainerState running(int pid, long initStart, int supervisorPid, long supervisorStart) {
        return new ContainerState(id, RUNNING, pid, initStart, bootId, created, spec, bundle, null, supervisorPid,
                supervisorStart, annotations);
    }

    public ContainerState stopped(Integer code) {
        return new ContainerState(id, STOPPED, pid, initStart, bootId, created, spec, bundle, code, supervisorPid,
                supervisorStart, annotations);
    }

    /** What `jrun state` prints: the status is the live one. */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ociVersion", "1.2.0");
        o.put("id", id);
        o.put("status", status());
        o.put("pid", pid);
        o.put("bundle", bundle);
        o.put("annotations", annotations);
        o.put("created", created);
        o.put("spec", spec);
        o.put("exitCode", exitCode);
        o.put("initStartTime", initStart);
        o.put("bootId", bootId);
        o.put("supervisorPid", supervisorPid);
        o.put("supervisorStartTime", supervisorStart);
        return o;
    }

    /** Written whole to a temp file and renamed: a reader never sees half of one. */
    public void write(Path dir) throws IOException {
        Map<String, Object> o = toJson();
        o.put("status", written); // what was known when written; readers ask the process
        Path tmp = Files.createTempFile(dir, ".state", ".json");
        try {
            Files.writeString(tmp, Json.write(o) + "\n");
            Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The state in {@code dir}; NoSuchFileException when there is none. */
    public static ContainerState read(Path dir) throws IOException {
        Path file = dir.resolve("state.json");
        Map<String, Object> o;
        try {
            o = Json.readObject(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage() + " (remove the folder " + dir + " if jrun did not write it)");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (o.get("annotations") instanceof Map<?, ?> a) a.forEach((k, v) -> annotations.put(k.toString(), String.valueOf(v)));
        return new ContainerState(str(o, "id"), str(o, "status"), (int) num(o, "pid"), num(o, "initStartTime"),
                str(o, "bootId"), str(o, "created"), str(o, "spec"), str(o, "bundle"),
                o.get("exitCode") == null ? null : (int) num(o, "exitCode"), (int) num(o, "supervisorPid"),
                num(o, "supervisorStartTime"), annotations);
    }

    private static String str(Map<String, Object> o, String k) {
        Object v = o.get(k);
        return v == null ? null : v.toString();
    }

    private static long num(Map<String, Object> o, String k) {
        return o.get(k) instanceof Number n ? n.longValue() : 0;
    }
}
