package dev.jrun.host;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What an IOException says to a user. NIO's file exceptions carry the path as their message and
 * the reason only in their type (an AccessDeniedException's message is just the path), so a
 * message printed as it is names a file and not what is wrong with it.
 */
public final class IoMessages {
    private IoMessages() {}

    public static String of(IOException e) {
        if (!(e instanceof FileSystemException f) || f.getReason() != null) return String.valueOf(e.getMessage());
        String why = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof FileAlreadyExistsException ? "already exists"
                : e instanceof NotDirectoryException ? "not a directory" : null;
        return why == null ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + why;
    }
}
