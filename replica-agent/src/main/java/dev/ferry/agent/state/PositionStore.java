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
 * {@code %016x/%016x} (txid/checksum).
 *
 * <p>Format: 33 ASCII characters and a newline. Crash recovery: the file is replaced atomically
 * (written to {@code NAME.db-pos.tmp}, optionally fsynced, renamed over the old one, directory
 * fsynced), so a reader after a crash sees either the old or the new position, never a mix. A
 * leftover temporary file is ignored and overwritten. Callers write a position only once the
 * transaction it names is durable; a position that lags the files by one transaction is repaired by
 * re-applying that transaction, which the apply engine makes harmless.
 *
 * <p>Concurrency: not thread-safe; one applier owns each store.
 */
public final class PositionStore {
    private final Path file;
    private final Path temp;

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
     * Replaces the stored position. With {@code fsync} the new file and the directory entry are
     * forced to disk before returning; without it a process crash still sees old or new, but a power
     * loss may lose the update.
     */
    public void write(Position position, boolean fsync) throws IOException {
        byte[] line = (position + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf, buf.position());
            }
            if (fsync) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new IOException("write position " + position + " to " + temp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("rename " + temp + " to " + file + ": the file system cannot rename atomically", e);
        }
        if (fsync) {
            FileSync.directory(file.toAbsolutePath().getParent());
        }
    }
}
