package dev.ferry.primary.catalog;

import dev.ferry.primary.capture.CapturedTransaction;
import dev.ferry.primary.capture.ChangesetBuilder;
import dev.ferry.primary.capture.WalReader;
import dev.ferry.primary.capture.WalTransaction;
import dev.ferry.primary.log.ReplicationLog;
import dev.ferry.primary.write.AtTxid;
import dev.ferry.primary.write.CommitLog;
import dev.ferry.primary.write.ConnectionWork;
import dev.ferry.primary.write.ExecuteResult;
import dev.ferry.primary.write.QueryResult;
import dev.ferry.primary.write.Statement;
import dev.ferry.primary.write.StatementFailedException;
import dev.ferry.primary.write.SqliteGuards;
import dev.ferry.primary.write.StatementGuard;
import dev.ferry.primary.write.StatementLimits;
import dev.ferry.primary.write.StatementRunner;
import dev.ferry.primary.write.Writer;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.checksum.PageChecksumsFile;
import dev.ferry.primary.log.LogReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open database: its writer, its read-only query connection, its WAL capture and its log.
 *
 * <h2>Checkpoints</h2>
 * Connections run with {@code wal_autocheckpoint=0}. After a batch, once enough frames have
 * accumulated, the writer thread runs a PASSIVE checkpoint (every frame in the WAL is already
 * durable in the log, because capture precedes the answer), fsyncs the WAL, and persists the page
 * checksums at the current txid. That order is what lets recovery skip pages not touched since.
 *
 * <p>Thread-safe: execute and query may be called from any thread; capture and checkpoints run
 * in the writer's drains on the shared writer pool (one at a time); {@link #info()} reads a snapshot published by the writer thread.
 */
final class PrimaryDatabase implements CommitLog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrimaryDatabase.class);

    /** Pages captured since the last checkpoint after which the writer checkpoints. */
    static final int CHECKPOINT_PAGES = 2000;

    private final String name;
    private final DatabaseFiles files;
    private final ReplicationLog rlog;
    private final ChangesetBuilder builder;
    private final WalReader walReader;
    private final Clock clock;
    private final Connection writerConnection;
    private final Connection readerConnection;
    private final StatementRunner readerRunner;
    /** The sandbox (one inspection connection), shared by the writer and the query connection. */
    private final StatementGuard guard;
    private final Writer writer;
    private final Object queryLock = new Object();
    private final CatalogListener listener;
    private final FileChannel dbFile;
    private final AtomicInteger checkpointHolds = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile DatabaseInfo info;
    private long pagesSinceCheckpoint;
    /** The txid of the persisted page checksums (writer thread, then close). */
    private long checksumsTxid;

    private PrimaryDatabase(String name, DatabaseFiles files, DatabaseRecovery.Recovered recovered, Clock clock,
                            CatalogListener listener, Consumer<PrimaryDatabase> onFatal, Executor writerPool,
                            StatementLimits limits, StatementGuard.Verdicts verdicts)
            throws SQLException, IOException {
        this.name = name;
        this.listener = listener;
        this.files = files;
        this.rlog = recovered.log();
        this.clock = clock;
        this.builder = new ChangesetBuilder(recovered.checksums(), rlog.lastTxid());
        this.checksumsTxid = rlog.lastTxid();
        this.walReader = new WalReader(files.wal());
        publishInfo();
        Connection w = null;
        Connection r = null;
        FileChannel f = null;
        try {
            w = SqliteConnections.writer(files);
            r = SqliteConnections.reader(files);
            SqliteGuards.apply(w);
            SqliteGuards.apply(r);
            // Opened after SQLite and closed only after SQLite: closing any descriptor of the
            // database file drops every POSIX lock this process holds on it, SQLite's included.
            f = FileChannel.open(files.db(), StandardOpenOption.READ);
            this.writerConnection = w;
            this.readerConnection = r;
            this.dbFile = f;
            // The verdict cache is the catalog's: a reopened database runs statements seen before
            // (in it or in any other database) without opening its inspection connection.
            this.guard = new StatementGuard(() -> SqliteConnections.reader(files), verdicts);
            this.readerRunner = new StatementRunner(r, guard, false, limits);
            // Recovery left the WAL empty: everything the writer captures from now on is new.
            if (!walReader.readCommitted().isEmpty()) {
                throw new IOException("open " + name + ": the WAL holds transactions after recovery emptied it");
            }
            this.writer = new Writer(name, w, guard, limits, this, cause -> onFatal.accept(this), writerPool);
        } catch (SQLException | IOException | RuntimeException e) {
            closeQuietly(r, e);
            closeQuietly(w, e);
            if (f != null) {
                f.close();
            }
            throw e;
        }
    }

    static PrimaryDatabase open(String name, DatabaseFiles files, Clock clock, CatalogListener listener,
                                Consumer<PrimaryDatabase> onFatal, Executor writerPool, StatementLimits limits,
                                StatementGuard.Verdicts verdicts)
            throws IOException, DatabaseUnavailableException {
        DatabaseRecovery.Recovered recovered = new DatabaseRecovery(name, files).recover(clock.millis());
        try {
            return new PrimaryDatabase(name, files, recovered, clock, listener, onFatal, writerPool, limits, verdicts);
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                recovered.log().close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("open " + name + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    DatabaseInfo info() {
        return info;
    }

    private void publishInfo() {
        PageChecksums sums = builder.checksums();
        info = new DatabaseInfo(name, rlog.lastTxid(), sums.databaseChecksum(), sums.pageSize(), sums.pageCount(),
                rlog.sizeBytes());
    }

    CompletableFuture<ExecuteResult> execute(List<Statement> statements) {
        return writer.submit(statements);
    }

    CompletableFuture<QueryResult> query(Statement statement, Executor executor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runQuery(statement);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }

    /** Runs Java work on the writer connection inside its own savepoint of a group commit. */
    <T> CompletableFuture<AtTxid<T>> write(ConnectionWork<T> work) {
        return writer.submitWork(work);
    }

    /**
     * Runs Java work on the read-only connection in its own read transaction, on {@code executor},
     * and answers the txid as {@link #inReadTransaction} does.
     */
    <T> CompletableFuture<AtTxid<T>> read(ConnectionWork<T> work, Executor executor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return inReadTransaction(txid -> new AtTxid<>(work.run(readerConnection), txid));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }

    private QueryResult runQuery(Statement statement) throws Exception {
        try {
            return inReadTransaction(txid -> readerRunner.query(statement, txid));
        } catch (SQLException e) {
            throw new StatementFailedException(0, e.getMessage(), e);
        }
    }

    /** Work in a read transaction that is given the txid upper bound of what it can see. */
    @FunctionalInterface
    private interface ReadWork<T> {
        T run(long txid) throws Exception;
    }

    /**
     * Runs {@code work} in its own read transaction on the read-only connection. The read
     * snapshot is taken first (reading the schema page), then the writer's txid upper bound is
     * read: the answer's txid is therefore at least the txid of everything the work saw, so
     * waiting for it on a replica is enough to read one's own writes there.
     */
    private <T> T inReadTransaction(ReadWork<T> work) throws Exception {
        synchronized (queryLock) {
            // A delete closes a database that requests may still hold: the reader connection is
            // closed under queryLock, so a read either ran before or is refused here.
            if (closed.get()) {
                throw new DatabaseUnavailableException("database " + name + " is closing");
            }
            try (java.sql.Statement st = readerConnection.createStatement()) {
                st.execute("BEGIN");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                    rs.next();
                }
            }
            long txid = writer.txidUpperBound();
            T result;
            try {
                result = work.run(txid);
            } catch (Exception e) {
                // An interrupted statement (the time limit) may have ended the read transaction
                // already; the work's own failure is the answer.
                endReadQuietly();
                throw e;
            }
            try (java.sql.Statement st = readerConnection.createStatement()) {
                st.execute("COMMIT");
            }
            return result;
        }
    }

    private void endReadQuietly() {
        try (java.sql.Statement st = readerConnection.createStatement()) {
            st.execute("ROLLBACK");
        } catch (SQLException e) {
            log.debug("end read transaction of {}: {}", name, e.getMessage());
        }
    }

    @Override
    public long captureCommitted() throws IOException {
        List<WalTransaction> txs = walReader.readCommitted();
        if (txs.isEmpty()) {
            return rlog.lastTxid();
        }
        List<CapturedTransaction> captured = new java.util.ArrayList<>(txs.size());
        for (WalTransaction tx : txs) {
            CapturedTransaction c = builder.build(tx, clock.millis());
            rlog.append(c.changeset(), c.encoded(), c.position());
            pagesSinceCheckpoint += c.changeset().pages().size();
            captured.add(c);
        }
        rlog.sync();
        publishInfo();
        for (CapturedTransaction c : captured) {
            listener.committed(name, c.changeset().txid(), c.changeset().timestampMs(), c.encoded());
        }
        return rlog.lastTxid();
    }

    @Override
    public long lastTxid() {
        return rlog.lastTxid();
    }

    @Override
    public void afterBatch() throws IOException {
        if (pagesSinceCheckpoint >= CHECKPOINT_PAGES && checkpointHolds.get() == 0) {
            checkpoint();
        }
    }

    LogReader logReader() {
        return rlog;
    }

    /**
     * Takes a consistent snapshot of the file (see {@link DatabaseSnapshot}): on the writer
     * thread, between commits, checkpoint every frame (FULL: waits for readers of older
     * snapshots, never for new ones), then hold off checkpoints until the snapshot is closed.
     */
    CompletableFuture<DatabaseSnapshot> snapshot(Runnable onClose) {
        return writer.runBetweenCommits(() -> {
            try (java.sql.Statement st = writerConnection.createStatement();
                 ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(FULL)")) {
                rs.next();
                if (rs.getInt(1) != 0 || rs.getInt(2) != rs.getInt(3)) {
                    throw new IOException("snapshot " + name + ": the checkpoint was blocked by a reader");
                }
            }
            checkpointHolds.incrementAndGet();
            PageChecksums sums = builder.checksums();
            return new DatabaseSnapshot(name, rlog.lastTxid(), sums.databaseChecksum(), sums.pageSize(),
                    sums.pageCount(), dbFile, () -> {
                        checkpointHolds.decrementAndGet();
                        onClose.run();
                    });
        });
    }

    /** See the class notes: PASSIVE checkpoint, fsync the WAL, then persist the checksums. */
    private void checkpoint() throws IOException {
        try (java.sql.Statement st = writerConnection.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
        } catch (SQLException e) {
            throw new IOException("checkpoint " + name + ": " + e.getMessage(), e);
        }
        walReader.force();
        PageChecksumsFile.write(files.checksums(), rlog.lastTxid(), builder.checksums());
        pagesSinceCheckpoint = 0;
        checksumsTxid = rlog.lastTxid();
    }

    /**
     * Finishes queued writes, then closes SQLite (whose last connection folds the WAL into the
     * database file), persists the checksums if anything was committed since they were last
     * persisted, and writes the clean-shutdown marker.
     *
     * <h2>Crash safety of a close</h2>
     * <ol>
     *   <li>The writer drains: every commit it made is captured and fsynced in the log (or the
     *       writer failed, and the close is not clean).</li>
     *   <li>Not clean only: fsync the directory, so that the marker recovery removed at open is
     *       durably gone before SQLite's last close folds frames the log lacks into the file
     *       (CleanShutdownMarker, point 2).</li>
     *   <li>SQLite's last connection closes: it fsyncs the WAL, checkpoints it, fsyncs the
     *       database file and deletes the WAL. A crash before or during this leaves a WAL whose
     *       transactions are all in the log: the next open is not vouched and checks every
     *       page.</li>
     *   <li>Clean only, and only if the log moved past the persisted checksums' txid: persist
     *       them (temporary file, fsync, rename) <em>without</em> fsyncing the directory. After a
     *       power loss the name holds the old file or the new one, each complete (fsynced before
     *       the rename) and valid: each was written after the database state at its txid was
     *       durable, and the log holds every change since, which the next open replays and
     *       checks. The directory fsync was one of the fsyncs of every open-write-close cycle.</li>
     *   <li>Clean only: write the marker, without fsync. It describes a file that step 3 made
     *       durable, so whenever and however much of it survives a crash, it is right or
     *       rejected (CleanShutdownMarker, point 1).</li>
     * </ol>
     */
    @Override
    public void close() throws IOException {
        // Idempotent: a fail-stopped handle may be closed by its recovery task and by a delete.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writer.close();
        boolean clean = !writer.isFailed();
        IOException failure = null;
        try {
            if (!clean) {
                CleanShutdownMarker.makeRemovalDurable(files);
            }
            synchronized (queryLock) {
                guard.close();
                readerRunner.close();
                readerConnection.close();
            }
            writerConnection.close();
            // The last connection's close checkpoints the WAL into the file, syncs the file and
            // deletes the WAL. Only if it could not (another connection of this file is open)
            // must the WAL be made durable before the checksums vouch for the pages. Syncing it
            // unconditionally before the close was the largest single cost of closing idle
            // databases (stack samples under TenantsBenchmark).
            if (clean && java.nio.file.Files.exists(files.wal()) && java.nio.file.Files.size(files.wal()) > 0) {
                walReader.force();
            }
            dbFile.close();
        } catch (SQLException e) {
            failure = new IOException("close " + name + ": " + e.getMessage(), e);
        }
        try {
            walReader.close();
            if (clean && failure == null) {
                PageChecksums sums = builder.checksums();
                if (checksumsTxid != rlog.lastTxid()) {
                    PageChecksumsFile.write(files.checksums(), rlog.lastTxid(), sums, false);
                }
                CleanShutdownMarker.write(files, new CleanShutdownMarker.Recorded(rlog.lastTxid(),
                        sums.databaseChecksum(), sums.pageSize(), sums.pageCount(), rlog.sizeBytes()));
            }
        } catch (IOException e) {
            failure = add(failure, e);
        }
        try {
            rlog.close();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
        log.debug("closed {} at txid {}", name, info.txid());
    }

    private static IOException add(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static void closeQuietly(Connection c, Exception primary) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                primary.addSuppressed(e);
            }
        }
    }
}
