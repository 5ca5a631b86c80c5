package dev.ferry.protocol.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Persists a {@link PageChecksums} array together with the txid it describes, so that a restart
 * does not rescan a large database file.
 *
 * <h2>Format</h2>
 * Big-endian: magic "FPCK" (u32), version 1 (u32), txid (u64), page size (u32), page count n
 * (u32), n page checksums (u64 each, 0 for the lock-byte page), CRC-32C of everything before it
 * (u32).
 *
 * <h2>Crash safety</h2>
 * The file is derived state: it is written to a temporary file, fsynced and renamed over the old
 * one, then the directory is fsynced. A torn or corrupt file reads as absent, and the owner
 * rebuilds the array from its source of truth. Stateless and thread-safe.
 */
public final class PageChecksumsFile {
    private static final int MAGIC = 0x46504348;
    private static final int VERSION = 1;
    private static final int HEADER_SIZE = 4 + 4 + 8 + 4 + 4;

    /** What was persisted: the checksums as of {@code txid}. */
    public record Snapshot(long txid, PageChecksums checksums) {}

    private PageChecksumsFile() {}

    /** Writes atomically and durably: temp file, fsync, rename, fsync directory. */
    public static void write(Path file, long txid, PageChecksums sums) throws IOException {
        write(file, txid, sums, true);
    }

    /**
     * Writes atomically: 1. temp file; 2. fsync it; 3. rename it over {@code file}; 4. fsync the
     * directory, only if {@code syncDirectory}. Without step 4 a crash may leave the old file
     * under the name instead of the new one, never a partial one (step 2 precedes the rename):
     * for callers to whom an older, complete file is as good (they replay their source of truth
     * from its txid).
     */
    public static void write(Path file, long txid, PageChecksums sums, boolean syncDirectory) throws IOException {
        long[] values = sums.toArray();
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + 8 * values.length + 4);
        buf.putInt(MAGIC).putInt(VERSION).putLong(txid).putInt(sums.pageSize()).putInt(values.length);
        for (long v : values) {
            buf.putLong(v);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        buf.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (syncDirectory) {
            fsyncDirectory(file.toAbsolutePath().getParent());
        }
    }

    /** Reads the file; empty if it is absent, torn or corrupt (the caller then rebuilds). */
    public static Optional<Snapshot> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length < HEADER_SIZE + 4) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt() != MAGIC || buf.getInt() != VERSION) {
            return Optional.empty();
        }
        long txid = buf.getLong();
        int pageSize = buf.getInt();
        long n = Integer.toUnsignedLong(buf.getInt());
        if (bytes.length != HEADER_SIZE + 8 * n + 4) {
            return Optional.empty();
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            return Optional.empty();
        }
        long[] values = new long[(int) n];
        for (int i = 0; i < n; i++) {
            values[i] = buf.getLong();
        }
        try {
            return Optional.of(new Snapshot(txid, PageChecksums.fromArray(pageSize, values)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** fsyncs a directory so that a rename or create inside it is durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
