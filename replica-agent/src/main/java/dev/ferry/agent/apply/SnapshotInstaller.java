package dev.ferry.agent.apply;

import dev.ferry.agent.state.FileSync;
import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Installs a new replica from a full snapshot when no file of that name exists yet.
 *
 * <p>Order and why it is safe:
 * <ol>
 *   <li>Write every page to {@code NAME.db.bootstrap} beside the target ({@value #BATCH_BYTES}
 *       bytes per write), computing page checksums;
 *       check page 1 (WAL mode, page size) and the database checksum against the snapshot's.</li>
 *   <li>fsync the new file (durability step: the rename must never expose a file whose pages are
 *       not on disk).</li>
 *   <li>Delete any {@code -wal} and {@code -shm} left from an earlier database of the same name:
 *       with no {@code NAME.db} no reader can be using them, and stale frames applied to the new file
 *       would corrupt it.</li>
 *   <li>Rename into place and fsync the directory. Readers can open the file only from now on, and
 *       they see it complete.</li>
 * </ol>
 * A crash before step 4 leaves only the temporary file, which the next bootstrap overwrites; after
 * it, the replica exists without a position, and the next bootstrap re-applies the snapshot as a WAL
 * transaction that changes nothing.
 */
final class SnapshotInstaller {
    private SnapshotInstaller() {}

    /** Pages are read, checksummed and written this many bytes at a time (one positioned write each). */
    static final int BATCH_BYTES = 256 << 10;

    static PageChecksums install(ReplicaFiles files, SnapshotHeader snapshot, InputStream pages) throws IOException {
        int pageSize = snapshot.pageSize();
        PageChecksums sums = new PageChecksums(pageSize);
        sums.resize(snapshot.pageCount());
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        int batchPages = Math.max(1, BATCH_BYTES / pageSize);
        byte[] batch = new byte[batchPages * pageSize];
        ByteBuffer direct = ByteBuffer.allocateDirect(batch.length);
        try (FileChannel out = FileChannel.open(files.bootstrap(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int first = 1; first <= snapshot.pageCount(); first += batchPages) {
                int count = (int) Math.min(batchPages, snapshot.pageCount() - (long) first + 1);
                SnapshotPages.read(pages, batch, first, count, snapshot);
                if (first == 1) {
                    String problem = DatabaseHeader.problem(batch, pageSize);
                    if (problem != null) {
                        throw new IOException("bootstrap " + files.db() + " from snapshot " + snapshot.position() + ": "
                                + problem);
                    }
                }
                for (int i = 0; i < count; i++) {
                    int pgno = first + i;
                    if (pgno == lockPgno) {
                        // Never holds data; written as zeros, as SQLite leaves it.
                        Arrays.fill(batch, i * pageSize, (i + 1) * pageSize, (byte) 0);
                    } else {
                        sums.set(pgno, PageChecksum.of(pgno, batch, i * pageSize, pageSize));
                    }
                }
                // Our own direct buffer: the JDK would copy a heap buffer into a temporary direct one
                // anyway, and keep that one cached per thread for the thread's life.
                ByteBuffer buf = direct.clear().put(batch, 0, count * pageSize).flip();
                long at = (long) (first - 1) * pageSize;
                while (buf.hasRemaining()) {
                    at += out.write(buf, at);
                }
            }
            if (sums.databaseChecksum() != snapshot.position().checksum()) {
                throw new IOException("bootstrap " + files.db() + ": snapshot pages give checksum "
                        + Long.toHexString(sums.databaseChecksum()) + ", the snapshot header says "
                        + Long.toHexString(snapshot.position().checksum()));
            }
            long size = (long) snapshot.pageCount() * pageSize;
            if (out.size() < size) {
                out.write(ByteBuffer.allocate(1), size - 1);
            }
            // Durability step 2: the new file's pages are on disk before the rename can expose it.
            out.force(true);
        }
        // Step 3: stale WAL and wal-index files of an earlier database would be applied to the new file.
        Files.deleteIfExists(files.wal());
        Files.deleteIfExists(files.shm());
        CrashPoint.BOOTSTRAP_BEFORE_RENAME.reached();
        // Step 4: atomic rename, then the directory entry made durable.
        Files.move(files.bootstrap(), files.db(), StandardCopyOption.ATOMIC_MOVE);
        FileSync.directory(files.db().toAbsolutePath().getParent());
        CrashPoint.BOOTSTRAP_AFTER_RENAME.reached();
        return sums;
    }
}
