package dev.ferry.agent.apply;

import static dev.ferry.agent.apply.WalIndexFormat.*;

import dev.ferry.protocol.sqlite.WalChecksum;
import dev.ferry.protocol.sqlite.WalFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes transactions into the WAL and publishes them in the wal-index, as the single writer of
 * the database.
 *
 * <p>Order of one transaction (each step names why it is safe):
 * <ol>
 *   <li>Take WRITE exclusively: no other writer or recoverer runs; readers take it only to recover
 *       a torn header, which the agent never leaves behind while it runs.</li>
 *   <li>Read both header copies; if torn or uninitialised, recover from the WAL (CKPT and RECOVER
 *       held). If the header shows frames the agent did not publish, report a foreign writer.</li>
 *   <li>Restart the WAL if every frame is backfilled and READ1..4 can all be locked exclusively:
 *       then no reader uses the WAL, so frame 1 may be overwritten.</li>
 *   <li>Write the frames with one positioned write after mxFrame (a fresh WAL header first when
 *       mxFrame is 0). Readers ignore frames above their snapshot's mxFrame.</li>
 *   <li>fsync the WAL when durability is on and the caller did not ask to publish first, so a
 *       published transaction is never lost; with {@link ApplyOptions#publishBeforeSync} the
 *       caller syncs later ({@link ReplicaDatabase#sync}), before it records or acknowledges the
 *       transaction.</li>
 *   <li>Append hash entries (clearing a dead writer's leftovers); invisible above mxFrame.</li>
 *   <li>Publish: full fence, header copy 1, fence, copy 0, fence. The transaction becomes visible
 *       atomically when copy 0 is stored.</li>
 *   <li>Release WRITE.</li>
 * </ol>
 *
 * <p>Concurrency: confined to the applier thread. Crash recovery: see {@link CrashPoint}.
 */
final class WalWriter {
    /** Work to do before a WAL restart makes the old frames unreachable (persist page checksums). */
    interface BeforeRestart {
        void run() throws IOException;
    }

    private final WalFile wal;
    private final WalIndex index;
    private final SharedMemory shm;
    private final int pageSize;
    private final ApplyOptions options;
    private final BeforeRestart beforeRestart;
    private WalIndexHeader published;
    private int checkpointSeq;
    /** Frames are assembled in a direct buffer, so the positioned write needs no extra copy. */
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);
    private final byte[] frameHeader = new byte[WalFormat.FRAME_HEADER_SIZE];

    WalWriter(WalFile wal, WalIndex index, int pageSize, ApplyOptions options, BeforeRestart beforeRestart)
            throws IOException {
        this.wal = wal;
        this.index = index;
        this.shm = index.shm();
        this.pageSize = pageSize;
        this.options = options;
        this.beforeRestart = beforeRestart;
        WalFile.Header h = wal.readHeader();
        this.checkpointSeq = h == null ? 0 : h.checkpointSeq();
    }

    /** The last header this writer published or adopted. */
    WalIndexHeader published() {
        return published;
    }

    /**
     * Steps 1-3: takes WRITE and returns an open transaction. With {@code adoptForeign} frames
     * written by another process are accepted as the base (used on open and by a repairing
     * snapshot); otherwise they are reported as divergence.
     */
    Transaction begin(boolean adoptForeign) throws IOException, ReplicaDivergedException {
        FileLock write = shm.lock(LOCK_WRITE, 1, false, options.lockTimeoutMs(), "WRITE");
        try {
            WalIndexHeader h = validatedHeader();
            if (published != null && !adoptForeign && !h.sameContent(published) && h.mxFrame() != 0) {
                throw new ReplicaDivergedException(ReplicaDivergedException.Reason.FOREIGN_WRITER,
                        "wal-index " + shm.path() + " shows mxFrame " + h.mxFrameUnsigned() + " with salts "
                                + Integer.toHexString(h.salt1()) + "/" + Integer.toHexString(h.salt2())
                                + " but the agent last published mxFrame " + published.mxFrameUnsigned() + " with salts "
                                + Integer.toHexString(published.salt1()) + "/" + Integer.toHexString(published.salt2())
                                + ": another process wrote to the replica");
            }
            published = h;
            CrashPoint.AFTER_WRITE_LOCK.reached();
            h = restartIfUnused(h);
            return new Transaction(write, h);
        } catch (IOException | ReplicaDivergedException | RuntimeException e) {
            write.release();
            throw e;
        }
    }

    /**
     * On open: takes WRITE, validates (or recovers) the wal-index and adopts its header as the
     * writer's starting point, whoever wrote it; releases WRITE.
     */
    WalIndexHeader attach() throws IOException {
        FileLock write = shm.lock(LOCK_WRITE, 1, false, options.lockTimeoutMs(), "WRITE");
        try {
            published = validatedHeader();
            return published;
        } finally {
            write.release();
        }
    }

    /** Reads the header, recovering the wal-index from the WAL if it is torn. Caller holds WRITE. */
    private WalIndexHeader validatedHeader() throws IOException {
        index.block0(true);
        WalIndexHeader h = index.readHeader();
        if (h == null) {
            h = WalIndexRecovery.recover(index, wal, options.lockTimeoutMs());
        }
        if (h.pageSize() != 0 && h.pageSize() != pageSize) {
            throw new IOException("wal-index " + shm.path() + " says page size " + h.pageSize()
                    + " but the database page size is " + pageSize);
        }
        return h;
    }

    /**
     * walRestartLog: when every frame is backfilled and no reader holds READ1..4, publishes a header
     * with mxFrame 0 and new salts so that the next frames start again at frame 1. Caller holds WRITE.
     */
    private WalIndexHeader restartIfUnused(WalIndexHeader h) throws IOException {
        if (h.mxFrame() == 0 || index.nBackfill() != h.mxFrame()) {
            return h;
        }
        // Durability step: a restart makes the old frames unreachable, so the page checksums they fed
        // go to disk first; done before locking READ1..4 so that readers are never held up by an fsync.
        beforeRestart.run();
        FileLock readers = shm.tryLock(readLock(1), N_READER - 1, false);
        if (readers == null) {
            return h;
        }
        try {
            return restart(h);
        } finally {
            readers.release();
        }
    }

    /** walRestartHdr; caller holds WRITE and READ1..4 exclusively and has run {@link #beforeRestart}. */
    private WalIndexHeader restart(WalIndexHeader h) throws IOException {
        checkpointSeq++;
        WalIndexHeader restarted = new WalIndexHeader(h.change(), h.bigEndCksum(), h.pageSize(), 0, h.nPage(),
                h.frameCksum1(), h.frameCksum2(), h.salt1() + 1, ThreadLocalRandom.current().nextInt());
        index.publish(restarted);
        index.setNBackfill(0);
        index.setNBackfillAttempted(0);
        index.setReadMark(1, 0);
        for (int i = 2; i < N_READER; i++) {
            index.setReadMark(i, READMARK_NOT_USED);
        }
        published = restarted;
        CrashPoint.AFTER_RESTART.reached();
        return restarted;
    }

    /**
     * SQLite's TRUNCATE checkpoint tail: when everything is backfilled and no reader uses the WAL,
     * restarts it and cuts the file to zero bytes, so a WAL that grew while a reader pinned it shrinks
     * again. Skipped (false) if WRITE or a reader lock is busy.
     */
    boolean truncateIfUnused() throws IOException {
        FileLock write = shm.tryLock(LOCK_WRITE, 1, false);
        if (write == null) {
            return false;
        }
        try {
            WalIndexHeader h = validatedHeader();
            if (published != null && !h.sameContent(published)) {
                return false;
            }
            if (h.mxFrame() == 0 || index.nBackfill() != h.mxFrame()) {
                return false;
            }
            beforeRestart.run();
            FileLock readers = shm.tryLock(readLock(1), N_READER - 1, false);
            if (readers == null) {
                return false;
            }
            try {
                restart(h);
                CrashPoint.CHECKPOINT_AFTER_RESTART.reached();
                wal.truncate(0);
            } finally {
                readers.release();
            }
            return true;
        } finally {
            write.release();
        }
    }

    /** One write transaction: frames appended in batches, then published by {@link #commit}. */
    final class Transaction implements AutoCloseable {
        private final FileLock write;
        private final WalIndexHeader base;
        private final boolean freshWal;
        private final boolean bigEndian;
        private final int salt1;
        private final int salt2;
        private long lastFrame;
        private int s1;
        private int s2;
        private boolean closed;

        private Transaction(FileLock write, WalIndexHeader base) throws IOException {
            this.write = write;
            this.base = base;
            this.freshWal = base.mxFrame() == 0;
            this.lastFrame = base.mxFrameUnsigned();
            this.salt1 = base.salt1();
            this.salt2 = base.salt2();
            if (freshWal) {
                // A fresh WAL header carries the wal-index salts, as sqlite3WalFrames writes it before frame 1.
                WalFile.Header h = wal.writeHeader(pageSize, checkpointSeq, salt1, salt2);
                this.bigEndian = h.bigEndianChecksum();
                this.s1 = h.cksum1();
                this.s2 = h.cksum2();
            } else {
                this.bigEndian = base.bigEndCksum();
                this.s1 = base.frameCksum1();
                this.s2 = base.frameCksum2();
            }
        }

        /** The header this transaction builds on (after any restart). */
        WalIndexHeader base() {
            return base;
        }

        /**
         * Steps 4 and 6: appends {@code count} frames; the last one is a commit frame with database
         * size {@code commitPages} if that is non-zero.
         */
        void append(int[] pgnos, byte[][] pages, int count, int commitPages) throws IOException {
            int bytes = (WalFormat.FRAME_HEADER_SIZE + pageSize) * count;
            if (buffer.capacity() < bytes) {
                buffer = ByteBuffer.allocateDirect(bytes);
            }
            ByteBuffer b = buffer.clear();
            byte[] h = frameHeader;
            for (int i = 0; i < count; i++) {
                WalFormat.writeIntBigEndian(h, WalFormat.FRAME_PGNO, pgnos[i]);
                WalFormat.writeIntBigEndian(h, WalFormat.FRAME_COMMIT_SIZE, i == count - 1 ? commitPages : 0);
                WalFormat.writeIntBigEndian(h, WalFormat.FRAME_SALT1, salt1);
                WalFormat.writeIntBigEndian(h, WalFormat.FRAME_SALT2, salt2);
                long sum = WalChecksum.update(bigEndian, s1, s2, h, 0, 8);
                sum = WalChecksum.update(bigEndian, WalChecksum.first(sum), WalChecksum.second(sum), pages[i], 0, pageSize);
                s1 = WalChecksum.first(sum);
                s2 = WalChecksum.second(sum);
                WalFormat.writeIntBigEndian(h, WalFormat.FRAME_CHECKSUM1, s1);
                WalFormat.writeIntBigEndian(h, WalFormat.FRAME_CHECKSUM2, s2);
                b.put(h).put(pages[i], 0, pageSize);
            }
            b.flip();
            long offset = WalFormat.frameOffset(lastFrame + 1, pageSize);
            if (CrashPoint.FRAMES_PARTIAL.armed()) {
                if (CrashPoint.FRAMES_PARTIAL.haltsNext()) {
                    wal.write(b.duplicate().limit(bytes / 2), offset, "write WAL frames");
                }
                CrashPoint.FRAMES_PARTIAL.reached();
            }
            wal.write(b, offset, "write WAL frames");
            CrashPoint.AFTER_FRAMES.reached();
            long committed = base.mxFrameUnsigned();
            for (int i = 0; i < count; i++) {
                index.append(lastFrame + 1 + i, pgnos[i], committed);
            }
            lastFrame += count;
            CrashPoint.AFTER_HASH_ENTRIES.reached();
        }

        /**
         * Steps 5 and 7: makes the frames durable (if configured and {@code syncFirst}) and
         * publishes the new header.
         */
        WalIndexHeader commit(int nPage, boolean syncFirst) throws IOException {
            if (syncFirst && options.fsync()) {
                // Durability step: the frames reach the disk before any reader can see them.
                wal.force();
            }
            if (freshWal) {
                long end = WalFormat.frameOffset(lastFrame + 1, pageSize);
                if (wal.size() > Math.max(end, options.walSizeLimitBytes())) {
                    // Safe: after a restart no reader uses any frame, and the new frames end at 'end'.
                    wal.truncate(end);
                }
            }
            WalIndexHeader h = new WalIndexHeader(base.change() + 1, bigEndian, pageSize, (int) lastFrame, nPage,
                    s1, s2, salt1, salt2);
            index.publish(h);
            published = h;
            CrashPoint.AFTER_PUBLISH.reached();
            return h;
        }

        /** Step 8: releases WRITE. Frames appended but not committed stay invisible and are overwritten later. */
        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                write.release();
                CrashPoint.AFTER_WRITE_UNLOCK.reached();
            }
        }
    }
}
