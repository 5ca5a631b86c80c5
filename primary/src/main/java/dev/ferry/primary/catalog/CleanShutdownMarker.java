package dev.ferry.primary.catalog;

import dev.ferry.primary.fileops.FileOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.CRC32C;

/**
 * A small file written after a clean close, recording the position (txid, database checksum,
 * page size, page count) and the database file's size and modification time at that moment.
 * Recovery trusts the database file without reading every page only if the marker is present and
 * still matches; after a crash, or if anything touched the file since, it verifies every page. The
 * marker is removed when the database opens, before anything can change the file.
 *
 * <h2>Format</h2>
 * Big-endian: magic "FCL2" (u32), txid (u64), file size (u64), modification time in ns since the
 * epoch (u64), database checksum (u64), page size (u32), page count (u32), bytes of the
 * replication log's segments (u64), CRC-32C of the preceding bytes (u32): 56 bytes. Changing it is harmless (the file is derived): a marker of
 * another size or magic does not vouch, and the next open verifies every page. Version 1 ("FCLN",
 * 32 bytes, without the position) is read that way after an upgrade.
 *
 * <h2>Crash safety: the marker is written and removed without any fsync</h2>
 * The marker is only ever an optimisation: a marker that is missing, torn or stale makes recovery
 * verify, never trust, as long as a marker that survives a crash cannot vouch for a file that
 * changed after it was written. Why that holds without fsyncing the marker, its rename or its
 * removal (each was an fsync of every open-write-close cycle of a database):
 * <ol>
 *   <li>Written late: {@link #write} runs after SQLite's last connection closed, and that close
 *       checkpointed the WAL and fsynced the database file (data and inode, so size and mtime)
 *       before deleting the WAL. Whenever the marker's bytes reach the disk, what they describe
 *       is already durable. Lost or torn (CRC, size) means "verify".</li>
 *   <li>Removed without an fsync: a removal lost in a power loss brings back a marker of txid T.
 *       It vouches only if the log still ends at T ({@link #consume} compares). Ferry changes the
 *       database file only by checkpointing frames that are already durable in the log as txids
 *       after T, so a resurrected marker whose txid still matches describes an unchanged file.
 *       The exceptions are the paths that fold frames the log lacks into the file, or rewrite it
 *       from the log: a fail-stopped writer's close (SQLite's last close checkpoints uncaptured
 *       frames) and recovery's checkpoint and roll-forward after a marker that did not vouch.
 *       Each of them first calls {@link #makeRemovalDurable} (an fsync of the directory), so no
 *       marker can come back after they changed the file.</li>
 *   <li>Changes made outside Ferry are caught, as before, by the size and modification time (best
 *       effort: an outside writer can restore both).</li>
 * </ol>
 */
final class CleanShutdownMarker {
    /** Format constants: changing them is harmless (the marker is derived), see the class notes. */
    private static final int MAGIC = 0x46434c32;
    private static final int TXID = 4;
    private static final int FILE_SIZE = TXID + 8;
    private static final int MTIME = FILE_SIZE + 8;
    private static final int CHECKSUM = MTIME + 8;
    private static final int PAGE_SIZE = CHECKSUM + 8;
    private static final int PAGE_COUNT = PAGE_SIZE + 4;
    private static final int LOG_BYTES = PAGE_COUNT + 4;
    private static final int CRC = LOG_BYTES + 8;
    private static final int SIZE = CRC + 4;

    /**
     * The position a marker records, and the size of the log's segments then. A listing trusts the
     * position only while the log has that size: a marker that came back after a power loss
     * (its removal at open was not fsynced) names an older txid, and the log has grown since.
     */
    record Recorded(long txid, long checksum, int pageSize, int pageCount, long logBytes) {}

    private CleanShutdownMarker() {}

    static Path path(DatabaseFiles files) {
        return files.dir().resolve("clean-shutdown");
    }

    /**
     * Writes the marker for the database file as it is now (SQLite must be closed, its last close
     * having fsynced the file). Not durable on purpose; see the class notes, point 1.
     */
    static void write(DatabaseFiles files, Recorded position) throws IOException {
        BasicFileAttributes a = Files.readAttributes(files.db(), BasicFileAttributes.class);
        ByteBuffer buf = ByteBuffer.allocate(SIZE);
        buf.putInt(MAGIC).putLong(position.txid()).putLong(a.size()).putLong(nanos(a))
                .putLong(position.checksum()).putInt(position.pageSize()).putInt(position.pageCount())
                .putLong(position.logBytes());
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, CRC);
        buf.putInt((int) crc.getValue());
        // Temporary file and rename, without fsync: a reader (a listing, an open) sees the old
        // marker or the new one, never a half-written one; after a power loss any of absent,
        // old, new or torn, each of which is safe (class notes).
        FileOps.replaceAtomically(path(files), buf.array(), false);
    }

    /**
     * The position the marker records, or null if there is none or it is damaged; leaves it in
     * place. Used to list a closed database without opening it; says nothing about the file's state.
     */
    static Recorded peek(DatabaseFiles files) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path(files));
        } catch (NoSuchFileException e) {
            return null;
        }
        return decode(bytes);
    }

    private static Recorded decode(byte[] bytes) {
        if (bytes.length != SIZE) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, CRC);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(CRC) != (int) crc.getValue() || buf.getInt(0) != MAGIC) {
            return null;
        }
        return new Recorded(buf.getLong(TXID), buf.getLong(CHECKSUM), buf.getInt(PAGE_SIZE), buf.getInt(PAGE_COUNT),
                buf.getLong(LOG_BYTES));
    }

    /**
     * What {@link #consume} found: whether there was a marker; whether it was intact and recorded
     * the log's last txid (so a clean close left the file durably at that txid, and nothing of
     * Ferry's changed it since); whether it also vouches that nothing else changed it since.
     */
    record Consumed(boolean removed, boolean sameTxid, boolean vouched) {}

    /**
     * Removes the marker (not durably: see the class notes, point 2) and says whether it vouched
     * for the file at {@code txid}: present, intact, same txid, same size and modification time,
     * and no WAL beside the file.
     */
    static Consumed consume(DatabaseFiles files, long txid) throws IOException {
        Path p = path(files);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return new Consumed(false, false, false);
        }
        Files.delete(p);
        Recorded r = decode(bytes);
        if (r == null || r.txid() != txid) {
            return new Consumed(true, false, false);
        }
        if (Files.exists(files.wal()) && Files.size(files.wal()) > 0) {
            return new Consumed(true, true, false);
        }
        BasicFileAttributes a = Files.readAttributes(files.db(), BasicFileAttributes.class);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        boolean same = buf.getLong(FILE_SIZE) == a.size() && buf.getLong(MTIME) == nanos(a);
        return new Consumed(true, true, same);
    }

    /**
     * Makes a {@link #consume}d marker's removal durable (fsync of the database's directory).
     * Called before any change to the database file that is not preceded by a durable log append
     * past the marker's txid (class notes, point 2).
     */
    static void makeRemovalDurable(DatabaseFiles files) throws IOException {
        FileOps.fsyncDirectory(files.dir());
    }

    private static long nanos(BasicFileAttributes a) {
        java.time.Instant t = a.lastModifiedTime().toInstant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
