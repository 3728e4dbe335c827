package dev.jrun.spec;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `jrun lint` of many files runs in one JVM: the schema is parsed once and factories are reused. */
class LoadSpeedTest {
    private static String spec(int i) {
        return "version: 1\nname: s" + i + "\nrootfs: {path: ../build/rootfs}\n"
                + "mounts:\n  - {destination: /tmp, type: tmpfs, options: [nosuid, size=" + i + "k]}\n"
                + "volumes:\n  - {source: data, destination: /data, readonly: true}\n"
                + "process:\n  args: [/bin/sh, -c, 'echo " + i + "']\n  env: {PATH: /bin}\n";
    }

    @Test
    void thousandSpecsLoadWellUnderTwoSeconds() {
        for (int i = 0; i < 300; i++) assertNotNull(SpecLoader.load(Path.of("w" + i + ".yaml"), spec(i)).spec());
        // Best of three: this machine is shared with other builds, and the claim is about jrun.
        long ms = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) assertNotNull(SpecLoader.load(Path.of("s" + i + ".yaml"), spec(i)).spec());
            ms = Math.min(ms, (System.nanoTime() - t0) / 1_000_000);
        }
        System.out.println("1000 specs loaded and validated in " + ms + " ms (best of 3)");
        assertTrue(ms < 2000, "1000 specs took " + ms + " ms");
    }
}
