package dev.ferry.agent.apply;

import static dev.ferry.agent.apply.WalIndexFormat.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The content of the wal-index: the two header copies, the checkpoint information and the hash
 * index, read and written the way SQLite's src/wal.c does.
 *
 * <p>Concurrency: readers in other processes read the header without a lock (and retry if the two
 * copies differ), then read hash slots for frames up to their snapshot's mxFrame. So the writer
 * (holding WRITE) appends hash entries first, then publishes with: full fence, copy 1, full fence,
 * copy 0, full fence; a reader reads copy 0 first, so it sees either the old header or, once copy 0
 * is written, the complete new transaction. Hash entries above a reader's mxFrame are ignored by
 * that reader, which makes it safe to add them while it reads.
 *
 * <p>Crash recovery: a writer that died after appending hash entries but before publishing leaves
 * entries above mxFrame; {@link #append} clears them exactly as walIndexAppend/walCleanupHash do.
 * A writer that died between the two header copies leaves a torn header, which the next writer or
 * reader detects and repairs with {@link WalIndexRecovery}.
 */
final class WalIndex {
    private final SharedMemory shm;

    WalIndex(SharedMemory shm) {
        this.shm = shm;
    }

    SharedMemory shm() {
        return shm;
    }

    /** Maps block 0 (growing the file under WRITE if {@code extend}). */
    ByteBuffer block0(boolean extend) throws IOException {
        return shm.block(0, extend);
    }

    /**
     * Reads both header copies (copy 0 first, as readers do) and returns the header if they are equal,
     * initialised and carry a valid checksum; {@code null} if the header is torn or uninitialised.
     */
    WalIndexHeader readHeader() throws IOException {
        if (shm.size() < BLOCK_SIZE) {
            return null;
        }
        ByteBuffer b = shm.block(0, false);
        byte[] h0 = new byte[HEADER_COPY_SIZE];
        byte[] h1 = new byte[HEADER_COPY_SIZE];
        copyOut(b, HEADER_COPY_0, h0);
        SharedMemory.fullFence();
        copyOut(b, HEADER_COPY_1, h1);
        if (!Arrays.equals(h0, h1)) {
            return null;
        }
        return WalIndexHeader.decode(h0);
    }

    /**
     * Publishes a new header: full fence (hash entries and frames before it), copy 1, full fence,
     * copy 0, full fence. The order is SQLite's walIndexWriteHdr; readers read copy 0 first.
     */
    void publish(WalIndexHeader header) throws IOException {
        byte[] bytes = header.encode();
        ByteBuffer b = shm.block(0, true);
        SharedMemory.fullFence();
        copyIn(b, HEADER_COPY_1, bytes);
        SharedMemory.fullFence();
        CrashPoint.AFTER_HEADER_COPY_1.reached();
        copyIn(b, HEADER_COPY_0, bytes);
        SharedMemory.fullFence();
    }

    int nBackfill() throws IOException {
        return SharedMemory.loadInt(shm.block(0, false), N_BACKFILL);
    }

    void setNBackfill(int value) throws IOException {
        SharedMemory.storeInt(shm.block(0, false), N_BACKFILL, value);
    }

    void setNBackfillAttempted(int value) throws IOException {
        SharedMemory.storeInt(shm.block(0, false), N_BACKFILL_ATTEMPTED, value);
    }

    int readMark(int i) throws IOException {
        return SharedMemory.loadInt(shm.block(0, false), readMarkOffset(i));
    }

    /** Changes aReadMark[i]; the caller holds READ(i) exclusively, as SQLite requires. */
    void setReadMark(int i, int value) throws IOException {
        SharedMemory.storeInt(shm.block(0, false), readMarkOffset(i), value);
    }

    /**
     * Adds the hash entry mapping frame {@code frame} to page {@code pgno}, as walIndexAppend does:
     * the first entry of a block clears the whole block; an entry already present at this frame's
     * slot is the remnant of a writer that died before publishing, so every entry above the last
     * committed frame {@code mxFrame} is cleared first.
     */
    void append(long frame, int pgno, long mxFrame) throws IOException {
        int block = blockOf(frame);
        ByteBuffer b = shm.block(block, true);
        int idx = (int) (frame - blockZero(block));
        int pgnos = pgnoArrayOffset(block);
        if (idx == 1) {
            clear(b, pgnos, BLOCK_SIZE);
        }
        if (b.getInt(pgnos + 4 * (idx - 1)) != 0) {
            cleanup(mxFrame);
        }
        try {
            insert(b, pgnos, idx, pgno, frame);
        } catch (IOException e) {
            throw new IOException("append page " + pgno + " at frame " + frame + " to " + shm.path() + " block " + block
                    + ": " + e.getMessage(), e);
        }
    }

    /** Inserts into a block buffer (mapped or private); shared by {@link WalIndexRecovery}. */
    static void insert(ByteBuffer b, int pgnos, int idx, int pgno, long frame) throws IOException {
        int key = hash(pgno);
        int collisions = idx;
        while (b.getShort(HASH_OFFSET + 2 * key) != 0) {
            if (collisions-- == 0) {
                throw new IOException("wal-index hash table for frame " + frame + " is full: the -shm file is corrupt");
            }
            key = (key + 1) & (NSLOT - 1);
        }
        b.putInt(pgnos + 4 * (idx - 1), pgno);
        b.putShort(HASH_OFFSET + 2 * key, (short) idx);
    }

    /** walCleanupHash: removes entries for frames above {@code mxFrame} from its block. */
    void cleanup(long mxFrame) throws IOException {
        if (mxFrame == 0) {
            return;
        }
        int block = blockOf(mxFrame);
        ByteBuffer b = shm.block(block, true);
        int limit = (int) (mxFrame - blockZero(block));
        for (int i = 0; i < NSLOT; i++) {
            if ((b.getShort(HASH_OFFSET + 2 * i) & 0xffff) > limit) {
                b.putShort(HASH_OFFSET + 2 * i, (short) 0);
            }
        }
        clear(b, pgnoArrayOffset(block) + 4 * limit, HASH_OFFSET);
    }

    /** The page number recorded for frame {@code frame}. */
    int pgnoOf(long frame) throws IOException {
        int block = blockOf(frame);
        return shm.block(block, false).getInt(pgnoArrayOffset(block) + 4 * (int) (frame - 1 - blockZero(block)));
    }

    /**
     * The newest frame at or below {@code mxFrame} and above {@code minFrame} that holds page
     * {@code pgno}, or 0 if there is none, searched through the hash tables as a reader does.
     */
    long findFrame(int pgno, long mxFrame, long minFrame) throws IOException {
        if (mxFrame == 0) {
            return 0;
        }
        for (int block = blockOf(mxFrame); block >= 0 && block >= blockOf(Math.max(minFrame, 1)); block--) {
            ByteBuffer b = shm.block(block, false);
            long zero = blockZero(block);
            int pgnos = pgnoArrayOffset(block);
            long found = 0;
            for (int key = hash(pgno), n = 0; n < NSLOT; key = (key + 1) & (NSLOT - 1), n++) {
                int idx = b.getShort(HASH_OFFSET + 2 * key) & 0xffff;
                if (idx == 0) {
                    break;
                }
                long frame = zero + idx;
                if (frame <= mxFrame && frame > minFrame && b.getInt(pgnos + 4 * (idx - 1)) == pgno) {
                    found = Math.max(found, frame);
                }
            }
            if (found != 0) {
                return found;
            }
        }
        return 0;
    }

    private static void clear(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i += 4) {
            b.putInt(i, 0);
        }
    }

    private static void copyOut(ByteBuffer b, int offset, byte[] dst) {
        for (int i = 0; i < dst.length; i += 4) {
            int v = SharedMemory.loadInt(b, offset + i);
            ByteBuffer.wrap(dst, i, 4).order(WalIndexHeader.NATIVE).putInt(v);
        }
    }

    private static void copyIn(ByteBuffer b, int offset, byte[] src) {
        ByteBuffer s = ByteBuffer.wrap(src).order(WalIndexHeader.NATIVE);
        for (int i = 0; i < src.length; i += 4) {
            SharedMemory.storeInt(b, offset + i, s.getInt(i));
        }
    }
}
