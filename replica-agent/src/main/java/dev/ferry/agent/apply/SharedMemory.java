package dev.ferry.agent.apply;

import static dev.ferry.agent.apply.WalIndexFormat.BLOCK_SIZE;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code -shm} file: one channel, its POSIX byte-range locks and its memory mapping in 32 KiB
 * blocks, shared with every SQLite reader of the database.
 *
 * <p>Concurrency: other processes read and write the mapped memory at the same time. Words that
 * readers change (read marks, nBackfill) or read without a lock (the header) are accessed through
 * VarHandles with acquire/release semantics on the native-order view; the caller places the full
 * fences that order publication ({@link #fullFence}). Hash slots and page numbers use plain
 * aligned stores, which x86-64 and ARM64 never tear: a reader looks at an entry only once a
 * header published after a full fence covers it. The file only grows while the caller holds
 * the WRITE lock, as SQLite requires, by writing zeros (not by a sparse truncate) before mapping.
 * {@code FileChannel} locks are fcntl locks on Linux, the same locks SQLite's unix VFS takes, and
 * they belong to the process: this class is the only handle the agent ever opens on the file.
 */
final class SharedMemory implements AutoCloseable {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, WalIndexHeader.NATIVE);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Path path;
    private final FileChannel channel;
    private final List<MappedByteBuffer> blocks = new ArrayList<>();

    private SharedMemory(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static SharedMemory open(Path path) throws IOException {
        try {
            return new SharedMemory(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new IOException("open wal-index " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    /** Tries a lock without waiting; {@code null} if another process holds a conflicting one. */
    FileLock tryLock(int offset, int n, boolean shared) throws IOException {
        try {
            return channel.tryLock(offset, n, shared);
        } catch (IOException e) {
            throw new IOException("lock " + path + " bytes " + offset + "+" + n + ": " + e.getMessage(), e);
        }
    }

    /** Takes a lock, retrying with a short back-off until {@code timeoutMs} has passed. */
    FileLock lock(int offset, int n, boolean shared, long timeoutMs, String name) throws IOException {
        return Locks.retry(() -> tryLock(offset, n, shared), timeoutMs,
                () -> "lock " + name + " (" + path + " byte " + offset + ", " + (shared ? "shared" : "exclusive")
                        + ")");
    }

    /** Cuts the file to zero bytes; only while holding the DMS lock exclusively. */
    void truncateToZero() throws IOException {
        blocks.clear();
        channel.truncate(0);
    }

    /**
     * Maps block {@code block}. With {@code extend} (caller holds WRITE) a short file is first grown
     * with zeros; without it a block past the end of the file is an error.
     */
    MappedByteBuffer block(int block, boolean extend) throws IOException {
        while (blocks.size() <= block) {
            blocks.add(null);
        }
        MappedByteBuffer b = blocks.get(block);
        if (b != null) {
            return b;
        }
        long end = (long) (block + 1) * BLOCK_SIZE;
        long size = channel.size();
        if (size < end) {
            if (!extend) {
                throw new IOException("map " + path + " block " + block + ": file is only " + size + " bytes");
            }
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(end - size, BLOCK_SIZE * 2L));
            for (long at = size; at < end; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), end - at));
                at += channel.write(zeros, at);
            }
        }
        b = channel.map(FileChannel.MapMode.READ_WRITE, (long) block * BLOCK_SIZE, BLOCK_SIZE);
        b.order(WalIndexHeader.NATIVE);
        blocks.set(block, b);
        return b;
    }

    long size() throws IOException {
        return channel.size();
    }

    static int loadInt(ByteBuffer block, int offset) {
        return (int) INT.getAcquire(block, offset);
    }

    static void storeInt(ByteBuffer block, int offset, int value) {
        INT.setRelease(block, offset, value);
    }

    /** Orders every earlier load and store before every later one, for the compiler and the CPU. */
    static void fullFence() {
        VarHandle.fullFence();
    }

    @Override
    public void close() throws IOException {
        blocks.clear();
        channel.close();
    }

    /** Lock retry with bounded back-off, shared by the -shm and database-file locks. */
    static final class Locks {
        interface Attempt {
            FileLock tryOnce() throws IOException;
        }

        interface Describe {
            String what();
        }

        private Locks() {}

        static FileLock retry(Attempt attempt, long timeoutMs, Describe describe) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            long backoff = 10_000;
            while (true) {
                FileLock lock = attempt.tryOnce();
                if (lock != null) {
                    return lock;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new LockTimeoutException(describe.what() + ": held by another process for more than "
                            + timeoutMs + " ms");
                }
                LockSupport.parkNanos(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            }
        }
    }
}
