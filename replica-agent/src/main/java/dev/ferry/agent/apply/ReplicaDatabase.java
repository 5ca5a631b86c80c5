package dev.ferry.agent.apply;

import static dev.ferry.agent.apply.ReplicaDivergedException.Reason.*;

import dev.ferry.agent.state.PageChecksumFile;
import dev.ferry.agent.state.Position;
import dev.ferry.agent.state.PositionStore;
import dev.ferry.protocol.changeset.Changeset;
import dev.ferry.protocol.checksum.PageChecksum;
import dev.ferry.protocol.checksum.PageChecksums;
import dev.ferry.protocol.sqlite.SqliteFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One replica database that stock SQLite readers in other processes use while the agent applies
 * changesets to it: the public entry point of the apply engine.
 *
 * <p>Format: {@code DIR/NAME.db} in WAL mode with its {@code -wal} and {@code -shm}, written by
 * {@link WalWriter} exactly as SQLite would; {@code NAME.db-pos} (position) and {@code NAME.db-sums}
 * (page checksums) beside it.
 *
 * <p>Concurrency: one thread applies (all methods but {@link #position()}, {@link #durablePosition()}
 * and {@link #walBytes()}, which any thread may call, and {@link #sync()}, which one other thread may
 * run while the applying thread goes on). For its whole life the instance holds a shared lock on the database
 * file's SHARED range and a shared DMS lock on {@code -shm}, so no reader deletes or re-initialises
 * the files it has mapped; it takes WRITE per transaction, CKPT and READ locks per checkpoint. It
 * opens exactly one handle per file and never an SQLite connection: POSIX locks belong to the process,
 * and closing any second handle on a file would silently drop them. Do not interrupt the applying
 * thread: NIO closes a channel when a thread blocked in it is interrupted, which drops the locks on
 * that file; the instance then fails and must be reopened.
 *
 * <p>Positions: {@link #position()} is what readers can see; {@link #durablePosition()} is what
 * the position file holds, never more than is on disk. They differ only with {@link
 * ApplyOptions#publishBeforeSync}, between an {@link #apply} and the next {@link #sync}.
 *
 * <p>Crash recovery: on open the wal-index is validated and rebuilt from the WAL if torn; the page
 * checksums are repaired from the WAL. The position file may lag the files (by the transactions
 * published but not yet synced, or by one after a crash between publishing and recording), so the
 * content's position is found by matching the content checksum against the position file, the
 * page-checksum file's stamp (the last transaction recorded) and its pending mark (the transaction
 * being published, marked before it is): after a process crash one of them matches. The files are
 * then fsynced and that position recorded ({@link #recoverPosition}). After a power loss, when
 * none matches even after recomputing every page checksum, the content is treated as one
 * transaction ahead of the position file, as before; the next changeset's post-checksum check then
 * finds any gap and the replica is repaired by a snapshot. Past the point of no return (the
 * transaction published), a failure to record or sync it stops this instance (fail-stop);
 * reopening recovers.
 */
public final class ReplicaDatabase implements AutoCloseable {
    private final ReplicaFiles files;
    private final ApplyOptions options;
    private final int pageSize;
    private final DatabaseFile db;
    private final WalFile wal;
    private final SharedMemory shm;
    private final FileLock dms;
    private final WalIndex index;
    private final PageReader reader;
    private final PageChecksumFile sumsFile;
    private final PositionStore positions;
    private WalWriter writer;
    private Checkpointer checkpointer;
    private PageChecksums sums;
    private volatile Position position;
    /** What the position file holds; equal to {@link #position} except between apply and sync. */
    private volatile Position durable;
    private volatile long walBytes;
    private boolean unrecordedAhead;
    /** Written by the applying thread and by a failed {@link #sync()} on another. */
    private volatile String failure;
    /**
     * Held while the position file is written or the files are closed: {@link #sync()} (possibly on
     * another thread) against the applying thread's resnapshot and close, so that the position file
     * is written by one thread at a time and never after close.
     */
    private final ReentrantLock durability = new ReentrantLock();
    /** Guarded by {@link #durability}. */
    private boolean closed;

    private ReplicaDatabase(ReplicaFiles files, ApplyOptions options, int pageSize, DatabaseFile db, WalFile wal,
            SharedMemory shm, FileLock dms, PageChecksumFile sumsFile) {
        this.files = files;
        this.options = options;
        this.pageSize = pageSize;
        this.db = db;
        this.wal = wal;
        this.shm = shm;
        this.dms = dms;
        this.index = new WalIndex(shm);
        this.reader = new PageReader(db, wal, index, pageSize);
        this.sumsFile = sumsFile;
        this.positions = new PositionStore(files.position());
    }

    /** Opens an existing replica; {@link NoSuchFileException} if it was never bootstrapped. */
    public static ReplicaDatabase open(DataDirectory dir, String name, ApplyOptions options) throws IOException {
        ReplicaFiles files = ReplicaFiles.of(dir.path(), name);
        if (!Files.exists(files.db())) {
            throw new NoSuchFileException(files.db().toString(), null, "replica does not exist; bootstrap it first");
        }
        return openFiles(files, options);
    }

    /**
     * Makes the replica hold {@code snapshot}: installs a new file if none exists yet, else applies
     * the snapshot to the live file as one WAL transaction (see {@link #resnapshot}).
     */
    public static ReplicaDatabase bootstrap(DataDirectory dir, String name, SnapshotHeader snapshot, InputStream pages,
            ApplyOptions options) throws IOException {
        ReplicaFiles files = ReplicaFiles.of(dir.path(), name);
        if (Files.exists(files.db())) {
            ReplicaDatabase replica = openFiles(files, options);
            try {
                replica.resnapshot(snapshot, pages);
                return replica;
            } catch (IOException | RuntimeException e) {
                closeQuietly(replica, e);
                throw e;
            }
        }
        PageChecksums sums = SnapshotInstaller.install(files, snapshot, pages);
        try (PageChecksumFile f = PageChecksumFile.open(files.checksums(), snapshot.pageSize())) {
            f.replaceAll(sums);
            f.stamp(snapshot.position());
            f.force();
        }
        try (PositionStore store = new PositionStore(files.position())) {
            store.write(snapshot.position(), true);
        }
        return openFiles(files, options);
    }

    private static ReplicaDatabase openFiles(ReplicaFiles files, ApplyOptions options) throws IOException {
        DatabaseFile db = DatabaseFile.open(files.db(), options.lockTimeoutMs());
        WalFile wal = null;
        SharedMemory shm = null;
        PageChecksumFile sumsFile = null;
        try {
            int pageSize = db.readPageSize();
            wal = WalFile.open(files.wal());
            shm = SharedMemory.open(files.shm());
            FileLock dms = attachSharedMemory(shm, options.lockTimeoutMs());
            sumsFile = PageChecksumFile.open(files.checksums(), pageSize);
            ReplicaDatabase r = new ReplicaDatabase(files, options, pageSize, db, wal, shm, dms, sumsFile);
            r.start();
            return r;
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {sumsFile, shm, wal, db}) {
                closeQuietly(c, e);
            }
            throw e;
        }
    }

    /**
     * The DMS ("dead man switch") byte of -shm: an exclusive lock means no other process has the
     * files open, so the wal-index may be re-initialised (cut to zero; rebuilt from the WAL under
     * WRITE below). Then the agent holds DMS shared for life, like every SQLite connection, so that no
     * reader re-initialises it while the agent has it mapped.
     */
    private static FileLock attachSharedMemory(SharedMemory shm, long lockTimeoutMs) throws IOException {
        FileLock exclusive = shm.tryLock(WalIndexFormat.LOCK_DMS, 1, false);
        if (exclusive != null) {
            try {
                shm.truncateToZero();
            } finally {
                exclusive.release();
            }
        }
        return shm.lock(WalIndexFormat.LOCK_DMS, 1, true, lockTimeoutMs, "DMS");
    }

    private void start() throws IOException {
        writer = new WalWriter(wal, index, pageSize, options, this::persistChecksums);
        checkpointer = new Checkpointer(wal, index, db, writer, pageSize, options);
        WalIndexHeader h = writer.attach();
        long mxFrame = h.mxFrameUnsigned();
        int nPage = mxFrame != 0 ? h.nPage() : (int) (db.size() / pageSize);
        PageChecksums loaded = sumsFile.load();
        if (loaded == null) {
            sums = PageChecksumRepair.rescan(reader, pageSize, nPage, mxFrame);
            sumsFile.replaceAll(sums);
        } else {
            sums = loaded;
            sums.resize(nPage);
            sumsFile.resize(nPage);
            for (int pgno : PageChecksumRepair.repair(sums, index, reader, mxFrame).stream().toArray()) {
                sumsFile.set(pgno, sums.get(pgno));
            }
        }
        durable = positions.read().orElse(null);
        position = recoverPosition(nPage, mxFrame);
        walBytes = wal.size();
    }

    /**
     * The position of the content found on open (see the class comment), recorded in the position
     * file once the files are synced; the position file's own if nothing else matches.
     */
    private Position recoverPosition(int nPage, long mxFrame) throws IOException {
        if (durable == null) {
            return null;
        }
        Position found = matchContent();
        if (found == null) {
            // Only after a power loss (or a file changed by hand): entries may describe lost writes.
            sums = PageChecksumRepair.rescan(reader, pageSize, nPage, mxFrame);
            sumsFile.replaceAll(sums);
            found = matchContent();
        }
        if (found == null) {
            unrecordedAhead = true;
            return durable;
        }
        unrecordedAhead = false;
        if (!found.equals(durable)) {
            // Durability steps: the content is on disk before the position file names it.
            if (options.fsync()) {
                wal.force();
                db.force();
            }
            CrashPoint.RECOVERY_BEFORE_POSITION.reached();
            positions.write(found, options.fsync());
            durable = found;
        }
        sumsFile.stamp(found);
        return found;
    }

    /**
     * The candidate position whose checksum is the content's, the highest txid first; null if none.
     * A mark at the position file's txid with another checksum is never taken: the two disagree
     * about the same transaction (a file changed by hand), which only a snapshot settles.
     */
    private Position matchContent() {
        long content = sums.databaseChecksum();
        Position best = durable.checksum() == content ? durable : null;
        for (Optional<Position> c : List.of(sumsFile.stamped(), sumsFile.pending())) {
            if (c.isPresent() && c.get().checksum() == content && c.get().txid() > durable.txid()
                    && (best == null || c.get().txid() > best.txid())) {
                best = c.get();
            }
        }
        return best;
    }

    /**
     * Applies one changeset as one WAL transaction: readers see all of it or none of it.
     *
     * @throws ReplicaDivergedException if the changeset does not follow this replica (nothing written)
     */
    public ApplyResult apply(Changeset cs) throws IOException, ReplicaDivergedException {
        checkUsable();
        Position at = position;
        if (at == null) {
            throw new ReplicaDivergedException(NO_POSITION, files.position() + " does not exist");
        }
        if (cs.pageSize() != pageSize) {
            throw new ReplicaDivergedException(PAGE_SIZE, "changeset txid " + cs.txid() + " has page size "
                    + cs.pageSize() + ", replica " + files.db() + " has " + pageSize);
        }
        if (cs.txid() <= at.txid()) {
            if (cs.txid() == at.txid() && cs.postChecksum() != at.checksum()) {
                throw new ReplicaDivergedException(POST_CHECKSUM, "replica " + files.db() + " is at " + at
                        + " but changeset txid " + cs.txid() + " ends at checksum " + Long.toHexString(cs.postChecksum()));
            }
            return ApplyResult.ALREADY_APPLIED;
        }
        if (cs.txid() != at.txid() + 1) {
            throw new ReplicaDivergedException(TXID_GAP, "replica " + files.db() + " is at " + at
                    + ", changeset has txid " + cs.txid());
        }
        if (cs.preChecksum() != at.checksum()) {
            throw new ReplicaDivergedException(PRE_CHECKSUM, "replica " + files.db() + " is at " + at
                    + ", changeset txid " + cs.txid() + " starts at checksum " + Long.toHexString(cs.preChecksum()));
        }
        if (!unrecordedAhead && sums.databaseChecksum() != at.checksum()) {
            throw new ReplicaDivergedException(PRE_CHECKSUM, "replica " + files.db() + " content has checksum "
                    + Long.toHexString(sums.databaseChecksum()) + " but its position is " + at
                    + ": the file was changed by another process");
        }
        long[] pageSums = checkPostChecksum(cs);
        int n = Math.max(1, cs.pages().size());
        int[] pgnos = new int[n];
        byte[][] images = new byte[n][];
        if (cs.pages().isEmpty()) {
            // SQLite never commits without a frame; a changeset without pages re-writes page 1 unchanged.
            pgnos[0] = 1;
            images[0] = new byte[pageSize];
            reader.read(1, writer.published().mxFrameUnsigned(), images[0]);
        } else {
            List<Changeset.Page> pages = cs.pages();
            for (int i = 0; i < n; i++) {
                pgnos[i] = pages.get(i).pgno();
                images[i] = pages.get(i).data();
            }
        }
        Position next = new Position(cs.txid(), cs.postChecksum());
        // Recovery marker: a crash after the publish below finds the content at 'next'.
        sumsFile.markPending(next);
        try (WalWriter.Transaction tx = writer.begin(false)) {
            tx.append(pgnos, images, n, cs.commitPages());
            tx.commit(cs.commitPages(), !options.publishBeforeSync());
        }
        // Point of no return: the transaction is visible to readers.
        try {
            recordPageChecksums(cs, pageSums);
            sumsFile.stamp(next);
            position = next;
            unrecordedAhead = false;
            if (!options.publishBeforeSync()) {
                // Durability step: the position names a transaction whose frames were synced before publishing.
                positions.write(next, options.fsync());
                durable = next;
                CrashPoint.AFTER_POSITION.reached();
            }
            walBytes = wal.size();
        } catch (IOException | RuntimeException e) {
            failure = "txid " + cs.txid() + " is visible in " + files.db() + " but was not recorded: " + e.getMessage();
            throw e;
        }
        if (writer.published().mxFrameUnsigned() - Integer.toUnsignedLong(index.nBackfill())
                >= options.checkpointThresholdFrames()) {
            checkpoint();
        }
        return ApplyResult.APPLIED;
    }

    /** Computes each page's checksum and refuses the changeset unless the result is its post-checksum. */
    private long[] checkPostChecksum(Changeset cs) throws ReplicaDivergedException {
        int oldCount = sums.pageCount();
        int newCount = cs.commitPages();
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        long xor = sums.databaseChecksum() & ~PageChecksum.FLAG;
        for (int pgno = newCount + 1; pgno <= oldCount; pgno++) {
            xor ^= sums.get(pgno) & ~PageChecksum.FLAG;
        }
        List<Changeset.Page> pages = cs.pages();
        long[] result = new long[pages.size()];
        int expectedNew = oldCount + 1;
        for (int i = 0; i < pages.size(); i++) {
            Changeset.Page p = pages.get(i);
            if (p.pgno() == 1) {
                String problem = DatabaseHeader.problem(p.data(), pageSize);
                if (problem != null) {
                    throw new IllegalArgumentException("changeset txid " + cs.txid() + ": " + problem);
                }
            }
            if (p.pgno() > oldCount) {
                if (expectedNew == lockPgno) {
                    expectedNew++;
                }
                if (p.pgno() != expectedNew) {
                    throw new IllegalArgumentException("changeset txid " + cs.txid() + " grows the database from "
                            + oldCount + " to " + newCount + " pages but lacks page " + expectedNew);
                }
                expectedNew++;
            }
            result[i] = PageChecksum.of(p.pgno(), p.data());
            long old = p.pgno() <= oldCount ? sums.get(p.pgno()) : 0;
            xor ^= (old ^ result[i]) & ~PageChecksum.FLAG;
        }
        if (expectedNew == lockPgno && lockPgno <= newCount) {
            expectedNew++;
        }
        if (newCount > oldCount && expectedNew <= newCount) {
            throw new IllegalArgumentException("changeset txid " + cs.txid() + " grows the database from " + oldCount
                    + " to " + newCount + " pages but lacks page " + expectedNew);
        }
        long post = PageChecksum.FLAG | xor;
        if (post != cs.postChecksum()) {
            throw new ReplicaDivergedException(POST_CHECKSUM, "changeset txid " + cs.txid() + " applied to "
                    + files.db() + " gives checksum " + Long.toHexString(post) + ", not its post-checksum "
                    + Long.toHexString(cs.postChecksum()));
        }
        return result;
    }

    private void recordPageChecksums(Changeset cs, long[] pageSums) throws IOException {
        sums.resize(cs.commitPages());
        sumsFile.resize(cs.commitPages());
        List<Changeset.Page> pages = cs.pages();
        for (int i = 0; i < pageSums.length; i++) {
            int pgno = pages.get(i).pgno();
            sums.set(pgno, pageSums[i]);
            sumsFile.set(pgno, pageSums[i]);
        }
    }

    /**
     * Applies a full snapshot to the live file as one WAL transaction holding every page that differs
     * (readers may hold the file, so it cannot be replaced). Frames written by another process are
     * taken as the base and overwritten where they differ: this is the repair for every divergence.
     */
    public void resnapshot(SnapshotHeader snapshot, InputStream pages) throws IOException {
        checkUsable();
        if (snapshot.pageSize() != pageSize) {
            throw new IOException("resnapshot " + files.db() + ": snapshot page size " + snapshot.pageSize()
                    + " differs from the replica's " + pageSize + "; WAL mode cannot change the page size of a live"
                    + " file (remove the replica while no reader has it open, then bootstrap)");
        }
        PageChecksums next = new PageChecksums(pageSize);
        next.resize(snapshot.pageCount());
        int lockPgno = SqliteFormat.lockPgno(pageSize);
        try (WalWriter.Transaction tx = beginRepair()) {
            WalIndexHeader base = tx.base();
            long mxFrame = base.mxFrameUnsigned();
            int currentCount = mxFrame != 0 ? base.nPage() : (int) (db.size() / pageSize);
            FrameBatch batch = new FrameBatch(tx, pageSize);
            byte[] page = new byte[pageSize];
            byte[] current = new byte[pageSize];
            byte[] page1 = null;
            for (int pgno = 1; pgno <= snapshot.pageCount(); pgno++) {
                SnapshotPages.read(pages, page, pgno, snapshot);
                if (pgno == 1) {
                    String problem = DatabaseHeader.problem(page, pageSize);
                    if (problem != null) {
                        throw new IOException("resnapshot " + files.db() + " to " + snapshot.position() + ": " + problem);
                    }
                    page1 = page.clone();
                }
                if (pgno == lockPgno) {
                    continue;
                }
                next.set(pgno, PageChecksum.of(pgno, page));
                boolean differs = pgno > currentCount;
                if (!differs) {
                    reader.read(pgno, mxFrame, current);
                    differs = !Arrays.equals(page, current);
                }
                if (differs) {
                    batch.add(pgno, page);
                }
            }
            if (next.databaseChecksum() != snapshot.position().checksum()) {
                throw new IOException("resnapshot " + files.db() + ": snapshot pages give checksum "
                        + Long.toHexString(next.databaseChecksum()) + ", the snapshot header says "
                        + Long.toHexString(snapshot.position().checksum()));
            }
            if (batch.isEmpty() && snapshot.pageCount() != currentCount) {
                batch.add(1, page1);
            }
            if (!batch.isEmpty()) {
                batch.finish(snapshot.pageCount());
                // Recovery marker, as in apply: a crash after the publish finds the content at the snapshot.
                sumsFile.markPending(snapshot.position());
                // Synced before publishing in every mode: a snapshot is rare and large.
                tx.commit(snapshot.pageCount(), true);
            }
        }
        durability.lock();
        try {
            sums = next;
            sumsFile.replaceAll(next);
            sumsFile.stamp(snapshot.position());
            sumsFile.markPending(snapshot.position());
            if (options.fsync()) {
                wal.force(); // transactions published earlier without a sync, below the snapshot
            }
            position = snapshot.position();
            positions.write(position, options.fsync());
            durable = position;
            unrecordedAhead = false;
            walBytes = wal.size();
        } catch (IOException | RuntimeException e) {
            failure = "snapshot " + snapshot.position() + " is visible in " + files.db() + " but was not recorded: "
                    + e.getMessage();
            throw e;
        } finally {
            durability.unlock();
        }
    }

    private WalWriter.Transaction beginRepair() throws IOException {
        try {
            return writer.begin(true);
        } catch (ReplicaDivergedException e) {
            throw new IllegalStateException("a repairing transaction adopts foreign frames and cannot diverge", e);
        }
    }

    /**
     * Makes every published transaction durable and records it: fsyncs the WAL (one fsync for all
     * the transactions applied since the last sync), then writes the position file. Returns the
     * durable position, which is what may be acknowledged. Nothing to do unless {@link
     * ApplyOptions#publishBeforeSync} is on and a transaction was applied since, or once closed. A
     * failure is past the point of no return (readers saw the transactions): the instance stops
     * (fail-stop).
     *
     * <p>One thread other than the applying one may call this while {@link #apply} goes on; why
     * that is safe:
     * <ul>
     *   <li>{@code at} is read after every frame of it was written ({@link #position} is published
     *       after the WAL writes), so the fsync that follows covers them; frames appended meanwhile
     *       belong to later transactions and are not claimed.</li>
     *   <li>A checkpoint running meanwhile restarts the WAL only once every frame is copied into the
     *       database file and that file is fsynced, so {@code at} is on disk in one file or the other.</li>
     *   <li>The applying thread's own position writes (resnapshot) and close hold {@link #durability}
     *       as this does, so the position file is never written by two threads at once, and a sync
     *       that comes second reads the position the other recorded and has nothing to do.</li>
     * </ul>
     */
    public Position sync() throws IOException {
        durability.lock();
        try {
            if (closed) {
                return durable;
            }
            checkUsable();
            return syncLocked();
        } finally {
            durability.unlock();
        }
    }

    private Position syncLocked() throws IOException {
        Position at = position;
        if (at == null || at.equals(durable)) {
            return durable;
        }
        try {
            // Durability steps, in order: 1. the frames of every transaction up to 'at'; 2. the position.
            if (options.fsync()) {
                wal.force();
            }
            CrashPoint.SYNC_AFTER_WAL.reached();
            positions.write(at, options.fsync());
            durable = at;
            CrashPoint.AFTER_POSITION.reached();
            return at;
        } catch (IOException | RuntimeException e) {
            failure = "txid " + at.txid() + " is visible in " + files.db() + " but could not be synced: " + e.getMessage();
            throw e;
        }
    }

    /** The position recorded in the position file: everything up to it is on disk. Any thread. */
    public Position durablePosition() {
        return durable;
    }

    /** Runs a PASSIVE checkpoint now; it never waits for readers. */
    public CheckpointResult checkpoint() throws IOException {
        checkUsable();
        CheckpointResult r = checkpointer.run();
        walBytes = r.walBytes();
        return r;
    }

    /** The recorded position, or {@code null} if the replica has none yet. Any thread. */
    public Position position() {
        return position;
    }

    /** Size of the WAL file after the last operation; a reader holding an old snapshot makes it grow. Any thread. */
    public long walBytes() {
        return walBytes;
    }

    public int pageSize() {
        return pageSize;
    }

    /** The database size in pages of the replica's current content. */
    public int pageCount() {
        return sums.pageCount();
    }

    /** The database checksum of the replica's current content (from the page checksums). */
    public long contentChecksum() {
        return sums.databaseChecksum();
    }

    private void persistChecksums() throws IOException {
        Position at = position;
        if (at != null) {
            sumsFile.stamp(at);
        }
        if (options.fsync()) {
            sumsFile.force();
        }
    }

    private void checkUsable() {
        if (failure != null) {
            throw new IllegalStateException("replica " + files.db() + " stopped after a failure past the point of no"
                    + " return (" + failure + "); close and reopen it to recover");
        }
    }

    /** Syncs what was published (unless failed) and closes; waits for a {@link #sync()} running on another thread. */
    @Override
    public void close() throws IOException {
        durability.lock();
        try {
            closeLocked();
        } finally {
            durability.unlock();
        }
    }

    private void closeLocked() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        try {
            if (failure == null) {
                syncLocked();
            }
            persistChecksums();
        } catch (IOException e) {
            first = e;
        }
        for (AutoCloseable c : new AutoCloseable[] {positions, sumsFile, shm, wal, db}) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof IOException io ? io : new IOException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable primary) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}
