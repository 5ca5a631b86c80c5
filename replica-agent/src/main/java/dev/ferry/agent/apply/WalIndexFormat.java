package dev.ferry.agent.apply;

/**
 * Facts of SQLite's wal-index ({@code -shm}) format and its lock bytes, from the opening comment
 * of SQLite's src/wal.c (WalIndexHdr, WalCkptInfo, the hash-table constants), os_unix.c
 * (UNIX_SHM_BASE, UNIX_SHM_DMS) and https://www.sqlite.org/walformat.html.
 *
 * <pre>
 * -shm header (136 bytes, native byte order)     WalIndexHdr copy (48 bytes)
 * 0    WalIndexHdr copy 0                        0   iVersion (3007000)
 * 48   WalIndexHdr copy 1                        4   unused
 * 96   nBackfill                                 8   iChange: bumped per commit
 * 100  aReadMark[0..4]                           12  isInit (u8), 13 bigEndCksum (u8)
 * 120  lock bytes: WRITE CKPT RECOVER READ0..4   14  szPage (u16; 1 means 65536)
 * 128  nBackfillAttempted (DMS lock byte too)    16  mxFrame, 20 nPage
 * 132  unused                                    24  aFrameCksum[2], 32 aSalt[2] (WAL header bytes)
 *                                                40  aCksum[2]: over bytes 0..39, native words
 * </pre>
 *
 * <p>The hash index follows in 32 KiB blocks: block 0 holds {@link #NPAGE_ONE} page numbers from
 * byte 136, later blocks {@link #NPAGE} from byte 0; each block's 8192 u16 hash slots start at byte
 * 16384; slot = (pgno × 383) &amp; 8191 with linear probing; a slot holds the 1-based index of the
 * frame within its block. Every constant here is compatibility-breaking if changed.
 */
final class WalIndexFormat {
    static final int VERSION = 3007000;
    static final int HEADER_COPY_SIZE = 48;
    static final int HEADER_COPY_0 = 0;
    static final int HEADER_COPY_1 = HEADER_COPY_0 + HEADER_COPY_SIZE;

    static final int H_VERSION = 0;
    static final int H_UNUSED = H_VERSION + 4;
    static final int H_CHANGE = H_UNUSED + 4;
    static final int H_IS_INIT = H_CHANGE + 4;
    static final int H_BIG_END_CKSUM = H_IS_INIT + 1;
    static final int H_PAGE_SIZE = H_BIG_END_CKSUM + 1;
    static final int H_MX_FRAME = H_PAGE_SIZE + 2;
    static final int H_N_PAGE = H_MX_FRAME + 4;
    static final int H_FRAME_CKSUM = H_N_PAGE + 4;
    static final int H_SALT = H_FRAME_CKSUM + 8;
    static final int H_CKSUM = H_SALT + 8;

    static final int N_BACKFILL = HEADER_COPY_1 + HEADER_COPY_SIZE;
    static final int READ_MARKS = N_BACKFILL + 4;
    static final int N_READER = 5;
    static final int LOCK_BYTES = READ_MARKS + 4 * N_READER;
    static final int N_BACKFILL_ATTEMPTED = LOCK_BYTES + 8;
    static final int HEADER_SIZE = N_BACKFILL_ATTEMPTED + 8;
    static final int READMARK_NOT_USED = 0xffffffff;

    /** POSIX lock bytes in the -shm file (os_unix.c: UNIX_SHM_BASE = 120, UNIX_SHM_DMS = 128). */
    static final int LOCK_WRITE = LOCK_BYTES;
    static final int LOCK_CKPT = LOCK_WRITE + 1;
    static final int LOCK_RECOVER = LOCK_CKPT + 1;
    static final int LOCK_READ0 = LOCK_RECOVER + 1;
    static final int LOCK_DMS = LOCK_READ0 + N_READER;

    static final int BLOCK_SIZE = 32768;
    static final int NPAGE = 4096;
    static final int NPAGE_ONE = NPAGE - HEADER_SIZE / 4;
    static final int NSLOT = 2 * NPAGE;
    static final int HASH_MULTIPLIER = 383;
    static final int HASH_OFFSET = NPAGE * 4;

    private WalIndexFormat() {}

    static int readLock(int i) {
        return LOCK_READ0 + i;
    }

    static int readMarkOffset(int i) {
        return READ_MARKS + 4 * i;
    }

    /** The hash block that indexes frame {@code frame} (1-based), as walFramePage computes it. */
    static int blockOf(long frame) {
        return (int) ((frame + NPAGE - NPAGE_ONE - 1) / NPAGE);
    }

    /** One less than the first frame indexed by block {@code block}. */
    static long blockZero(int block) {
        return block == 0 ? 0 : NPAGE_ONE + (long) (block - 1) * NPAGE;
    }

    /** Byte offset, within its block, of the page-number array. */
    static int pgnoArrayOffset(int block) {
        return block == 0 ? HEADER_SIZE : 0;
    }

    static int hash(int pgno) {
        return (pgno * HASH_MULTIPLIER) & (NSLOT - 1);
    }

    /** szPage as stored in the header: 65536 is stored as 1. */
    static short encodePageSize(int pageSize) {
        return (short) ((pageSize & 0xff00) | (pageSize >>> 16));
    }

    static int decodePageSize(int stored) {
        return (stored & 0xfe00) + ((stored & 1) << 16);
    }
}
