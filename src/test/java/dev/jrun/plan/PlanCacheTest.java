package dev.jrun.plan;

import static org.junit.jupiter.api.Assertions.*;

import dev.jrun.host.HostInfo;
import dev.jrun.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlanCacheTest {
    static final HostInfo HOST = new HostInfo(1000, 1000, "nameserver 192.0.2.1\n");

    @TempDir
    Path dir;

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("specs"))) {
            return s.filter(p -> p.toString().matches(".*\\.(yaml|json)")).sorted().toList().stream();
        }
    }

    static Plan compile(Path spec, HostInfo host) throws PlanException {
        SpecLoader.Result r = SpecLoader.load(spec);
        assertNotNull(r.spec(), r.diagnostics().toString());
        return Planner.compile(r.spec(), p -> r.tree().locate(p), host);
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleRoundTrips(Path spec) throws Exception {
        List<Step> steps = compile(spec, HOST).steps();
        byte[] bytes = PlanCodec.encode(steps);
        assertEquals(steps, PlanCodec.decode(bytes, 0, bytes.length));
    }

    @Test
    void everyTruncationOrExtensionIsAnIOException() throws Exception {
        byte[] bytes = PlanCodec.encode(compile(Path.of("specs/demo.yaml"), HOST).steps());
        for (int n = 0; n < bytes.length; n++) {
            int len = n;
            assertThrows(IOException.class, () -> PlanCodec.decode(bytes, 0, len), "cut at " + n);
        }
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(IOException.class, () -> PlanCodec.decode(longer, 0, longer.length));
    }

    @Test
    void hitsOnlyOnExactlyTheSameSource() throws Exception {
        Path spec = Path.of("specs/demo.yaml");
        byte[] bytes = Files.readAllBytes(spec);
        List<Step> steps = compile(spec, HOST).steps();
        PlanCache cache = new PlanCache(dir.resolve("plans"));
        byte[] source = PlanCache.source(spec, bytes, HOST, "build 1");
        assertNull(cache.get(source));
        cache.put(source, steps);
        assertEquals(steps, cache.get(source));
        byte[] edited = bytes.clone();
        edited[edited.length - 2] ^= 1;
        assertNull(cache.get(PlanCache.source(spec, edited, HOST, "build 1")), "edited spec");
        assertNull(cache.get(PlanCache.source(spec, bytes, new HostInfo(0, 0, null), "build 1")), "other user");
        assertNull(cache.get(PlanCache.source(spec, bytes, HOST, "build 2")), "other build");
        assertNull(cache.get(PlanCache.source(Path.of("specs/other.yaml"), bytes, HOST, "build 1")), "other folder");
    }

    @Test
    void aBindSourceThatChangedKindIsAMiss() throws Exception {
        Path src = Files.createDirectory(dir.resolve("src"));
        Step.Mount bind = new Step.Mount(src.toString(), "/data", null, MountFlags.MS_BIND, null, true,
                Step.Purpose.VOLUME, PlannerTest.AT);
        PlanCache cache = new PlanCache(dir.resolve("plans"));
        byte[] source = "spec".getBytes();
        cache.put(source, List.of(bind));
        assertEquals(List.of(bind), cache.get(source));
        Files.delete(src);
        Files.writeString(src, "now a file");
        assertNull(cache.get(source));
    }

    @Test
    void aDamagedEntryIsAMissNotAnError() throws Exception {
        PlanCache cache = new PlanCache(dir.resolve("plans"));
        byte[] source = "spec".getBytes();
        cache.put(source, compile(Path.of("specs/minimal.yaml"), HOST).steps());
        try (Stream<Path> entries = Files.list(dir.resolve("plans"))) {
            Path entry = entries.findFirst().orElseThrow();
            byte[] b = Files.readAllBytes(entry);
            Files.write(entry, java.util.Arrays.copyOf(b, b.length - 7));
        }
        assertNull(cache.get(source));
        assertNull(new PlanCache(null).get(source), "a disabled cache");
    }
}
