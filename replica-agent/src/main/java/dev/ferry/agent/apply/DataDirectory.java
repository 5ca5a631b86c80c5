package dev.ferry.agent.apply;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The agent's data directory, locked so that only one agent process applies to the replicas in it.
 *
 * <p>Why: two writers would each believe they own the WAL; and because POSIX locks belong to the
 * process, a second agent thread or process opening the same files would silently drop the first
 * one's locks when it closes them. The lock is an exclusive fcntl lock on {@code .ferry-agent.lock},
 * released when the process dies.
 */
public final class DataDirectory implements AutoCloseable {
    static final String LOCK_FILE = ".ferry-agent.lock";

    private final Path path;
    private final FileChannel channel;

    private DataDirectory(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Creates the directory if needed and locks it; fails if another agent holds it. */
    public static DataDirectory lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            ch.close();
            throw new IOException("lock data directory " + dir + ": already locked by this process", e);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException("lock data directory " + dir + " (" + lockFile + "): " + e.getMessage(), e);
        }
        if (lock == null) {
            ch.close();
            throw new IOException("lock data directory " + dir + ": another agent process holds " + lockFile);
        }
        return new DataDirectory(dir, ch);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
