package dev.ferry.primary.catalog;

import dev.ferry.primary.capture.CapturedTransaction;
import dev.ferry.primary.capture.ChangesetBuilder;
import dev.ferry.primary.capture.WalReader;
import dev.ferry.primary.capture.WalTransaction;
import dev.ferry.primary.fileops.FileOps;
import dev.ferry.primary.log.LogEntry;
import dev.ferry.primary.log.ReplicationLog;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.checksum.PageChecksumsFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one database to a state where the file, the WAL and the replication log agree, before
 * any connection serves it. The log is the source of truth; the page-checksums file is derived.
 *
 * <h2>Steps</h2>
 * <ol>
 *   <li>Open the log (cutting a torn, unacknowledged last record). Call its last txid L.</li>
 *   <li>Load the page checksums persisted at txid T0 (or start from nothing at txid 0) and replay
 *       the log's changesets T0+1 … L over them, checking that each pre-checksum continues the
 *       previous post-checksum. Remember the pages they touch.</li>
 *   <li>Scan the WAL in Java, exactly as SQLite's recovery will. Transactions committed in the WAL
 *       but missing from the log are requests that were never acknowledged: capture them as
 *       L+1, … . If the WAL no longer holds L's commit frame (it lost unsynced frames, or it is
 *       an older generation, or it is gone), the WAL is "behind" and holds nothing new.</li>
 *   <li>Checkpoint with SQLite (TRUNCATE) and close it: the database file now holds everything
 *       SQLite considers committed.</li>
 *   <li>Verify the pages touched since T0 (and the file size) against the checksums. If they
 *       differ and the WAL was behind, the file lacks transactions the log has (the WAL is not
 *       fsynced per commit): write the log's page images from T0+1 on into the file and verify
 *       again. Any other difference means the file was changed outside Ferry or is corrupt: the
 *       database refuses to serve, and the message says which pages differ.</li>
 *   <li>Persist the checksums at the final txid, so the next open replays nothing.</li>
 * </ol>
 *
 * <p>Step 5 reads only the touched pages when a {@link CleanShutdownMarker} vouches that the file
 * is exactly as a clean close left it; otherwise (after a crash, or if the file was modified
 * since) it reads every page, so that a change made outside Ferry is always found.
 *
 * <p>Why pages not touched since T0 need no check: the checksums file is written only after a
 * checkpoint and an fsync of the WAL, so at T0 every page's latest image was durable in the
 * database file or the WAL, and a WAL restart (which overwrites old frames) happens only after
 * SQLite has backfilled and synced every frame into the database file.
 */
final class DatabaseRecovery {
    private static final Logger log = LoggerFactory.getLogger(DatabaseRecovery.class);

    /**
     * The recovered state: the open log and the page checksums at its last txid, which the
     * page-checksums file holds.
     */
    record Recovered(ReplicationLog log, PageChecksums checksums) {}

    private final String name;
    private final DatabaseFiles files;

    DatabaseRecovery(String name, DatabaseFiles files) {
        this.name = name;
        this.files = files;
    }

    Recovered recover(long nowMs) throws IOException, DatabaseUnavailableException {
        ReplicationLog rlog = ReplicationLog.open(files.logDir());
        try {
            return recover(rlog, nowMs);
        } catch (IOException | DatabaseUnavailableException | RuntimeException e) {
            try {
                rlog.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private Recovered recover(ReplicationLog rlog, long nowMs) throws IOException, DatabaseUnavailableException {
        LogEntry last = rlog.last();
        if (last == null) {
            throw unavailable("its replication log in " + files.logDir() + " is empty; txid 1 is missing");
        }
        CleanShutdownMarker.Consumed marker = CleanShutdownMarker.consume(files, last.txid());
        boolean vouched = marker.vouched();
        if (marker.removed() && !vouched) {
            // A marker that did not vouch now, because the file or the WAL changed: steps 4 and
            // 5 may change the file without a new txid in the log, so the marker must not come
            // back after a power loss to vouch for the result (CleanShutdownMarker, point 2).
            // Only after crashes or outside changes, so this fsync is off the usual path.
            CleanShutdownMarker.makeRemovalDurable(files);
        }
        BitSet touched = new BitSet();
        Replayed replayed = replayLog(rlog, touched);
        long t0 = replayed.t0();
        PageChecksums sums = replayed.checksums();
        WalScan wal = scanWal(rlog, last);
        if (!wal.uncaptured.isEmpty()) {
            ChangesetBuilder builder = new ChangesetBuilder(sums, rlog.lastTxid());
            for (WalTransaction tx : wal.uncaptured) {
                CapturedTransaction c = builder.build(tx, nowMs);
                rlog.append(c.changeset(), c.encoded(), c.position());
                for (Changeset.Page p : c.changeset().pages()) {
                    touched.set(p.pgno());
                }
            }
            rlog.sync();
            log.info("recover {}: captured {} committed transaction(s) the log lacked, now at txid {}",
                    name, wal.uncaptured.size(), rlog.lastTxid());
        }
        if (!vouched || !wal.uncaptured.isEmpty()) {
            // A vouched file has no WAL beside it (CleanShutdownMarker.consume checks), so there
            // is nothing to checkpoint: skipping SQLite here saves a connection per open, which is
            // most opens once idle databases are closed.
            checkpointAndClose();
        }
        BitSet toVerify = (BitSet) touched.clone();
        if (!vouched) {
            // After a crash, or if anything touched the file since a clean close, check every
            // page, not only those the log changed since the checksums were persisted.
            toVerify.set(1, Math.max(2, sums.pageCount() + 1));
        }
        List<Integer> bad = verify(sums, toVerify);
        if (!bad.isEmpty()) {
            // A marker of the log's last txid says a clean close left the file durably at that
            // txid: a difference then is never a lost WAL tail, whatever the pages.
            boolean walLostFrames = wal.behind && !marker.sameTxid();
            if (!walLostFrames || !explainedByLog(bad, touched)) {
                throw unavailable(String.format("the database file does not match the replication log at txid %d"
                        + " (checksum %016x): pages %s differ; it was changed outside Ferry or is corrupt",
                        rlog.lastTxid(), sums.databaseChecksum(), describe(bad)));
            }
            log.warn("recover {}: the database file lacks transactions the log holds (WAL lost unsynced frames);"
                    + " rolling forward txids {}..{} from the log", name, t0 + 1, rlog.lastTxid());
            rollForward(rlog, t0 + 1, sums.pageCount(), sums.pageSize());
            bad = verify(sums, touched);
            if (!bad.isEmpty()) {
                throw unavailable(String.format("rolling forward from the log did not reproduce txid %d: pages %s differ",
                        rlog.lastTxid(), describe(bad)));
            }
        }
        if (t0 != rlog.lastTxid()) {
            // Else the file on disk already holds exactly these checksums at this txid (nothing
            // was replayed or captured): rewriting it would cost two fsyncs per open, which is
            // most opens once databases are closed when idle.
            PageChecksumsFile.write(files.checksums(), rlog.lastTxid(), sums);
        }
        return new Recovered(rlog, sums);
    }

    /** Step 2's result: the checksums at L, replayed from those persisted at T0. */
    private record Replayed(long t0, PageChecksums checksums) {}

    /**
     * A lost WAL tail can only leave pages that the log changed since T0 (or the file size)
     * behind; any other difference was made outside Ferry.
     */
    private static boolean explainedByLog(List<Integer> bad, BitSet touched) {
        for (int pgno : bad) {
            if (pgno != -1 && !touched.get(pgno)) {
                return false;
            }
        }
        return true;
    }

    /** Step 2. */
    private Replayed replayLog(ReplicationLog rlog, BitSet touched) throws IOException, DatabaseUnavailableException {
        Optional<PageChecksumsFile.Snapshot> snap = PageChecksumsFile.read(files.checksums());
        long from;
        PageChecksums sums;
        if (snap.isPresent() && snap.get().txid() <= rlog.lastTxid() && snap.get().txid() >= rlog.firstTxid()) {
            sums = snap.get().checksums();
            from = snap.get().txid() + 1;
        } else if (rlog.firstTxid() == 1) {
            sums = null;
            from = 1;
        } else {
            throw unavailable("its page checksums are missing and the log no longer starts at txid 1");
        }
        for (long t = from; t <= rlog.lastTxid(); t++) {
            Changeset cs = rlog.read(t);
            if (sums == null) {
                sums = new PageChecksums(cs.pageSize());
            }
            if (cs.preChecksum() != sums.databaseChecksum()) {
                throw unavailable(String.format("the log's checksum chain breaks at txid %d: pre-checksum %016x,"
                        + " but the database before it has %016x", t, cs.preChecksum(), sums.databaseChecksum()));
            }
            sums.resize(cs.commitPages());
            for (Changeset.Page p : cs.pages()) {
                sums.setPage(p.pgno(), p.data());
                touched.set(p.pgno());
            }
            if (cs.postChecksum() != sums.databaseChecksum()) {
                throw unavailable(String.format("txid %d's post-checksum %016x does not match its pages (%016x)",
                        t, cs.postChecksum(), sums.databaseChecksum()));
            }
        }
        return new Replayed(from - 1, sums);
    }

    private record WalScan(List<WalTransaction> uncaptured, boolean behind) {}

    /** Step 3: which WAL transactions the log lacks. */
    private WalScan scanWal(ReplicationLog rlog, LogEntry last) throws IOException {
        try (WalReader reader = new WalReader(files.wal())) {
            if (reader.seekPast(last.walPosition())) {
                return new WalScan(reader.readCommitted(), false);
            }
            int[] salts = reader.currentSalts();
            if (salts == null || rlog.hasGeneration(salts[0], salts[1])) {
                return new WalScan(List.of(), true);
            }
            // A generation the log has never seen started after L: everything in it is new.
            reader.reset();
            return new WalScan(reader.readCommitted(), false);
        }
    }

    /** Step 4. SQLite replays the WAL exactly as the scan above did, then truncates it. */
    private void checkpointAndClose() throws IOException {
        try (Connection c = SqliteConnections.writer(files); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (!rs.next() || rs.getInt(1) != 0) {
                throw new IOException("recover " + name + ": checkpoint was blocked; is another process using "
                        + files.db() + "?");
            }
        } catch (SQLException e) {
            throw new IOException("recover " + name + ": checkpoint of " + files.db() + " failed: " + e.getMessage(), e);
        }
    }

    /** Step 5's check. SQLite is closed, so reading the file cannot drop any of its locks. */
    private List<Integer> verify(PageChecksums sums, BitSet touched) throws IOException {
        List<Integer> bad = new ArrayList<>();
        int pageSize = sums.pageSize();
        try (FileChannel ch = FileChannel.open(files.db(), StandardOpenOption.READ)) {
            if (ch.size() != (long) sums.pageCount() * pageSize) {
                bad.add(-1);
                return bad;
            }
            byte[] page = new byte[pageSize];
            for (int pgno = touched.nextSetBit(1); pgno >= 1 && pgno <= sums.pageCount();
                 pgno = touched.nextSetBit(pgno + 1)) {
                if (sums.get(pgno) == 0) {
                    continue;
                }
                FileOps.readFully(ch, page, (long) (pgno - 1) * pageSize, files.db());
                if (PageChecksum.of(pgno, page) != sums.get(pgno)) {
                    bad.add(pgno);
                }
            }
        }
        return bad;
    }

    /** Step 5's repair: writes every page image of txids {@code from}..L, in order, then the size. */
    private void rollForward(ReplicationLog rlog, long from, int finalPages, int pageSize) throws IOException {
        try (FileChannel ch = FileChannel.open(files.db(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (long t = from; t <= rlog.lastTxid(); t++) {
                Changeset cs = rlog.read(t);
                for (Changeset.Page p : cs.pages()) {
                    FileOps.writeFully(ch, p.data(), (long) (p.pgno() - 1) * cs.pageSize());
                }
            }
            ch.truncate((long) finalPages * pageSize);
            ch.force(true);
        }
    }

    private static String describe(List<Integer> bad) {
        if (bad.size() == 1 && bad.get(0) == -1) {
            return "(the file size)";
        }
        List<Integer> head = bad.subList(0, Math.min(bad.size(), 10));
        return head + (bad.size() > 10 ? " and " + (bad.size() - 10) + " more" : "");
    }

    private DatabaseUnavailableException unavailable(String why) {
        return new DatabaseUnavailableException("database " + name + " refuses to serve: " + why);
    }
}
