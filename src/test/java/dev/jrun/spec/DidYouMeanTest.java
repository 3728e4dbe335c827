package dev.jrun.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
    private static final List<String> KEYS = List.of("version", "name", "rootfs", "mounts", "volumes", "network", "namespaces");

    @Test
    void typosFindTheirKey() {
        assertEquals("mounts", DidYouMean.closest("mounst", KEYS), "a swapped pair is one edit");
        assertEquals("mounts", DidYouMean.closest("mount", KEYS));
        assertEquals("name", DidYouMean.closest("nmae", KEYS));
        assertEquals("rootfs", DidYouMean.closest("RootFS", KEYS), "case does not count");
        assertEquals("namespaces", DidYouMean.closest("namespace", KEYS));
    }

    @Test
    void aHugeWordIsNoWork() {
        assertNull(DidYouMean.closest("m".repeat(1 << 20), KEYS));
    }

    @Test
    void unrelatedWordsGetNoSuggestion() {
        assertNull(DidYouMean.closest("xyz", KEYS));
        assertNull(DidYouMean.closest("env", KEYS));
        assertNull(DidYouMean.closest("a", List.of("bc")));
        assertNull(DidYouMean.closest("anything", List.of()));
    }

    @Test
    void distanceIsOptimalStringAlignment() {
        assertEquals(0, DidYouMean.distance("abc", "abc"));
        assertEquals(1, DidYouMean.distance("abc", "acb"));
        assertEquals(3, DidYouMean.distance("", "abc"));
        assertEquals(3, DidYouMean.distance("ca", "abc"), "OSA edits no substring twice (true Damerau says 2)");
    }

    @Test
    void quotingKeepsMessagesOnOneLine() {
        assertEquals("\"a\\nb\\t\\\"c\\\"\\u0000\"", DidYouMean.quote("a\nb\t\"c\"\0"));
        assertEquals("\"" + "x".repeat(80) + "...\"", DidYouMean.quote("x".repeat(1 << 20)));
    }
}
