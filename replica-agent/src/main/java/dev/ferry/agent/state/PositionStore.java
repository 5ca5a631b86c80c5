package dev.ferry.agent.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The durable replica position of one database: the file {@code NAME.db-pos} holding one line
 * {@code %016x/%016x} (txid/checksum) and a newline, 34 bytes.
 *
 * <p>Crash recovery: the file is created atomically (written to {@code NAME.db-pos.tmp}, fsynced,
 * renamed, directory fsynced). Every later update is one 34-byte positioned write at offset 0 of
 * the open file, plus fdatasync when asked: a write to a regular file is never half-applied by a
 * process crash, so a reader after a crash sees the old or the new line. Why not rename per
 * update: the rename costs ~200 µs on this kind of file system, ten times the rest of a small
 * transaction. After a power loss a disk that tears even a 34-byte sector write could leave a line
 * mixing two positions; that line is either unreadable (no position: the replica is repaired by a
 * snapshot) or names a checksum the content does not have, which the next changeset's pre-checksum
 * check reports as divergence. Callers write a position only once the transaction it names is
 * durable; a position that lags the files by one transaction is repaired by re-applying that
 * transaction, which the apply engine makes harmless.
 *
 * <p>Concurrency: not thread-safe; one applier owns each store.
 */
public final class PositionStore implements AutoCloseable {
    private static final int LINE_BYTES = 34;

    private final Path file;
    private final Path temp;
    private FileChannel channel;

    public PositionStore(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    public Path file() {
        return file;
    }

    /** The stored position, or empty if the file does not exist. */
    public Optional<Position> read() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Position.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IOException("read position " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Records {@code position}. With {@code fsync} it is on disk before this returns; without, a
     * process crash still sees the old or the new position, but a power loss may lose the update.
     */
    public void write(Position position, boolean fsync) throws IOException {
        byte[] line = (position + "\n").getBytes(StandardCharsets.US_ASCII);
        if (channel == null && !Files.exists(file)) {
            create(line);
        }
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            if (channel.size() != LINE_BYTES) {
                channel.truncate(LINE_BYTES);
            }
        }
        ByteBuffer buf = ByteBuffer.wrap(line);
        try {
            while (buf.hasRemaining()) {
                channel.write(buf, buf.position());
            }
            if (fsync) {
                channel.force(false);
            }
        } catch (IOException e) {
            throw new IOException("write position " + position + " to " + file + " at offset 0: " + e.getMessage(), e);
        }
    }

    /** First write: a complete file appears atomically under its name. */
    private void create(byte[] line) throws IOException {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf, buf.position());
            }
            ch.force(true);
        } catch (IOException e) {
            throw new IOException("create position file " + temp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("rename " + temp + " to " + file + ": the file system cannot rename atomically", e);
        }
        FileSync.directory(file.toAbsolutePath().getParent());
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
