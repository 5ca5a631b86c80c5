package dev.ferry.agent.state;

import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The persisted per-page checksum array of one database ({@code NAME.db-sums}), so that a restart
 * does not rescan a large file.
 *
 * <p>Format (big-endian):
 * <pre>
 * offset  size  field
 * 0       4     magic "FSUM" (0x4653554d)
 * 4       4     version (1)
 * 8       4     page size
 * 12      4     page count: entries in use
 * 16      8     txid of the last {@link #stamp}: the position whose content the entries describe
 * 24      8     database checksum at the last stamp
 * 32      8     txid of the last {@link #markPending}: the transaction being published (0: none)
 * 40      8     database checksum after the pending transaction
 * 48      16    reserved, zero
 * 64      8n    checksum of page 1 … n (0 = unknown, and always 0 for the lock-byte page)
 * </pre>
 * Bytes 32–47 were reserved (zero) in the first files of version 1; a zero pending txid means none,
 * so those files read the same.
 *
 * <p>Crash recovery: the file is memory-mapped and updated in place as transactions are applied,
 * so after a process crash it holds every update made before the crash, possibly half of the last
 * transaction's. It is a derived file: the apply engine recomputes, on open, the checksum of every
 * page that has a frame in the WAL (which covers every page changed since the last WAL restart,
 * because the array is forced to disk before each restart) and of every page with no entry. An
 * entry that is still wrong can only make a later pre- or post-checksum check fail, which is
 * reported as divergence and repaired by a snapshot; it can never be applied silently.
 *
 * <p>Concurrency: not thread-safe; one applier owns each file.
 */
public final class PageChecksumFile implements AutoCloseable {
    /** Compatibility-breaking if changed. */
    static final int MAGIC = 0x4653554d;
    static final int VERSION = 1;
    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = OFF_MAGIC + 4;
    static final int OFF_PAGE_SIZE = OFF_VERSION + 4;
    static final int OFF_PAGE_COUNT = OFF_PAGE_SIZE + 4;
    static final int OFF_TXID = OFF_PAGE_COUNT + 4;
    static final int OFF_CHECKSUM = OFF_TXID + 8;
    static final int OFF_PENDING_TXID = OFF_CHECKSUM + 8;
    static final int OFF_PENDING_CHECKSUM = OFF_PENDING_TXID + 8;
    static final int HEADER_SIZE = 64;
    private static final long MAX_MAP_BYTES = Integer.MAX_VALUE;

    private final Path path;
    private final FileChannel channel;
    private final int pageSize;
    private MappedByteBuffer map;
    private int capacityPages;

    private PageChecksumFile(Path path, FileChannel channel, int pageSize) {
        this.path = path;
        this.channel = channel;
        this.pageSize = pageSize;
    }

    /** Opens or creates the file for a database of {@code pageSize}. */
    public static PageChecksumFile open(Path path, int pageSize) throws IOException {
        SqliteFormat.checkPageSize(pageSize);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        PageChecksumFile f = new PageChecksumFile(path, ch, pageSize);
        try {
            f.mapAtLeast(Math.max(0, (int) ((ch.size() - HEADER_SIZE) / 8)));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return f;
    }

    public Path path() {
        return path;
    }

    /**
     * The stored checksums, or {@code null} if the file is new, of another page size or not in this
     * format (the caller then rescans the database and {@link #replaceAll}s).
     */
    public PageChecksums load() {
        if (map.getInt(OFF_MAGIC) != MAGIC || map.getInt(OFF_VERSION) != VERSION
                || map.getInt(OFF_PAGE_SIZE) != pageSize) {
            return null;
        }
        int count = map.getInt(OFF_PAGE_COUNT);
        if (count < 0 || count > capacityPages) {
            return null;
        }
        long[] values = new long[count];
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        for (int i = 0; i < count; i++) {
            long v = map.getLong(HEADER_SIZE + 8 * i);
            values[i] = (i + 1 == lockPgno || v >= 0) ? 0 : v;
        }
        return PageChecksums.fromArray(pageSize, values);
    }

    /** Overwrites the whole array (after a rescan or a snapshot). */
    public void replaceAll(PageChecksums sums) throws IOException {
        resize(sums.pageCount());
        long[] values = sums.toArray();
        for (int i = 0; i < values.length; i++) {
            map.putLong(HEADER_SIZE + 8 * i, values[i]);
        }
        map.putInt(OFF_MAGIC, MAGIC);
        map.putInt(OFF_VERSION, VERSION);
        map.putInt(OFF_PAGE_SIZE, pageSize);
    }

    /** Records the checksum of page {@code pgno} (within the current page count). */
    public void set(int pgno, long checksum) {
        map.putLong(HEADER_SIZE + 8 * (pgno - 1), checksum);
    }

    /** Sets the number of pages; entries of cut pages are cleared, new ones start unknown. */
    public void resize(int pageCount) throws IOException {
        int old = map.getInt(OFF_PAGE_COUNT);
        if (pageCount > capacityPages) {
            mapAtLeast(Math.max(pageCount, capacityPages * 2));
        }
        for (int i = pageCount; i < Math.min(old, capacityPages); i++) {
            map.putLong(HEADER_SIZE + 8 * i, 0L);
        }
        for (int i = Math.max(old, 0); i < pageCount; i++) {
            map.putLong(HEADER_SIZE + 8 * i, 0L);
        }
        map.putInt(OFF_PAGE_COUNT, pageCount);
    }

    /**
     * Records the position that the array describes. Not forced: after a process crash the stamp
     * and {@link #pending} are what recovery matches the content against to learn its txid, which
     * the durable position file may lag (docs/architecture.md, "Crash recovery of the agent").
     */
    public void stamp(Position position) {
        map.putLong(OFF_TXID, position.txid());
        map.putLong(OFF_CHECKSUM, position.checksum());
    }

    /** The last {@link #stamp}, or empty if none was made. */
    public Optional<Position> stamped() {
        return positionAt(OFF_TXID, OFF_CHECKSUM);
    }

    /**
     * Records, before a transaction is published, the position it leads to: a crash after the
     * publish and before the next {@link #stamp} leaves content with this position.
     */
    public void markPending(Position position) {
        map.putLong(OFF_PENDING_TXID, position.txid());
        map.putLong(OFF_PENDING_CHECKSUM, position.checksum());
    }

    /** The last {@link #markPending}, or empty if none was made. */
    public Optional<Position> pending() {
        return positionAt(OFF_PENDING_TXID, OFF_PENDING_CHECKSUM);
    }

    private Optional<Position> positionAt(int txidOffset, int checksumOffset) {
        if (map.getInt(OFF_MAGIC) != MAGIC) {
            return Optional.empty();
        }
        long txid = map.getLong(txidOffset);
        return txid <= 0 ? Optional.empty() : Optional.of(new Position(txid, map.getLong(checksumOffset)));
    }

    /** Forces the mapped array to disk (before a WAL restart makes the WAL forget older pages). */
    public void force() throws IOException {
        try {
            map.force();
        } catch (RuntimeException e) {
            throw new IOException("fsync page checksums " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void mapAtLeast(int pages) throws IOException {
        long bytes = HEADER_SIZE + 8L * Math.max(pages, 1024);
        if (bytes > MAX_MAP_BYTES) {
            throw new IOException("map page checksums " + path + ": " + pages + " pages need " + bytes
                    + " bytes, above the " + MAX_MAP_BYTES + "-byte mapping limit");
        }
        if (channel.size() < bytes) {
            ByteBuffer zero = ByteBuffer.allocate(1);
            channel.write(zero, bytes - 1);
        }
        map = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        capacityPages = (int) ((bytes - HEADER_SIZE) / 8);
    }
}
