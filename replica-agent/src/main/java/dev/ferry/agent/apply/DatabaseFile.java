package dev.ferry.agent.apply;

import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The replica's database file: the agent's single handle on it, the shared lock on the SHARED range
 * that it holds for its whole life, and positioned page reads and writes for the checkpointer.
 *
 * <p>Concurrency: readers read pages at or below the backfill point while the checkpointer writes
 * newer ones; the wal-index read marks and READ0 (see {@link Checkpointer}) keep the two apart.
 * Why the SHARED lock: the last SQLite connection to close takes an exclusive lock on this range
 * and, if it gets it, checkpoints and deletes the WAL and -shm; the agent's shared lock means no
 * reader ever gets it, so nobody deletes or truncates files the agent has mapped.
 */
final class DatabaseFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private FileLock sharedLock;

    private DatabaseFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens the file and takes the shared SHARED-range lock, waiting up to {@code lockTimeoutMs}. */
    static DatabaseFile open(Path path, long lockTimeoutMs) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("open replica database " + path + ": " + e.getMessage(), e);
        }
        DatabaseFile f = new DatabaseFile(path, ch);
        try {
            f.sharedLock = SharedMemory.Locks.retry(
                    () -> ch.tryLock(DatabaseLocks.SHARED_FIRST, DatabaseLocks.SHARED_SIZE, true), lockTimeoutMs,
                    () -> "lock SHARED range of " + path + " (offset " + DatabaseLocks.SHARED_FIRST + ", shared)");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return f;
    }

    Path path() {
        return path;
    }

    long size() throws IOException {
        return channel.size();
    }

    /** The page size from the database header of page 1. */
    int readPageSize() throws IOException {
        byte[] header = new byte[100];
        if (channel.size() < header.length) {
            throw new IOException("read database header " + path + ": file is only " + channel.size() + " bytes");
        }
        readFully(ByteBuffer.wrap(header), 0, "read database header");
        int pageSize = SqliteFormat.pageSizeFromHeader(header);
        if (!SqliteFormat.isValidPageSize(pageSize)) {
            throw new IOException("read database header " + path + " at offset " + SqliteFormat.HEADER_PAGE_SIZE_OFFSET
                    + ": page size " + pageSize + " is not valid");
        }
        return pageSize;
    }

    /** Reads page {@code pgno}; bytes past the end of the file read as zeros, as SQLite reads them. */
    void readPage(int pgno, int pageSize, byte[] page) throws IOException {
        long offset = (long) (pgno - 1) * pageSize;
        ByteBuffer buf = ByteBuffer.wrap(page, 0, pageSize);
        long at = offset;
        while (buf.hasRemaining()) {
            int n;
            try {
                n = channel.read(buf, at);
            } catch (IOException e) {
                throw new IOException("read page " + pgno + " of " + path + " at offset " + at + ": " + e.getMessage(), e);
            }
            if (n < 0) {
                Arrays.fill(page, buf.position(), pageSize, (byte) 0);
                return;
            }
            at += n;
        }
    }

    /** Writes the remaining bytes of {@code page} (one page) as page {@code pgno}. */
    void writePage(int pgno, ByteBuffer page) throws IOException {
        long at = (long) (pgno - 1) * page.remaining();
        try {
            while (page.hasRemaining()) {
                at += channel.write(page, at);
            }
        } catch (IOException e) {
            throw new IOException("write page " + pgno + " of " + path + " at offset " + at + ": " + e.getMessage(), e);
        }
    }

    void truncate(long size) throws IOException {
        try {
            if (channel.size() > size) {
                channel.truncate(size);
            }
        } catch (IOException e) {
            throw new IOException("truncate " + path + " to " + size + " bytes: " + e.getMessage(), e);
        }
    }

    void force() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new IOException("fsync " + path + ": " + e.getMessage(), e);
        }
    }

    private void readFully(ByteBuffer buf, long offset, String op) throws IOException {
        long at = offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new IOException(op + " " + path + " at offset " + at + ": end of file");
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sharedLock.release();
        } finally {
            channel.close();
        }
    }
}
