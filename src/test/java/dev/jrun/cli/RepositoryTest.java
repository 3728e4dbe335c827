package dev.jrun.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Knowledge the launcher and the docs repeat, checked against its one home. */
class RepositoryTest {
    static final Path REPO = Path.of(System.getProperty("jrun.repo", "."));

    /** bin/jrun tells a command from a spec file by this list, before any JVM starts. */
    @Test
    void theLaunchersCommandListIsMains() throws IOException {
        String launcher = Files.readString(REPO.resolve("bin/jrun"));
        Matcher line = Pattern.compile("(?m)^\\s*1:-\\*\\|(.*)\\) ;;$").matcher(launcher);
        assertTrue(line.find(), "no command list in bin/jrun");
        Set<String> listed = new TreeSet<>();
        for (String alt : line.group(1).split("\\|")) listed.add(alt.substring("1:".length()));
        assertEquals(new TreeSet<>(Main.COMMANDS), listed);
    }

    /** Nothing in the repository may point at files outside it (the engineers' shared notes, say). */
    @Test
    void nothingRefersOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        Pattern outside = Pattern.compile("notes/(jvm-startup|rootless-mounts)\\.md|\\.\\./shared|STYLE\\.md");
        try (Stream<Path> files = Files.walk(REPO)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String rel = REPO.relativize(p).toString();
                if (rel.startsWith(".git") || rel.startsWith("target") || rel.startsWith("build") || !Files.isRegularFile(p)
                        || rel.endsWith("RepositoryTest.java") || rel.endsWith(".jar") || rel.endsWith(".aot")) {
                    continue;
                }
                String text;
                try {
                    text = Files.readString(p);
                } catch (java.nio.charset.MalformedInputException binary) {
                    continue;
                }
                Matcher m = outside.matcher(text);
                while (m.find()) found.add(rel + ": " + m.group());
            }
        }
        assertEquals(List.of(), found);
    }
}
