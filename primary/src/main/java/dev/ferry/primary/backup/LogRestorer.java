package dev.ferry.primary.backup;

import dev.ferry.primary.fileops.FileOps;
import dev.ferry.primary.log.ReplicationLog;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.checksum.PageChecksums;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a plain SQLite database file from a replication log as of a txid: the primitive that
 * backups and point-in-time restore build on.
 *
 * <p>Every changeset from txid 1 is written page by page into a new file, which is cut to the
 * changeset's database size after each one. The checksum chain is checked at every step, and at
 * the end the file is read back and its checksum computed from its own bytes, so a bug in the
 * replay cannot go unnoticed. The result is written beside the output, fsynced and renamed into
 * place: the output either appears complete or not at all.
 *
 * <p>The rebuilt file is in WAL mode (page 1 travels unchanged): SQLite opens it as is, and a
 * reader without write access to its directory should open it with {@code ?immutable=1} or copy it.
 */
public final class LogRestorer {
    private static final Logger log = LoggerFactory.getLogger(LogRestorer.class);

    /** What a restore produced. */
    public record Result(long txid, long checksum, int pageCount, int pageSize) {}

    private static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;

    private LogRestorer() {}

    /** Restores to the log's last txid. */
    public static Result restore(ReplicationLog rlog, Path output) throws IOException {
        return restore(rlog, rlog.lastTxid(), output);
    }

    public static Result restore(ReplicationLog rlog, long txid, Path output) throws IOException {
        if (rlog.firstTxid() != 1) {
            throw new IOException("restore from " + rlog.directory() + ": the log starts at txid " + rlog.firstTxid()
                    + ", not 1, so it cannot rebuild the database alone");
        }
        if (txid < 1 || txid > rlog.lastTxid()) {
            throw new IllegalArgumentException("restore from " + rlog.directory() + ": txid " + txid
                    + " is outside the log's 1.." + rlog.lastTxid());
        }
        if (Files.exists(output)) {
            throw new FileAlreadyExistsException(output.toString(), null, "restore will not overwrite an existing file");
        }
        Path abs = output.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".restoring");
        Files.deleteIfExists(tmp);
        try {
            Result r = replay(rlog, txid, tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            FileOps.fsyncDirectory(abs.getParent());
            return r;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Result replay(ReplicationLog rlog, long txid, Path file) throws IOException {
        PageChecksums sums = null;
        long started = System.nanoTime();
        long lastProgressNanos = started;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            for (long t = 1; t <= txid; t++) {
                Changeset cs = rlog.read(t);
                if (sums == null) {
                    sums = new PageChecksums(cs.pageSize());
                }
                if (cs.preChecksum() != sums.databaseChecksum()) {
                    throw new IOException(String.format("restore: txid %d pre-checksum %016x does not continue %016x",
                            t, cs.preChecksum(), sums.databaseChecksum()));
                }
                sums.resize(cs.commitPages());
                for (Changeset.Page p : cs.pages()) {
                    FileOps.writeFully(ch, p.data(), (long) (p.pgno() - 1) * cs.pageSize());
                    sums.setPage(p.pgno(), p.data());
                }
                ch.truncate((long) cs.commitPages() * cs.pageSize());
                if (cs.postChecksum() != sums.databaseChecksum()) {
                    throw new IOException(String.format("restore: txid %d post-checksum %016x does not match its pages %016x",
                            t, cs.postChecksum(), sums.databaseChecksum()));
                }
                long now = System.nanoTime();
                if (now - lastProgressNanos > PROGRESS_INTERVAL_NANOS) {
                    lastProgressNanos = now;
                    log.info("restore {}: {}% (txid {} of {}, {} txids/s)", rlog.directory(), 100 * t / txid, t,
                            txid, String.format("%.0f", t / ((now - started) / 1e9)));
                }
            }
            if (ch.size() < (long) sums.pageCount() * sums.pageSize()) {
                // A grown database whose last pages were never written cannot happen in a valid log.
                throw new IOException("restore: the file is shorter than " + sums.pageCount() + " pages");
            }
            ch.force(true);
            long fromFile = checksumOf(ch, sums.pageSize(), sums.pageCount());
            if (fromFile != sums.databaseChecksum()) {
                throw new IOException(String.format("restore: the written file's checksum %016x is not txid %d's %016x",
                        fromFile, txid, sums.databaseChecksum()));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            log.info("restore {}: txid {} rebuilt, {} pages, checksum {} verified, {} s", rlog.directory(), txid,
                    sums.pageCount(), String.format("%016x", fromFile), String.format("%.2f", seconds));
            return new Result(txid, fromFile, sums.pageCount(), sums.pageSize());
        }
    }

    /** The database checksum of the file computed from its own bytes. */
    public static long checksumOf(FileChannel ch, int pageSize, int pageCount) throws IOException {
        PageChecksums sums = new PageChecksums(pageSize);
        sums.resize(pageCount);
        int lockPgno = dev.ferry.protocol.sqlite.SqliteFormat.lockPgno(pageSize);
        byte[] page = new byte[pageSize];
        for (int pgno = 1; pgno <= pageCount; pgno++) {
            if (pgno == lockPgno) {
                continue;
            }
            FileOps.readFully(ch, page, (long) (pgno - 1) * pageSize, "page " + pgno);
            sums.set(pgno, PageChecksum.of(pgno, page));
        }
        return sums.databaseChecksum();
    }

}
