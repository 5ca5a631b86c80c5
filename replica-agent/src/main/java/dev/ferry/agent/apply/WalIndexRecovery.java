package dev.ferry.agent.apply;

import static dev.ferry.agent.apply.WalIndexFormat.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rebuilds the wal-index from the WAL when its header is torn or uninitialised, as SQLite's
 * walIndexRecover does, so that readers and the agent agree on the committed frames.
 *
 * <p>Concurrency: runs with WRITE held by the caller and takes CKPT and RECOVER exclusively, so no
 * checkpointer or other recoverer runs at the same time; readers seeing the bad header wait for
 * RECOVER. A reader may still hold an older snapshot and look up frames at or below its mxFrame
 * while the hash tables are rebuilt, so each block is built in private memory and only the words
 * that differ are stored (SQLite's SQLITE_SAFER_WALINDEX_RECOVERY variant): entries such a reader
 * needs are recomputed to the same values and never pass through zero.
 *
 * <p>Crash recovery: idempotent; a recovery interrupted by a crash leaves a header that is still
 * bad (it is written last), and the next writer or reader recovers again.
 */
final class WalIndexRecovery {
    private WalIndexRecovery() {}

    /** Rebuilds and publishes; returns the new header. Caller holds WRITE. */
    static WalIndexHeader recover(WalIndex index, WalFile wal, long lockTimeoutMs) throws IOException {
        SharedMemory shm = index.shm();
        FileLock ckptAndRecover = shm.lock(LOCK_CKPT, 2, false, lockTimeoutMs, "CKPT+RECOVER");
        try {
            WalScan.Result r = WalScan.scan(wal);
            writeBlocks(index, r.pgnos());
            WalIndexHeader header;
            if (r.header() == null) {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                header = new WalIndexHeader(0, false, 0, 0, 0, 0, 0, rnd.nextInt(), rnd.nextInt());
            } else {
                header = new WalIndexHeader(0, r.header().bigEndianChecksum(), r.mxFrame() == 0 ? 0 : r.header().pageSize(),
                        r.mxFrame(), r.nPage(), r.cksum1(), r.cksum2(), r.header().salt1(), r.header().salt2());
            }
            index.publish(header);
            resetCheckpointInfo(index, shm, header.mxFrame());
            return header;
        } finally {
            ckptAndRecover.release();
        }
    }

    private static void writeBlocks(WalIndex index, int[] pgnos) throws IOException {
        int frames = pgnos.length;
        int lastBlock = frames == 0 ? -1 : blockOf(frames);
        for (int block = 0; block <= lastBlock; block++) {
            ByteBuffer priv = ByteBuffer.allocate(BLOCK_SIZE).order(WalIndexHeader.NATIVE);
            long zero = blockZero(block);
            int pgnoOffset = pgnoArrayOffset(block);
            long last = Math.min(frames, block == 0 ? NPAGE_ONE : zero + NPAGE);
            for (long frame = zero + 1; frame <= last; frame++) {
                WalIndex.insert(priv, pgnoOffset, (int) (frame - zero), pgnos[(int) frame - 1], frame);
            }
            ByteBuffer shared = index.shm().block(block, true);
            for (int at = pgnoOffset; at < BLOCK_SIZE; at += 4) {
                int v = priv.getInt(at);
                if (shared.getInt(at) != v) {
                    shared.putInt(at, v);
                }
            }
        }
    }

    /**
     * Resets WalCkptInfo as recovery does: nothing backfilled, read mark 0 at 0, read mark 1 at
     * mxFrame (or unused), the others unused; each mark is changed only under its READ lock held
     * exclusively, and a mark whose lock a reader holds is left at 0, which pins the checkpointer
     * safely until that reader finishes.
     */
    private static void resetCheckpointInfo(WalIndex index, SharedMemory shm, int mxFrame) throws IOException {
        index.setNBackfill(0);
        index.setNBackfillAttempted(mxFrame);
        index.setReadMark(0, 0);
        for (int i = 1; i < N_READER; i++) {
            FileLock lock = shm.tryLock(readLock(i), 1, false);
            if (lock == null) {
                index.setReadMark(i, 0);
                continue;
            }
            try {
                index.setReadMark(i, i == 1 && mxFrame != 0 ? mxFrame : READMARK_NOT_USED);
            } finally {
                lock.release();
            }
        }
    }
}
