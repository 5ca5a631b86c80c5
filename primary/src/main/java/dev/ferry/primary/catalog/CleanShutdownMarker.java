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
 * A small file written after a clean close, recording the txid and the database file's size and
 * modification time at that moment. Recovery trusts the database file without reading it only if
 * the marker is present and still matches; after a crash, or if anything touched the file since,
 * it verifies every page. The marker is removed when the database opens, before anything can
 * change the file.
 *
 * <p>Format, big-endian: magic "FCLN", txid (u64), file size (u64), modification time in ns since
 * the epoch (u64), CRC-32C of the preceding bytes (u32).
 */
final class CleanShutdownMarker {
    private static final int MAGIC = 0x46434c4e;
    private static final int SIZE = 4 + 8 + 8 + 8 + 4;

    private CleanShutdownMarker() {}

    static Path path(DatabaseFiles files) {
        return files.dir().resolve("clean-shutdown");
    }

    /** Writes the marker for the database file as it is now (SQLite must be closed). */
    static void write(DatabaseFiles files, long txid) throws IOException {
        BasicFileAttributes a = Files.readAttributes(files.db(), BasicFileAttributes.class);
        ByteBuffer buf = ByteBuffer.allocate(SIZE);
        buf.putInt(MAGIC).putLong(txid).putLong(a.size()).putLong(nanos(a));
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, SIZE - 4);
        buf.putInt((int) crc.getValue());
        FileOps.replaceAtomically(path(files), buf.array(), true);
    }

    /**
     * The txid the marker records, or -1 if there is none or it is damaged; leaves it in place.
     * Used to list a closed database without opening it; says nothing about the file's state.
     */
    static long peekTxid(DatabaseFiles files) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path(files));
        } catch (NoSuchFileException e) {
            return -1;
        }
        if (bytes.length != SIZE) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(SIZE - 4) != (int) crc.getValue() || buf.getInt() != MAGIC) {
            return -1;
        }
        return buf.getLong();
    }

    /**
     * Removes the marker and says whether it vouched for the file at {@code txid}: present,
     * intact, same txid, same size and modification time, and no WAL beside the file.
     */
    static boolean consume(DatabaseFiles files, long txid) throws IOException {
        Path p = path(files);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return false;
        }
        Files.delete(p);
        FileOps.fsyncDirectory(files.dir());
        if (bytes.length != SIZE || Files.exists(files.wal()) && Files.size(files.wal()) > 0) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(SIZE - 4) != (int) crc.getValue() || buf.getInt() != MAGIC || buf.getLong() != txid) {
            return false;
        }
        BasicFileAttributes a = Files.readAttributes(files.db(), BasicFileAttributes.class);
        return buf.getLong() == a.size() && buf.getLong() == nanos(a);
    }

    private static long nanos(BasicFileAttributes a) {
        java.time.Instant t = a.lastModifiedTime().toInstant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
