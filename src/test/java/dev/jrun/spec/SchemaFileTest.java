package dev.jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema file is what editors see: complete, strict, and in step with the model's defaults. */
class SchemaFileTest {
    private static final JSONObject SCHEMA = new JSONObject(SpecSchema.text());

    @Test
    void isDraft07WithAnId() {
        assertEquals("http://json-schema.org/draft-07/schema#", SCHEMA.getString("$schema"));
        assertTrue(SCHEMA.getString("$id").startsWith("https://"));
        assertEquals(Set.of("version", "name", "rootfs", "process"), Set.copyOf(SCHEMA.getJSONArray("required").toList()));
    }

    @Test
    void theJarCopyIsTheRepoFile() throws Exception {
        Path repo = Path.of(System.getProperty("jrun.repo", "."));
        assertEquals(Files.readString(repo.resolve("schema/jrun-spec.schema.json")), SpecSchema.text());
    }

    @Test
    void everyPropertyHasATitleAndADescription() {
        List<String> missing = new ArrayList<>();
        walk(SCHEMA, "", (path, node) -> {
            JSONObject props = node.optJSONObject("properties");
            if (props == null) return;
            for (String k : props.keySet()) {
                JSONObject p = props.getJSONObject(k);
                if (!p.has("title") || !p.has("description")) missing.add(path + "/properties/" + k);
            }
        });
        assertEquals(List.of(), missing);
    }

    @Test
    void everyObjectIsClosed() {
        List<String> open = new ArrayList<>();
        walk(SCHEMA, "", (path, node) -> {
            if (node.has("properties") && !Boolean.FALSE.equals(node.opt("additionalProperties"))) open.add(path);
        });
        assertEquals(List.of(), open, "objects with properties must say additionalProperties: false");
    }

    /** Each `default` the schema documents is what the model builder applies when the key is absent. */
    @Test
    void documentedDefaultsAreTheModelsDefaults(@TempDir Path dir) {
        Spec s = SpecLoader.load(dir.resolve("s.yaml"), """
                version: 1
                name: d
                rootfs: {path: r}
                mounts: [{destination: /m, source: /x}]
                volumes: [{source: v, destination: /v}]
                process: {args: [a]}
                """).spec();
        JSONObject p = SCHEMA.getJSONObject("properties");
        JSONObject rootfsPath = p.getJSONObject("rootfs").getJSONArray("oneOf").getJSONObject(0).getJSONObject("properties");
        assertEquals(rootfsPath.getJSONObject("readonly").getBoolean("default"), s.rootfs().readonly());
        assertEquals(rootfsPath.getJSONObject("pivot").getBoolean("default"), s.rootfs().pivot());
        assertEquals(p.getJSONObject("defaultMounts").getBoolean("default"), s.defaultMounts());
        Set<String> ns = new TreeSet<>();
        s.namespaces().forEach(n -> ns.add(n.specName()));
        assertEquals(new TreeSet<>(p.getJSONObject("namespaces").getJSONArray("default").toList()), ns);
        JSONObject mount = p.getJSONObject("mounts").getJSONObject("items").getJSONObject("properties");
        assertEquals(mount.getJSONObject("type").getString("default"), s.mounts().get(0).type());
        assertEquals(List.of(), s.mounts().get(0).options());
        JSONObject volume = p.getJSONObject("volumes").getJSONObject("items").getJSONObject("properties");
        assertEquals(volume.getJSONObject("readonly").getBoolean("default"), s.volumes().get(0).readonly());
        JSONObject process = p.getJSONObject("process").getJSONObject("properties");
        assertEquals(process.getJSONObject("cwd").getString("default"), s.process().cwd());
        assertEquals(process.getJSONObject("terminal").getBoolean("default"), s.process().terminal());
        assertEquals(process.getJSONObject("init").getBoolean("default"), s.process().init());
        assertEquals(process.getJSONObject("noNewPrivileges").getBoolean("default"), s.process().noNewPrivileges());
        assertEquals(process.getJSONObject("umask").getString("default"), "0022");
        assertEquals(null, s.process().umask(), "null stands for the documented 0022; the planner applies it");
        String seccomp = p.getJSONObject("security").getJSONObject("properties").getJSONObject("seccomp").getString("default");
        assertEquals(seccomp, s.security().seccomp().kind().name().toLowerCase());
        assertEquals(List.of(), s.devices());
        assertTrue(s.process().env().isEmpty());
        JSONObject network = p.getJSONObject("network").getJSONObject("properties");
        assertEquals(network.getJSONObject("mode").getString("default"), s.network().mode().name().toLowerCase());
        assertEquals(network.getJSONObject("bridge").getString("default"), s.network().bridge());
        assertEquals(network.getJSONObject("subnet").getString("default"), s.network().subnet());
        assertEquals(network.getJSONObject("nat").getBoolean("default"), s.network().nat());
        assertEquals(network.getJSONObject("ports").getJSONArray("default").toList(), s.network().ports());
        assertEquals("d", s.hostname(), "hostname defaults to the name");
        assertTrue(s.idMappings().isDefault());
    }

    @Test
    void namespaceEnumMatchesTheModel() {
        JSONArray forms = SCHEMA.getJSONObject("properties").getJSONObject("namespaces").getJSONObject("items").getJSONArray("anyOf");
        JSONArray e = forms.getJSONObject(0).getJSONArray("enum");
        List<String> model = new ArrayList<>();
        for (Namespace n : Namespace.values()) model.add(n.specName());
        assertEquals(model, e.toList());
        JSONArray joinTypes = forms.getJSONObject(1).getJSONObject("properties").getJSONObject("type").getJSONArray("enum");
        assertEquals(model, joinTypes.toList(), "a {type, path} entry takes the same names (lint says which can be joined)");
        JSONArray modes = SCHEMA.getJSONObject("properties").getJSONObject("network").getJSONObject("properties")
                .getJSONObject("mode").getJSONArray("enum");
        List<String> modeNames = new ArrayList<>();
        for (Spec.NetworkMode m : Spec.NetworkMode.values()) modeNames.add(m.name().toLowerCase());
        assertEquals(modeNames, modes.toList());
        assertFalse(modeNames.isEmpty());
        JSONArray rootless = SCHEMA.getJSONObject("properties").getJSONObject("network").getJSONObject("properties")
                .getJSONObject("rootless").getJSONArray("enum");
        assertEquals(List.of(Spec.NetworkMode.SLIRP.name().toLowerCase()), rootless.toList(), "only slirp needs no root");
    }

    @Test
    void rlimitNamesAreTheModels() {
        JSONObject rlimits = SCHEMA.getJSONObject("properties").getJSONObject("process").getJSONObject("properties")
                .getJSONObject("rlimits").getJSONObject("properties");
        assertEquals(new TreeSet<>(Spec.Rlimit.NAMES), new TreeSet<>(rlimits.keySet()));
        for (String name : rlimits.keySet()) {
            assertTrue(rlimits.getJSONObject(name).getString("description").startsWith("RLIMIT_" + name.toUpperCase() + ": "), name);
        }
    }

    private interface Visitor {
        void visit(String path, JSONObject node);
    }

    private static void walk(Object node, String path, Visitor v) {
        if (node instanceof JSONObject o) {
            v.visit(path, o);
            for (String k : o.keySet()) walk(o.get(k), path + "/" + k, v);
        } else if (node instanceof JSONArray a) {
            for (int i = 0; i < a.length(); i++) walk(a.get(i), path + "/" + i, v);
        }
    }
}
