package dev.ferry.agent.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forces a directory's entries (a rename or a new file) to disk. */
public final class FileSync {
    private FileSync() {}

    /** fsync of the directory itself, which makes a rename or creation inside it durable on Linux. */
    public static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new IOException("fsync directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
