package dev.jrun.runner.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.jrun.plan.Json;
import dev.jrun.sys.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A detached container's {@code state.json}, OCI-style ({@code ociVersion, id, status, pid,
 * bundle, annotations}) plus what jrun needs: when it was made, its spec, its init's start time
 * (so that a later process with the pid is not taken for it), its exit code once known, and the
 * jrun service that supervises it. The status written here is only what was last known: the
 * real one comes from the process ({@link #status}), so it is never stale, also after the
 * supervisor was SIGKILLed or /run was cleared.
 */
public record ContainerState(String id, String status, int pid, long initStart, String created, String spec,
        String bundle, Integer exitCode, String supervisor, Map<String, String> annotations) {

    public static final String CREATED = "created";
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    /** The status as the process tells it now: running while its init lives, else stopped. */
    public String status() {
        if (pid <= 0) return CREATED;
        ProcStat p = ProcStat.read("/proc/" + pid + "/stat");
        boolean alive = p != null && p.startTime() == initStart && !p.zombie();
        return alive ? RUNNING : STOPPED;
    }

    /** Whether the status was last written as stopped with a code, or the process is gone and no one recorded one. */
    public boolean exitUnknown() {
        return STOPPED.equals(status()) && exitCode == null;
    }

    public ContainerState stopped(Integer code) {
        return new ContainerState(id, STOPPED, pid, initStart, created, spec, bundle, code, supervisor, annotations);
    }

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
        o.put("initStartTime", initStart);
        o.put("exitCode", exitCode);
        o.put("supervisor", supervisor);
        return o;
    }

    /** Written whole to a temp file and renamed: a reader never sees half of one. */
    public void write(Path dir) throws IOException {
        Map<String, Object> o = toJson();
        o.put("status", status); // what was known when written; readers ask the process
        Path tmp = Files.createTempFile(dir, ".state", ".json");
        Files.writeString(tmp, Json.write(o) + "\n");
        Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static ContainerState read(Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve("state.json"));
        Map<String, Object> o = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                JsonToken t = p.nextToken();
                if (k.equals("annotations") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String ak = p.currentName();
                        p.nextToken();
                        annotations.put(ak, p.getValueAsString());
                    }
                } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else {
                    o.put(k, t == JsonToken.VALUE_NULL ? null : t.isNumeric() ? (Object) p.getLongValue() : p.getValueAsString());
                }
            }
        }
        return new ContainerState(str(o, "id"), str(o, "status"), (int) num(o, "pid"), num(o, "initStartTime"), str(o, "created"),
                str(o, "spec"), str(o, "bundle"), o.get("exitCode") == null ? null : (int) num(o, "exitCode"), str(o, "supervisor"),
                annotations);
    }

    private static String str(Map<String, Object> o, String k) {
        Object v = o.get(k);
        return v == null ? null : v.toString();
    }

    private static long num(Map<String, Object> o, String k) {
        Object v = o.get(k);
        return v instanceof Long l ? l : v == null ? 0 : Long.parseLong(v.toString());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
