package dev.ferry.agent.apply;

import static dev.ferry.agent.apply.WalIndexFormat.*;

import dev.ferry.protocol.sqlite.WalFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies committed WAL frames back into the database file with SQLite's PASSIVE semantics
 * (walCheckpoint): it never waits for a reader and never overwrites a page a reader may still need.
 *
 * <p>Order and why each step is safe:
 * <ol>
 *   <li>Take CKPT exclusively without waiting (another checkpointer running means: skip).</li>
 *   <li>Compute the safe frame: start at mxFrame; for each read mark 1..4 below it, try READ(i)
 *       exclusively; if free, move the mark up (mark 1 to the safe frame, others to unused); if a
 *       reader holds it, lower the safe frame to its mark. No reader then needs an older version of
 *       a page than the newest frame at or below the safe frame.</li>
 *   <li>Take READ0 exclusively without waiting: readers holding READ0 read only the database file,
 *       so while one exists no page may be overwritten.</li>
 *   <li>Record nBackfillAttempted; fsync the WAL (durability step: the copies must never be newer
 *       on disk than the frames they come from).</li>
 *   <li>Copy the newest frame of each page in (nBackfill, safe frame], pages beyond nPage skipped.</li>
 *   <li>If the safe frame is the whole WAL: truncate the file to nPage pages, fsync it.</li>
 *   <li>Store nBackfill = safe frame; release READ0 and CKPT.</li>
 *   <li>If everything is backfilled and the WAL is larger than its limit, restart and truncate it
 *       when no reader uses it ({@link WalWriter#truncateIfUnused}); retried briefly (see
 *       {@link #run}).</li>
 * </ol>
 *
 * <p>Crash recovery: nBackfill is stored last, so a crash leaves it at its old value and the next
 * checkpoint copies the same frames again (same bytes). A wal-index rebuilt by recovery sets
 * nBackfill to 0, which is also safe: frames are re-read from the WAL.
 */
final class Checkpointer {
    private static final int RESTART_ATTEMPTS = 20;
    private static final long RESTART_RETRY_NANOS = 100_000;

    private final WalFile wal;
    private final WalIndex index;
    private final DatabaseFile db;
    private final WalWriter writer;
    private final int pageSize;
    private final ApplyOptions options;
    private long stalledAtBackfill = -1;

    Checkpointer(WalFile wal, WalIndex index, DatabaseFile db, WalWriter writer, int pageSize, ApplyOptions options) {
        this.wal = wal;
        this.index = index;
        this.db = db;
        this.writer = writer;
        this.pageSize = pageSize;
        this.options = options;
    }

    /**
     * Runs a checkpoint. While the WAL is above its size limit and the pass could not restart it
     * (readers still held read marks below mxFrame, or READ1..4), the pass is retried up to
     * {@code RESTART_ATTEMPTS} times 0.1 ms apart: readers that start after a complete backfill use
     * READ0, so short read transactions drain quickly and the restart usually succeeds. Without this,
     * readers that never pause (each new read transaction taking a mark just below the newest frame)
     * starve the WAL restart and the WAL grows without bound, as it does with SQLite itself. If the
     * retries fail, later calls skip them until the backfill has moved on, so a reader pinning an old
     * snapshot costs them once, not per transaction: nobody waits for it.
     */
    CheckpointResult run() throws IOException {
        CheckpointResult r = runOnce();
        if (!restartWanted(r) || r.nBackfill() == stalledAtBackfill) {
            return r;
        }
        for (int attempt = 1; attempt < RESTART_ATTEMPTS && restartWanted(r); attempt++) {
            LockSupport.parkNanos(RESTART_RETRY_NANOS);
            r = runOnce();
        }
        stalledAtBackfill = restartWanted(r) ? r.nBackfill() : -1;
        return r;
    }

    private boolean restartWanted(CheckpointResult r) {
        return !r.busy() && r.mxFrame() != 0 && r.walBytes() > options.walSizeLimitBytes();
    }

    private CheckpointResult runOnce() throws IOException {
        SharedMemory shm = index.shm();
        FileLock ckpt = shm.tryLock(LOCK_CKPT, 1, false);
        if (ckpt == null) {
            WalIndexHeader h = writer.published();
            return new CheckpointResult(h.mxFrameUnsigned(), Integer.toUnsignedLong(index.nBackfill()), false, true,
                    wal.size());
        }
        WalIndexHeader h;
        long nBackfill;
        try {
            h = index.readHeader();
            if (h == null) {
                h = writer.published();
            }
            nBackfill = Integer.toUnsignedLong(index.nBackfill());
            long mxSafe = h.mxFrameUnsigned();
            if (nBackfill < mxSafe) {
                mxSafe = safeFrame(shm, mxSafe);
                if (nBackfill < mxSafe) {
                    FileLock read0 = shm.tryLock(readLock(0), 1, false);
                    if (read0 != null) {
                        try {
                            backfill(h, nBackfill, mxSafe);
                            nBackfill = mxSafe;
                        } finally {
                            read0.release();
                        }
                    }
                }
            }
        } finally {
            ckpt.release();
        }
        boolean complete = nBackfill == h.mxFrameUnsigned();
        if (complete && h.mxFrame() != 0 && wal.size() > options.walSizeLimitBytes()) {
            writer.truncateIfUnused();
        }
        WalIndexHeader now = writer.published();
        return new CheckpointResult(now.mxFrameUnsigned(), Integer.toUnsignedLong(index.nBackfill()),
                Integer.toUnsignedLong(index.nBackfill()) == now.mxFrameUnsigned(), false, wal.size());
    }

    /** Step 2. */
    private long safeFrame(SharedMemory shm, long mxFrame) throws IOException {
        long mxSafe = mxFrame;
        for (int i = 1; i < N_READER; i++) {
            long mark = Integer.toUnsignedLong(index.readMark(i));
            if (mxSafe > mark) {
                FileLock lock = shm.tryLock(readLock(i), 1, false);
                if (lock != null) {
                    try {
                        index.setReadMark(i, i == 1 ? (int) mxSafe : READMARK_NOT_USED);
                    } finally {
                        lock.release();
                    }
                } else {
                    mxSafe = mark;
                }
            }
        }
        return mxSafe;
    }

    /** Steps 4-7, with READ0 and CKPT held. */
    private void backfill(WalIndexHeader h, long nBackfill, long mxSafe) throws IOException {
        index.setNBackfillAttempted((int) mxSafe);
        CrashPoint.CHECKPOINT_BEFORE_BACKFILL.reached();
        if (options.fsync()) {
            wal.force();
        }
        long[] newest = newestFrames(nBackfill, mxSafe, Integer.toUnsignedLong(h.nPage()));
        // A direct buffer: the page goes from one file to the other without the JDK's extra copies.
        ByteBuffer page = ByteBuffer.allocateDirect(pageSize);
        for (int i = 0; i < newest.length; i++) {
            if (i == newest.length / 2) {
                CrashPoint.CHECKPOINT_PARTIAL_BACKFILL.reached();
            }
            int pgno = (int) (newest[i] >>> 32);
            long frame = newest[i] & 0xffffffffL;
            wal.readFully(page.clear(), WalFormat.frameOffset(frame, pageSize) + WalFormat.FRAME_HEADER_SIZE,
                    "read WAL frame " + frame);
            db.writePage(pgno, page.flip());
        }
        CrashPoint.CHECKPOINT_AFTER_BACKFILL.reached();
        WalIndexHeader live = index.readHeader();
        if (live != null && live.mxFrameUnsigned() == mxSafe) {
            db.truncate(Integer.toUnsignedLong(h.nPage()) * pageSize);
            if (options.fsync()) {
                db.force();
            }
        }
        index.setNBackfill((int) mxSafe);
        CrashPoint.CHECKPOINT_AFTER_NBACKFILL.reached();
    }

    /** (pgno << 32 | frame) of the newest frame per page in (from, to], pages above nPage left out, by pgno. */
    private long[] newestFrames(long from, long to, long nPage) throws IOException {
        long[] keys = new long[(int) (to - from)];
        int n = 0;
        for (long frame = from + 1; frame <= to; frame++) {
            long pgno = Integer.toUnsignedLong(index.pgnoOf(frame));
            if (pgno <= nPage) {
                keys[n++] = pgno << 32 | frame;
            }
        }
        Arrays.sort(keys, 0, n);
        int out = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && keys[i + 1] >>> 32 == keys[i] >>> 32) {
                continue;
            }
            keys[out++] = keys[i];
        }
        return Arrays.copyOf(keys, out);
    }
}
