package dev.jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digest cache that lets a run skip everit for an unchanged, already-validated spec. */
class SpecCacheTest {
    private static final String VALID = "version: 1\nname: c\nrootfs: {path: r}\nprocess: {args: [a]}\n";

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long entries(Path cacheDir) throws IOException {
        if (!Files.isDirectory(cacheDir)) return 0;
        try (Stream<Path> s = Files.list(cacheDir)) {
            return s.count();
        }
    }

    @Test
    void keyDependsOnContentAndFormatOnly() {
        String k = SpecCache.key("a/x.yaml", bytes(VALID));
        assertTrue(k.matches("yaml-[0-9]+-[0-9a-f]{1,8}"), k);
        assertEquals(k, SpecCache.key("elsewhere/y.yml", bytes(VALID)), "same bytes, same format");
        assertNotEquals(k, SpecCache.key("x.json", bytes(VALID)), "YAML and JSON read the same bytes differently");
        assertNotEquals(k, SpecCache.key("x.yaml", bytes(VALID + " ")));
    }

    /** A hit is an exact comparison: an entry under the right name with other bytes is no hit. */
    @Test
    void aNameCollisionIsNotAHit() throws IOException {
        SpecCache cache = new SpecCache(dir.resolve("c"));
        cache.markValid("x.yaml", bytes(VALID));
        Path entry = dir.resolve("c").resolve(SpecCache.key("x.yaml", bytes(VALID)));
        byte[] stored = Files.readAllBytes(entry);
        stored[stored.length - 2] ^= 1; // same length, same name, one bit different
        Files.write(entry, stored);
        assertFalse(cache.isValid("x.yaml", bytes(VALID)));
    }

    @Test
    void remembersWhatWasMarked() {
        SpecCache cache = new SpecCache(dir.resolve("c"));
        assertFalse(cache.isValid("x.yaml", bytes(VALID)));
        cache.markValid("x.yaml", bytes(VALID));
        assertTrue(cache.isValid("x.yaml", bytes(VALID)));
        assertFalse(cache.isValid("x.yaml", bytes(VALID.replace("name: c", "name: d"))));
        cache.markValid("x.yaml", bytes(VALID)); // twice is harmless
        assertTrue(Files.isRegularFile(dir.resolve("c").resolve(SpecCache.key("x.yaml", bytes(VALID)))));
    }

    @Test
    void loadCachedStoresOnlyValidSpecs() throws IOException {
        Path cacheDir = dir.resolve("cache");
        SpecCache cache = new SpecCache(cacheDir);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, VALID + "extra: 1\n");
        assertNull(SpecLoader.loadCached(bad, Files.readAllBytes(bad), cache).spec());
        assertEquals(0, entries(cacheDir));

        Path good = dir.resolve("good.yaml");
        Files.writeString(good, VALID);
        assertNotNull(SpecLoader.loadCached(good, Files.readAllBytes(good), cache).spec());
        assertEquals(1, entries(cacheDir));
        assertTrue(cache.isValid(good.toString(), Files.readAllBytes(good)));
    }

    /** A cached digest really skips the schema: plant one for a spec the schema would reject. */
    @Test
    void aKnownDigestSkipsTheSchemaButNotTheTypeChecks() throws IOException {
        SpecCache cache = new SpecCache(dir.resolve("cache"));
        Path p = dir.resolve("s.yaml");
        Files.writeString(p, VALID + "extra: 1\n");
        cache.markValid(p.toString(), Files.readAllBytes(p));
        SpecLoader.Result r = SpecLoader.loadCached(p, Files.readAllBytes(p), cache);
        assertNotNull(r.spec(), "the unknown key is the schema's business, and the schema was skipped");
        assertEquals(List.of(), r.diagnostics());

        Files.writeString(p, VALID.replace("args: [a]", "args: a"));
        cache.markValid(p.toString(), Files.readAllBytes(p));
        r = SpecLoader.loadCached(p, Files.readAllBytes(p), cache);
        assertNull(r.spec(), "a wrong type is caught while building the model, cache or not");
        assertEquals("schema-type", r.diagnostics().get(0).ruleId());
    }

    @Test
    void anEditedSpecIsValidatedAgain() throws IOException {
        SpecCache cache = new SpecCache(dir.resolve("cache"));
        Path p = dir.resolve("s.yaml");
        Files.writeString(p, VALID);
        assertNotNull(SpecLoader.loadCached(p, Files.readAllBytes(p), cache).spec());
        Files.writeString(p, VALID + "extra: 1\n");
        assertEquals("schema-unknown-key", SpecLoader.loadCached(p, Files.readAllBytes(p), cache).diagnostics().get(0).ruleId());
    }

    @Test
    void anUnusableCacheNeverFailsALoad() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        SpecCache cache = new SpecCache(file.resolve("under-a-file")); // cannot be created
        Path p = Files.writeString(dir.resolve("s.yaml"), VALID);
        assertNotNull(SpecLoader.loadCached(p, Files.readAllBytes(p), cache).spec());
        assertFalse(cache.isValid(p.toString(), Files.readAllBytes(p)));
        assertNotNull(SpecLoader.loadCached(p, Files.readAllBytes(p), new SpecCache(null)).spec());
    }

    @Test
    void standardCacheLivesUnderJrunValid() {
        Path d = SpecCache.standard().dir();
        assertNotNull(d, "user.home is always set under Surefire");
        assertTrue(d.isAbsolute(), d::toString);
        assertTrue(d.endsWith(Path.of("jrun", "valid")), d::toString);
    }
}
