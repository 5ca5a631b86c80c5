package dev.ferry.primary.catalog;

import dev.ferry.primary.fileops.FileOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consistent view of a database file at one txid, without copying it: the writer checkpointed
 * every frame into the file (FULL) and holds off further checkpoints until this snapshot is
 * closed, so the file's pages 1 … {@link #pageCount()} stay exactly as they were at
 * {@link #txid()} while new writes go to the WAL.
 *
 * <p>Thread-safe: {@link #readPages} uses positional reads. Close it promptly: the WAL grows
 * while it is open.
 */
public final class DatabaseSnapshot implements AutoCloseable {
    private final String name;
    private final long txid;
    private final long checksum;
    private final int pageSize;
    private final int pageCount;
    private final FileChannel file;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    DatabaseSnapshot(String name, long txid, long checksum, int pageSize, int pageCount, FileChannel file,
                     Runnable release) {
        this.name = name;
        this.txid = txid;
        this.checksum = checksum;
        this.pageSize = pageSize;
        this.pageCount = pageCount;
        this.file = file;
        this.release = release;
    }

    public String name() {
        return name;
    }

    public long txid() {
        return txid;
    }

    public long checksum() {
        return checksum;
    }

    public int pageSize() {
        return pageSize;
    }

    public int pageCount() {
        return pageCount;
    }

    /** Pages {@code firstPgno} … {@code firstPgno + count - 1} as they were at {@link #txid()}. */
    public byte[] readPages(int firstPgno, int count) throws IOException {
        byte[] out = new byte[count * pageSize];
        readPages(firstPgno, ByteBuffer.wrap(out));
        return out;
    }

    /**
     * Fills {@code out}'s remaining bytes, a whole number of pages, with pages {@code firstPgno} …
     * as they were at {@link #txid()}. A direct buffer is filled by the kernel itself; the JDK
     * copies a heap one through a temporary direct buffer.
     */
    public void readPages(int firstPgno, ByteBuffer out) throws IOException {
        if (closed.get()) {
            throw new IllegalStateException("snapshot of " + name + " at txid " + txid + " is closed");
        }
        int count = out.remaining() / pageSize;
        if (out.remaining() % pageSize != 0 || firstPgno < 1 || (long) firstPgno + count - 1 > pageCount) {
            throw new IllegalArgumentException(out.remaining() + " bytes from page " + firstPgno
                    + " are not whole pages within 1.." + pageCount + " of " + pageSize + " bytes");
        }
        FileOps.readFully(file, out, (long) (firstPgno - 1) * pageSize, name);
    }

    /** Lets the writer checkpoint again. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
