package dev.jrun.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class IoMessagesTest {
    @Test
    void aFileExceptionSaysItsReasonNotOnlyItsPath() {
        assertEquals("/x: permission denied", IoMessages.of(new AccessDeniedException("/x")));
        assertEquals("/x: no such file or directory", IoMessages.of(new NoSuchFileException("/x")));
        assertEquals("/x: Read-only file system", IoMessages.of(new FileSystemException("/x", null, "Read-only file system")));
        assertEquals("disk on fire", IoMessages.of(new IOException("disk on fire")));
    }
}
