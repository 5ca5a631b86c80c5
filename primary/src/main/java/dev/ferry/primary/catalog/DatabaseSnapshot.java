package dev.ferry.primary.catalog;

import dev.ferry.primary.fileops.FileOps;
import java.io.IOException;
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
        if (closed.get()) {
            throw new IllegalStateException("snapshot of " + name + " at txid " + txid + " is closed");
        }
        if (firstPgno < 1 || count < 0 || (long) firstPgno + count - 1 > pageCount) {
            throw new IllegalArgumentException("pages " + firstPgno + "+" + count + " are outside 1.." + pageCount);
        }
        byte[] out = new byte[count * pageSize];
        FileOps.readFully(file, out, (long) (firstPgno - 1) * pageSize, name);
        return out;
    }

    /** Lets the writer checkpoint again. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
